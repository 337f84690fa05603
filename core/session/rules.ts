/**
 * Every transition rule of the client state machine in one table (SPEC §9): which handler an
 * input runs in which phase. A (phase, input) pair that no row names is ignored; every row
 * that answers a caller does so in every phase, so no caller is ever left waiting.
 *
 * After the handler, `progress` (progress.ts) applies the time- and fact-driven rules and the
 * phase is derived from the facts (see `derivePhase`).
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
  row("get_token",         LIVE,                       onGetToken),
  row("get_token",         ["idle"],                   notStarted),
  row("get_token",         ["disabled"],               disabled),
  row("get_token",         ENDED,                      closed),
  row("get_secure_token",  LIVE,                       onGetToken),
  row("get_secure_token",  ["idle"],                   notStarted),
  row("get_secure_token",  ["disabled"],               disabled),
  row("get_secure_token",  ENDED,                      closed),
  row("trigger_action",    LIVE,                       onTriggerAction),
  row("trigger_action",    ["idle"],                   notStarted),
  row("trigger_action",    ["disabled"],               disabled),
  row("trigger_action",    ENDED,                      closed),
  row("set_user",          LIVE,                       onSetUser),
  row("set_user",          ["idle"],                   notStarted),
  row("set_user",          ["disabled"],               disabled),
  row("set_user",          ENDED,                      closed),
  row("clear_user",        LIVE,                       onSetUser),
  row("clear_user",        ["idle"],                   notStarted),
  row("clear_user",        ["disabled"],               disabled),
  row("clear_user",        ENDED,                      closed),
  row("flush",             LIVE,                       onFlush),
  row("flush",             ["idle"],                   notStarted),
  row("flush",             ["disabled"],               disabled),
  row("flush",             ENDED,                      closed),
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
