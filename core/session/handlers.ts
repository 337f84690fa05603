/**
 * One handler per input (SPEC §9.2). Handlers change facts and push effects; `progress` then
 * starts whatever the new facts call for. The table in `rules.ts` says which handler runs in
 * which phase.
 *
 * @module
 */
import { isActionType, isUserId } from "../wire/guards.ts";
import { restoreQueue } from "../telemetry/queue.ts";
import type { ErrorCode } from "../errors/catalog.ts";
import {
  authFailed,
  keyLost,
  onAuthResponse,
  onProofSigned,
  persistSession,
  resumeSession,
  secureSigned,
} from "./auth.ts";
import { onTelemetryResponse, pageHide, track } from "./events.ts";
import { currentSid } from "./tags.ts";
import type { Effect, Input, MachineState } from "./types.ts";
import { emit, expiryProblem, reject, resolve, setPhase } from "./util.ts";

type Fx = Effect[];
type In<T extends Input["type"]> = Extract<Input, { type: T }>;

/** A handler: applies one input to the state. */
export type Handler = (s: MachineState, input: Input, fx: Fx) => void;

/** Rejects a caller's request with a fixed code (disabled, closed, not started). */
export function rejectWith(code: ErrorCode, message: string): Handler {
  return (_s, input, fx) => {
    if ("waiter" in input) reject(fx, input.waiter, code, message);
  };
}

/** Ignores the input (late answers, tracking while disabled). */
export const ignore: Handler = () => {};

export const onInit: Handler = (s, input, fx) => {
  const i = input as In<"init">;
  s.lastActivity = i.now;
  s.deviceId = i.deviceId;
  s.user = i.userId ?? null;
  s.attributes = i.attributes;
  if (i.queue !== null) {
    s.queue = restoreQueue(i.queue, i.now);
    s.tokens = { ...(i.queue.tokens ?? {}) };
  }
  s.resume = i.session ?? null;
  if (!s.options.enabled) return setPhase(s, "disabled", fx);
  setPhase(s, "starting", fx);
  s.keyInflight = true;
  fx.push({ type: "load_key" });
  if (i.attributes !== undefined) track(s, "device", i.attributes, i.now, fx);
};

export const onKeyReady: Handler = (s, input, fx) => {
  const i = input as In<"key_ready">;
  s.key = i.key;
  s.keyInflight = false;
  // A new key while a device id is remembered means the old key was lost (SPEC §9.8).
  s.keyEvent = i.event === "created" && s.deviceId !== null ? "lost" : i.event;
  const named = s.session === null ? s.user : null;
  resumeSession(s, i.now);
  // The user `init` named replaces a resumed session's other user, as setAuthenticatedUser
  // would (SPEC §9.15): the service learns it from the identify event.
  if (s.session !== null && named !== null && named !== s.user) {
    track(s, "identify", { user_id: named, previous_user_id: s.user }, i.now, fx);
    s.user = named;
    persistSession(s, fx);
  }
};

export const onKeyFailed: Handler = (s, input, fx) => {
  const i = input as In<"key_failed">;
  s.keyInflight = false;
  authFailed(s, i.now, i.random, fx, "ERR_KEY_STORE", i.message);
};

export const onSigned: Handler = (s, input, fx) => {
  const i = input as In<"signed">;
  const p = s.pending[i.id];
  if (p === undefined) return;
  if (p.purpose === "sign_secure") {
    const w = s.waiters.find((x) => x.signId === i.id);
    const token = secureSigned(s, i.id, i.signature);
    if (w === undefined) return;
    s.waiters = s.waiters.filter((x) => x !== w);
    resolve(fx, w.id, { kind: "token", token });
    return;
  }
  if (s.auth.inflight !== i.id) { // a proof signed by a key we have since replaced
    delete s.pending[i.id];
    delete s.signInputs[i.id];
    return;
  }
  onProofSigned(s, i.id, i.signature, i.now, fx);
};

export const onSignFailed: Handler = (s, input, fx) => {
  const i = input as In<"sign_failed">;
  if (s.pending[i.id] === undefined) return;
  delete s.pending[i.id];
  delete s.signInputs[i.id];
  keyLost(s, `signing failed: ${i.message}`, fx);
};

export const onResponse: Handler = (s, input, fx) => {
  const i = input as In<"response"> | In<"transport_failed">;
  const p = s.pending[i.id];
  if (p === undefined) return; // duplicate or late answer
  delete s.pending[i.id];
  const ok = i.type === "response";
  const status = ok ? i.status : 0;
  const body = ok ? i.body : { code: i.code };
  const retryAfter = ok ? i.retryAfter : undefined;
  const r = { status, body, sentAt: p.sentAt, now: i.now, random: i.random, retryAfter };
  if (p.purpose === "telemetry") return onTelemetryResponse(s, i.id, r, fx);
  if (p.purpose !== "config" && p.purpose !== "create" && p.purpose !== "refresh") return;
  if (status === 0) {
    if (p.purpose === "config") s.auth.configInflight = false;
    else {
      s.auth.inflight = null;
      if (s.auth.stale) return void (s.auth.stale = false);
    }
    const code = (body as { code: string }).code;
    return authFailed(s, i.now, i.random, fx, code, `${p.purpose} failed: ${code}`);
  }
  onAuthResponse(s, p.purpose, r, fx);
};

