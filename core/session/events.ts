/**
 * The telemetry half of the machine (SPEC §8): tracking, action and identify events, batches
 * in flight, acknowledgements, permanent rejections, retries and the page-hide beacon.
 *
 * @module
 */
import { isTelemetryAck } from "../wire/guards.ts";
import type { EventType, TelemetryAck } from "../wire/telemetry.ts";
import {
  dropSession,
  enqueue,
  type QueueSnapshot,
  releaseInflight,
  removeInflight,
  snapshotQueue,
} from "../telemetry/queue.ts";
import {
  type BatchEnvelope,
  beaconBody,
  buildBatch,
  flushDue,
  startBatch,
} from "../telemetry/sender.ts";
import type { Effect, MachineState } from "./types.ts";
import { adoptUser, type AuthAnswer, endSession, takeNonce } from "./auth.ts";
import { currentSid, dropSessionTokenIfIdle } from "./tags.ts";
import { emit, errorBody, learnOffset, newId, reject, resolve, retryTime } from "./util.ts";

type Fx = Effect[];

/** What a batch sent at `now` carries besides its events: the client, each session's token
 * (if it still has one) and the sending time in service time. */
function batchEnvelope(s: MachineState, now: number): BatchEnvelope {
  return {
    clientId: s.options.clientId,
    tokenFor: (sid) => s.tokens[sid] ?? null,
    sentAtMs: Math.floor(now + s.offsetMs),
  };
}

/** Enqueues an event; returns its seq or `null` if it was dropped at once. */
export function track(
  s: MachineState,
  type: EventType,
  data: Record<string, unknown>,
  now: number,
  fx: Fx,
): number | null {
  const sid = currentSid(s);
  const r = enqueue(s.queue, s.options.flush, {
    sid,
    type,
    timeMs: Math.max(0, Math.floor(now + s.offsetMs)),
    at: now,
    dataJson: JSON.stringify(data),
  });
  if (r.dropped > 0) {
    emit(fx, { type: "dropped", sessionId: sid, count: r.dropped, reason: "queue_full" });
    // A caller whose action event was evicted gets no token: said at once (SPEC §8.4).
    const q = s.queue.events;
    failActions(
      s,
      (w) => !q.some((e) => e.sid === w.sid && e.seq === w.seq),
      "ERR_NETWORK",
      fx,
      "the telemetry queue is full",
    );
  }
  if (type === "action" || type === "identify") s.sender.urgent = true;
  // High-value events are persisted at once; the rest within PERSIST_EVERY_MS (coalesced, so an
  // offline flood does not snapshot the queue on every event).
  if (type !== "interaction") persistQueue(s, fx, now);
  else s.persist.dirty = true;
  return r.seq;
}

/** Longest time a queue change waits before it is persisted (SPEC §8.8). */
export const PERSIST_EVERY_MS = 1000;

/** Persists the queue now if a coalesced change has waited long enough. */
export function maybePersist(s: MachineState, now: number, fx: Fx): void {
  if (s.persist.dirty && now >= s.persist.lastAt + PERSIST_EVERY_MS) persistQueue(s, fx, now);
}

/** A persistable snapshot of the queue plus the tokens its sessions need (SPEC §8.8). */
export function persistQueue(s: MachineState, fx: Fx, now: number): void {
  s.persist.dirty = false;
  s.persist.lastAt = now;
  const snap: QueueSnapshot = snapshotQueue(s.queue);
  const tokens: Record<string, string> = {};
  for (const e of snap.events) if (s.tokens[e.sid] !== undefined) tokens[e.sid] = s.tokens[e.sid]!;
  fx.push({ type: "persist", key: "queue", value: { ...snap, tokens } });
}

/** Starts a batch if a flush trigger holds (SPEC §8.7). */
export function maybeFlush(s: MachineState, now: number, fx: Fx): void {
  if (!flushDue(s.queue, s.sender, s.options.flush, now)) return;
  const b = buildBatch(s.queue, s.options.flush, batchEnvelope(s, now));
  if (b === null) return;
  if (b.count === 0 && b.droppedTotal <= (s.sender.ackedDropped[b.sid] ?? 0)) {
    s.sender.urgent = false;
    return;
  }
  const id = newId(s, "tel");
  startBatch(s.queue, s.sender, b, id);
  s.sender.lastSentAt = now;
  s.pending[id] = { purpose: "telemetry", sentAt: now };
  fx.push({
    type: "send",
    id,
    request: {
      method: "POST",
      url: `${s.options.serverPath}v1/device/telemetry`,
      headers: { "content-type": "application/json" },
      body: b.body,
      purpose: "telemetry",
    },
  });
}

