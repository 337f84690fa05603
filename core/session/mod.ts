/**
 * The client state machine (SPEC §9).
 *
 * @module
 */
export { createMachine, step, type StepResult } from "./machine.ts";
export { type MachineOptionsInput, MachineOptionsSchema, resolveOptions } from "./options.ts";
export { derivePhase, nextDeadline } from "./progress.ts";
export { RULES as SESSION_RULES, type Rule as SessionRule } from "./rules.ts";
export { backoffDelay, RANDOM_BYTES } from "./util.ts";
export { PENDING_SID } from "./events.ts";
export type * from "./types.ts";
