/**
 * The client state machine's entry points: create a state, `step` it with an input, read its
 * next deadline. Pure and synchronous (SPEC §9; DESIGN §2).
 *
 * @module
 */
import { emptyQueue } from "../telemetry/queue.ts";
import { emptySender } from "../telemetry/sender.ts";
import { type MachineOptionsInput, resolveOptions } from "./options.ts";
import { nextDeadline, progress } from "./progress.ts";
import { handlerFor } from "./rules.ts";
import type { Effect, Input, MachineState } from "./types.ts";
import { checkInput } from "./util.ts";

/** What {@link step} returns. */
export interface StepResult {
  /** The state (the same object, updated). */
  readonly state: MachineState;
  /** Effects for the driver to execute, in order. */
  readonly effects: Effect[];
  /** Local time (ms) of the next `tick` the machine needs, or `null`. */
  readonly deadline: number | null;
}

/**
 * A machine in `idle`, with validated options (`ERR_INVALID_INPUT` on bad options).
 *
 * @example
 * ```ts
 * const state = createMachine({ clientId: "demo", serverPath: "http://localhost:8787/" });
 * ```
 */
export function createMachine(options: MachineOptionsInput): MachineState {
  return {
    phase: "idle",
    options: resolveOptions(options),
    key: null,
    keyInflight: false,
    keyEvent: "none",
    deviceId: null,
    nonce: null,
    config: null,
    session: null,
    tokens: {},
    user: null,
    attributes: undefined,
    offsetMs: 0,
    lastActivity: 0,
    auth: {
      inflight: null,
      failures: 0,
      retryAt: 0,
      notBefore: 0,
      configInflight: false,
      lastAttemptAt: -Infinity,
      stale: false,
    },
    pending: {},
    signInputs: {},
    waiters: [],
    queue: emptyQueue(),
    sender: emptySender(),
    persist: { dirty: false, lastAt: -Infinity },
    resume: null,
    nextId: 1,
    closeDeadline: 0,
  };
}

/**
 * Applies one input: runs the table's handler for (input, phase), then the time- and
 * fact-driven rules, and returns the effects and the next deadline.
 *
 * @example
 * ```ts
 * const state = createMachine({ clientId: "demo", serverPath: "https://risk.example.com" });
 * const random = new Uint8Array(32); // 32 fresh random bytes
 * const init = { type: "init", now: 1767225600000, random, deviceId: null, queue: null } as const;
 * const { effects, deadline } = step(state, init);
 * // effects: [{ type: "emit", … }, { type: "load_key" }, { type: "send", request: config … }]
 * ```
 */
export function step(state: MachineState, input: Input): StepResult {
  checkInput(input);
  const effects: Effect[] = [];
  handlerFor(input.type, state.phase)(state, input, effects);
  progress(state, input.now, input.random, effects);
  return { state, effects, deadline: nextDeadline(state, input.now) };
}
