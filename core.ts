/**
 * `device-session/core`: the sans-I/O core, for embedding device-session in a host of your own
 * (a bare JavaScript engine, another language's runtime through a bridge, a custom scheduler).
 * Everything here is pure and synchronous: no clock, randomness, crypto, timers or I/O.
 *
 * - The client state machine (SPEC §9): `createMachine(options)` gives the initial state;
 *   `step(state, input)` applies one input and answers the effects to carry out (`load_key`,
 *   `generate_key`, `sign`, `send`, `beacon`, `persist`, `resolve`, `reject`, `emit`) and the
 *   local time of the next `tick`. Every input carries `now` and `RANDOM_BYTES` random bytes.
 * - The verification procedures (SPEC §5): generators that yield `key`, `verify`, `sha256`,
 *   `nonce` and `consume` requests and are resumed with the host's answers.
 * - The errors (SPEC §11).
 *
 * docs/embedding.md walks through a complete host.
 *
 * @example
 * ```ts
 * import { createMachine, RANDOM_BYTES, type SessionEffect, step } from "device-session/core";
 *
 * declare function perform(effect: SessionEffect): void; // your ports
 *
 * let state = createMachine({ clientId: "demo", serverPath: "https://risk.example.com/" });
 * const random = () => crypto.getRandomValues(new Uint8Array(RANDOM_BYTES));
 * const r = step(state, { type: "init", now: Date.now(), random: random(), deviceId: null, queue: null, session: null });
 * for (const effect of r.effects) perform(effect); // your ports; answers become later inputs
 * // keep one timer at r.deadline and feed { type: "tick" } when it fires
 * ```
 *
 * @module
 */
// The client state machine.
export { createMachine, step, type StepResult } from "./core/session/machine.ts";
export { type MachineOptionsInput, resolveOptions } from "./core/session/options.ts";
export { derivePhase, nextDeadline } from "./core/session/progress.ts";
export { RANDOM_BYTES } from "./core/session/util.ts";
export type {
  DeviceKeyInfo,
  Effect as SessionEffect,
  Emitted as SessionEvent,
  Input as SessionInput,
  InputType as SessionInputType,
  MachineOptions,
  MachineState,
  PersistedSession,
  Phase,
  Request as SessionRequest,
  Resolution,
  SessionInfo,
  Waiter,
  WaiterId,
} from "./core/session/types.ts";
// The verification procedures.
export type { VerifyEffect, VerifySteps } from "./core/token/effects.ts";
export {
  accessTokenSteps,
  actionTokenSteps,
  type ServiceTokenRules,
  sessionTokenSteps,
} from "./core/token/service-steps.ts";
export {
  type ProofRules,
  proofSteps,
  type SecureTokenRules,
  secureTokenSteps,
} from "./core/token/device-steps.ts";
export type {
  AccessTokenResult,
  ActionTokenResult,
  ProofResult,
  SecureTokenResult,
  SessionTokenResult,
  TokenResult,
} from "./core/token/results.ts";
export { DEFAULT_ALGORITHMS } from "./core/token/header.ts";
export { DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE } from "./core/token/time.ts";
export type { Alg, KeyAssurance } from "./core/wire/primitives.ts";
// Errors.
export {
  DeviceSessionError,
  InputError,
  ProtocolError,
  SessionError,
  TokenError,
} from "./core/errors/error.ts";
export {
  ERROR_CATALOG,
  ERROR_CODES,
  type ErrorCode,
  type ErrorEntry,
  isErrorCode,
} from "./core/errors/catalog.ts";