export const onGetToken: Handler = (s, input, fx) => {
  const i = input as In<"get_token"> | In<"get_secure_token">;
  s.lastActivity = i.now;
  // A token is handed out because the app's backend is about to report an action: send the
  // telemetry that led to it now, so the service has it when the action arrives (SPEC §8.7).
  if (s.queue.events.length > 0) s.sender.urgent = true;
  if (!s.options.enableSessionToken) {
    return reject(fx, i.waiter, "ERR_SESSION_TOKEN_DISABLED", "init with enableSessionToken: true");
  }
  if (i.type === "get_token") {
    s.waiters.push({ id: i.waiter, kind: "token", deadline: i.now + s.options.tokenWaitMs });
    return;
  }
  const exp = i.expirationSeconds ?? 300;
  if (!isActionType(i.actionType)) {
    return reject(
      fx,
      i.waiter,
      "ERR_INVALID_INPUT",
      "actionType must match ^[a-z][a-z0-9_]{0,63}$",
    );
  }
  const problem = expiryProblem(s, exp);
  if (problem !== null) return reject(fx, i.waiter, "ERR_INVALID_INPUT", problem);
  s.waiters.push({
    id: i.waiter,
    kind: "secure",
    deadline: i.now + s.options.tokenWaitMs,
    actionType: i.actionType,
    expirationSeconds: exp,
  });
};

export const onTrack: Handler = (s, input, fx) => {
  const i = input as In<"track">;
  // Tracking is not activity: a script dispatching synthetic events must not keep a session
  // alive. Collectors send `activity` for trusted user input (SPEC §9.6).
  track(s, i.eventType, i.data, i.now, fx);
};

export const onTriggerAction: Handler = (s, input, fx) => {
  const i = input as In<"trigger_action">;
  s.lastActivity = i.now;
  if (!isActionType(i.actionType)) {
    return reject(
      fx,
      i.waiter,
      "ERR_INVALID_INPUT",
      "actionType must match ^[a-z][a-z0-9_]{0,63}$",
    );
  }
  const seq = track(s, "action", { action_type: i.actionType, ...(i.attributes ?? {}) }, i.now, fx);
  if (seq === null) return reject(fx, i.waiter, "ERR_NETWORK", "the telemetry queue is full");
  s.waiters.push({
    id: i.waiter,
    kind: "action",
    deadline: i.now + s.options.actionWaitMs,
    sid: currentSid(s),
    seq,
  });
};

export const onSetUser: Handler = (s, input, fx) => {
  const i = input as In<"set_user"> | In<"clear_user">;
  s.lastActivity = i.now;
  const next = i.type === "set_user" ? i.userId : null;
  if (next !== null && !isUserId(next)) {
    return reject(
      fx,
      i.waiter,
      "ERR_INVALID_INPUT",
      "userId must be 1-256 characters, no controls",
    );
  }
  const changed = next !== s.user;
  if (changed) {
    track(s, "identify", { user_id: next, previous_user_id: s.user }, i.now, fx);
    s.user = next;
    persistSession(s, fx);
    emit(
      fx,
      next === null
        ? { type: "user_cleared", reason: "clear_user" }
        : { type: "user_set", userId: next },
    );
  }
  resolve(fx, i.waiter, { kind: "done", changed });
};

export const onFlush: Handler = (s, input) => {
  const i = input as In<"flush">;
  // Urgent only if there is something to send: a flush of an empty queue must not make the
  // next event leave alone.
  if (s.queue.events.length > 0) s.sender.urgent = true;
  // An explicit flush may cut a telemetry backoff short, at most once per backoff_base_ms
  // (SPEC §9.5): the app knows the network is back before our timer does.
  const earliest = s.sender.lastSentAt + s.options.backoffBaseMs;
  if (s.sender.retryAt > i.now) s.sender.retryAt = Math.max(i.now, earliest, s.sender.notBefore);
  s.waiters.push({ id: i.waiter, kind: "flush", deadline: i.now + s.options.tokenWaitMs });
};

export const onPageHide: Handler = (s, input, fx) => pageHide(s, input.now, fx);

export const onActivity: Handler = (s, input) => {
  s.lastActivity = input.now;
};

export const onShutdown: Handler = (s, input, fx) => {
  const i = input as In<"shutdown">;
  for (const w of s.waiters) reject(fx, w.id, "ERR_CLOSED", "the SDK was shut down");
  s.waiters = [{ id: i.waiter, kind: "shutdown", deadline: Infinity }];
  s.sender.urgent = true;
  s.closeDeadline = i.now + s.options.shutdownFlushMs;
  setPhase(s, "closing", fx);
};

export const onShutdownDormant: Handler = (s, input, fx) => {
  const i = input as In<"shutdown">;
  setPhase(s, "closed", fx);
  resolve(fx, i.waiter, { kind: "done", changed: false });
};
