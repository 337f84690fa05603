/**
 * Every transition rule of the client state machine in one table (SPEC §9): which handler an
 * input runs in which phase. A (phase, input) pair that no row names is ignored; every row
 * that answers a caller does so in every phase, so no caller is ever left waiting.
 *
 * Every phase change the machine can make is listed in {@link PHASE_CHANGES} below: a few are
 * made by the handlers named there (start, shutdown), the rest are derived from the facts by
 * `progress` (progress.ts, `derivePhase`) after each input, and only among the live phases.
 * The model test (test/support/model.ts) and the trace vectors check that no other change
 * happens.
 *
 * @module
 */
import {
  type Handler,
  ignore,
  onActivity,
  onFlush,
  onGetToken,
  onInit,
  onKeyFailed,
  onKeyReady,
  onPageHide,
  onResponse,
  onSetUser,
  onShutdown,
  onShutdownDormant,
  onSigned,
  onSignFailed,
  onTrack,
  onTriggerAction,
  rejectWith,
} from "./handlers.ts";
import type { InputType, Phase } from "./types.ts";

const LIVE: readonly Phase[] = ["starting", "registering", "active", "expired"];
const RUNNING: readonly Phase[] = [...LIVE, "closing"];
const ENDED: readonly Phase[] = ["closing", "closed"];

const notStarted = rejectWith("ERR_CLOSED", "init has not been called");
const disabled = rejectWith("ERR_DISABLED", "the SDK was initialized with enabled: false");
const closed = rejectWith("ERR_CLOSED", "the SDK was shut down");

/** One phase change: from any of `from` to any of `to` (other than itself), made by `by`. */
export interface PhaseChange {
  readonly from: readonly Phase[];
  readonly to: readonly Phase[];
  readonly by: string;
}

// deno-fmt-ignore
/**
 * Every phase change (SPEC §9.1), in one place. Plain data, so a bundle that does not use it
 * drops it.
 */
export const PHASE_CHANGES: readonly PhaseChange[] = [
  { from: ["idle"],             to: ["starting"], by: "onInit" },
  { from: ["idle"],             to: ["disabled"], by: "onInit, when enabled is false" },
  { from: LIVE,                 to: LIVE,         by: "progress: derivePhase, from the facts" },
  { from: LIVE,                 to: ["closing"],  by: "onShutdown" },
  { from: ["closing"],          to: ["closed"],   by: "progress: finishClosing, queue sent or shutdown_flush_ms over" },
  { from: ["idle", "disabled"], to: ["closed"],   by: "onShutdownDormant" },
];

/**
 * Whether `from → to` is one of {@link PHASE_CHANGES}.
 *
 * @example
 * ```ts
 * isPhaseChange("idle", "active"); // false: a session starts in "starting"
 * ```
 */
export function isPhaseChange(from: Phase, to: Phase): boolean {
  return from !== to && PHASE_CHANGES.some((c) => c.from.includes(from) && c.to.includes(to));
}

/** One row: on `input`, in any of `phases`, run `handler`. */
export interface Rule {
  readonly input: InputType;
  readonly phases: readonly Phase[];
  readonly handler: Handler;
}

const row = (input: InputType, phases: readonly Phase[], handler: Handler): Rule => ({
  input,
  phases,
  handler,
});

/**
 * The rows of a caller's request (an input with a waiter): served while the session is live,
 * refused with a fixed code in every other phase.
 */
const call = (input: InputType, handler: Handler): Rule[] => [
  row(input, LIVE, handler),
  row(input, ["idle"], notStarted),
  row(input, ["disabled"], disabled),
  row(input, ENDED, closed),
];

// deno-fmt-ignore
/** The transition table. */
export const RULES: readonly Rule[] = [
  //   input                phases                     handler
  row("init",              ["idle"],                   onInit),
  row("key_ready",         RUNNING,                    onKeyReady),
  row("key_failed",        RUNNING,                    onKeyFailed),
  row("signed",            RUNNING,                    onSigned),
  row("sign_failed",       RUNNING,                    onSignFailed),
  row("response",          RUNNING,                    onResponse),
  row("transport_failed",  RUNNING,                    onResponse),
  row("tick",              RUNNING,                    ignore),
  // A request: LIVE runs the handler; idle, disabled, closing and closed refuse it (`call`).
  ...call("get_token",                                 onGetToken),
  ...call("get_secure_token",                          onGetToken),
  ...call("trigger_action",                            onTriggerAction),
  ...call("set_user",                                  onSetUser),
  ...call("clear_user",                                onSetUser),
  ...call("flush",                                     onFlush),
  row("track",             LIVE,                       onTrack),
  row("activity",          LIVE,                       onActivity),
  row("page_hide",         RUNNING,                    onPageHide),
  row("shutdown",          LIVE,                       onShutdown),
  row("shutdown",          ["idle", "disabled", "closed"], onShutdownDormant),
  row("shutdown",          ["closing"],                closed),
];

const INDEX: ReadonlyMap<string, Handler> = new Map(
  RULES.flatMap((r) => r.phases.map((p) => [`${r.input}@${p}`, r.handler] as const)),
);

/** The handler for `input` in `phase`, or `ignore`. */
export function handlerFor(input: InputType, phase: Phase): Handler {
  return INDEX.get(`${input}@${phase}`) ?? ignore;
}