/** Handles the answer (or transport failure, `status` 0) to the batch in flight. */
export function onTelemetryResponse(
  s: MachineState,
  id: string,
  r: AuthAnswer,
  fx: Fx,
): void {
  const inflight = s.sender.inflight;
  if (inflight === null || inflight.id !== id) return; // late or duplicated answer: ignore
  if (r.status !== 0) learnOffset(s, (r.body as { time?: unknown } | null)?.time, r.sentAt, r.now);
  if (r.status === 200) takeNonce(s, (r.body as { nonce?: unknown } | null)?.nonce);
  const ack = r.status === 200 && isTelemetryAck(r.body) ? r.body as TelemetryAck : null;
  const { code } = errorBody(r.body);
  s.sender.inflight = null;
  if (ack !== null && (inflight.count === 0 || ack.acked_seq === inflight.maxSeq)) {
    removeInflight(s.queue, false);
    // A flush asked for while this batch was in flight is satisfied if nothing is left.
    if (s.queue.events.length === 0) s.sender.urgent = false;
    s.sender.failures = 0;
    s.sender.retryAt = 0;
    const prev = s.sender.ackedDropped[inflight.sid] ?? 0;
    s.sender.ackedDropped[inflight.sid] = Math.max(prev, inflight.droppedTotal);
    emit(fx, {
      type: "acked",
      sessionId: inflight.sid,
      seq: inflight.maxSeq,
      count: inflight.count,
    });
    settleActions(s, inflight.sid, inflight.maxSeq, ack.actions, fx);
    adoptUser(s, inflight.sid, ack.user_id);
  } else if (r.status === 410 || r.status === 404) {
    const n = removeInflight(s.queue, true).length + dropSession(s.queue, inflight.sid);
    emit(fx, {
      type: "dropped",
      sessionId: inflight.sid,
      count: n,
      reason: code || "session_gone",
    });
    failActions(s, (w) => w.sid === inflight.sid, "ERR_SESSION_ENDED", fx);
    delete s.tokens[inflight.sid];
    if (s.session?.id === inflight.sid) {
      return endSession(s, code || "ERR_SESSION_ENDED", fx);
    }
  } else if ([400, 401, 413, 422].includes(r.status)) {
    const n = removeInflight(s.queue, true).length;
    emit(fx, {
      type: "dropped",
      sessionId: inflight.sid,
      count: n,
      reason: code || `http_${r.status}`,
    });
    failActions(s, (w) => w.sid === inflight.sid && w.seq! <= inflight.maxSeq, "ERR_SERVICE", fx);
  } else {
    releaseInflight(s.queue);
    // Retry when the backoff ends, not at the next flush interval (SPEC §8.5).
    if (s.queue.events.length > 0) s.sender.urgent = true;
    s.sender.retryAt = retryTime(s, ++s.sender.failures, r.now, r.random, 24, r.retryAfter);
    s.sender.notBefore = Math.min(s.sender.retryAt, r.now + (r.retryAfter ?? 0) * 1000);
    return;
  }
  dropSessionTokenIfIdle(s, inflight.sid);
  persistQueue(s, fx, r.now);
}

function settleActions(
  s: MachineState,
  sid: string,
  maxSeq: number,
  actions: readonly { seq: number; action_token: string }[],
  fx: Fx,
): void {
  s.waiters = s.waiters.filter((w) => {
    if (w.kind !== "action" || w.sid !== sid || w.seq! > maxSeq) return true;
    const a = actions.find((x) => x.seq === w.seq);
    if (a) resolve(fx, w.id, { kind: "action", actionToken: a.action_token });
    else reject(fx, w.id, "ERR_SERVICE", "no action record for the event");
    return false;
  });
}

function failActions(
  s: MachineState,
  match: (w: MachineState["waiters"][number]) => boolean,
  code: "ERR_SERVICE" | "ERR_SESSION_ENDED" | "ERR_NETWORK",
  fx: Fx,
  message = "the action event was not accepted",
): void {
  s.waiters = s.waiters.filter((w) => {
    if (w.kind !== "action" || !match(w)) return true;
    reject(fx, w.id, code, message);
    return false;
  });
}

/** Sends the page-hide beacon and persists the queue (SPEC §8.7). */
export function pageHide(s: MachineState, now: number, fx: Fx): void {
  const b = beaconBody(s.queue, batchEnvelope(s, now));
  if (b !== null) {
    fx.push({
      type: "beacon",
      request: {
        method: "POST",
        url: `${s.options.serverPath}v1/device/telemetry`,
        headers: { "content-type": "text/plain;charset=UTF-8" },
        body: b.body,
        purpose: "telemetry",
      },
    });
  }
  persistQueue(s, fx, now);
}
