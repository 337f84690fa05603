/**
 * The client state machine (SPEC §9).
 *
 * @module
 */
export { createMachine, step, type StepResult } from "./machine.ts";
export { type MachineOptionsInput, resolveOptions } from "./options.ts";
export { MachineOptionsSchema } from "./options-schema.ts";
export { derivePhase, nextDeadline } from "./progress.ts";
export { type Rule as SessionRule, RULES as SESSION_RULES } from "./rules.ts";
export { backoffDelay, RANDOM_BYTES } from "./util.ts";
export { PENDING_SID } from "./tags.ts";
export type {
  DeviceKeyInfo,
  Effect as SessionEffect,
  Emitted as SessionEvent,
  Input as SessionInput,
  InputType as SessionInputType,
  MachineOptions,
  MachineState,
  Pending,
  PersistedSession,
  Phase,
  Request as SessionRequest,
  Resolution,
  SessionInfo,
  Waiter,
  WaiterId,
} from "./types.ts";
