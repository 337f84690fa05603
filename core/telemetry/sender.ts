/**
 * When and what the device sends (SPEC §8.5, §8.7): flush triggers, one batch in flight,
 * batch bodies built from the events' pre-serialized JSON, acknowledgement handling, retry with
 * backoff, and the page-hide beacon within the 64 KiB budget.
 *
 * @module
 */
import { TELEMETRY_LIMITS, utf8Length } from "../wire/constants.ts";
import {
  eventJson,
  markInflight,
  type QueuedEvent,
  type QueueLimits,
  type QueueState,
} from "./queue.ts";

/** Flush configuration (SPEC §9.13). */
export interface FlushConfig extends QueueLimits {
  readonly flushCount: number;
  readonly flushBytes: number;
  readonly flushIntervalMs: number;
  readonly maxBatchEvents: number;
  readonly maxBatchBytes: number;
}

/** Default flush configuration (SPEC §8.7, §9.13). */
export const DEFAULT_FLUSH: FlushConfig = {
  flushCount: 20,
  flushBytes: 16384,
  flushIntervalMs: 5000,
  maxEvents: 1000,
  maxBytes: 262144,
  maxBatchEvents: TELEMETRY_LIMITS.maxBatchEvents,
  maxBatchBytes: TELEMETRY_LIMITS.maxBatchBytes,
};

/** The batch in flight. */
export interface Inflight {
  readonly id: string;
  readonly sid: string;
  readonly count: number;
  readonly maxSeq: number;
  /** Largest dropped total this batch reported for `sid`. */
  readonly droppedTotal: number;
}

/** Sender state, kept next to the queue. */
export interface SenderState {
  inflight: Inflight | null;
  failures: number;
  /** Local time before which no batch is sent (backoff), or 0. */
  retryAt: number;
  /** Local time before which a `Retry-After` forbids a batch, even a flush()'s (SPEC §9.5). */
  notBefore: number;
  /** An action or identify event, a flush() call or shutdown asks for a batch at once. */
  urgent: boolean;
  /** Dropped totals the service has acknowledged, per session. */
  ackedDropped: Record<string, number>;
  /** Local time the last batch was sent (bounds how often a caller may cut a backoff short). */
  lastSentAt: number;
}

/** A fresh sender. */
export function emptySender(): SenderState {
  return {
    inflight: null,
    failures: 0,
    retryAt: 0,
    notBefore: 0,
    urgent: false,
    ackedDropped: {},
    lastSentAt: -Infinity,
  };
}

/** Whether a flush is due now (SPEC §8.7): nothing in flight, no backoff, and a trigger holds. */
export function flushDue(q: QueueState, s: SenderState, cfg: FlushConfig, now: number): boolean {
  if (s.inflight !== null || now < s.retryAt) return false;
  if (q.events.length === 0) return s.urgent && hasUnsentDrops(q, s);
  return pressing(q, s, cfg) || now - q.events[0]!.at >= cfg.flushIntervalMs;
}

/** The next local time at which {@link flushDue} may become true by itself. */
export function flushDeadline(q: QueueState, s: SenderState, cfg: FlushConfig): number | null {
  if (s.inflight !== null) return null;
  if (q.events.length === 0) return s.urgent && hasUnsentDrops(q, s) ? s.retryAt : null;
  const due = pressing(q, s, cfg) ? 0 : q.events[0]!.at + cfg.flushIntervalMs;
  return Math.max(due, s.retryAt);
}

/** A trigger that does not wait for the interval: urgent, or the count or bytes reached. */
function pressing(q: QueueState, s: SenderState, cfg: FlushConfig): boolean {
  return s.urgent || q.events.length >= cfg.flushCount || q.bytes >= cfg.flushBytes;
}

function hasUnsentDrops(q: QueueState, s: SenderState): boolean {
  for (const [sid, d] of Object.entries(q.dropped)) {
    if (d.total > (s.ackedDropped[sid] ?? 0)) return true;
  }
  return false;
}

/** A built batch: its session, its body, and how many head events it carries. */
export interface BuiltBatch {
  readonly sid: string;
  readonly count: number;
  readonly maxSeq: number;
  readonly body: string;
  readonly droppedTotal: number;
}

/** Envelope fields a batch needs besides events. */
export interface BatchEnvelope {
  readonly clientId: string;
  readonly tokenFor: (sid: string) => string | null;
  readonly sentAtMs: number;
}

/**
 * The start of a batch body of session `sid`, up to its events (a body ends with `]}`), and the
 * session's dropped total it reports; `null` when there is no session or it has no token yet.
 */
function envelope(
  q: QueueState,
  sid: string | undefined,
  env: BatchEnvelope,
): { head: string; total: number } | null {
  const token = sid === undefined ? null : env.tokenFor(sid);
  if (token === null) return null;
  const d = q.dropped[sid!] ?? { total: 0, by_priority: {} };
  const head = `{"ver":1,"client_id":${JSON.stringify(env.clientId)},"session_id":${
    JSON.stringify(sid)
  },"session_token":${JSON.stringify(token)},"dropped":${
    JSON.stringify(d)
  },"sent_at_ms":${env.sentAtMs},"events":[`;
  return { head, total: d.total };
}

/**
 * Builds the next batch from the queue head: events of the head session only, in queue order,
 * within the count and byte limits. Returns `null` when the head session has no token yet.
 */
export function buildBatch(q: QueueState, cfg: FlushConfig, env: BatchEnvelope): BuiltBatch | null {
  const sid = q.events[0]?.sid ?? firstSessionWithDrops(q, env);
  const e = envelope(q, sid, env);
  if (e === null) return null;
  let bytes = utf8Length(e.head) + 2;
  const parts: string[] = [];
  let maxSeq = 0;
  for (const ev of q.events) {
    if (ev.sid !== sid || parts.length >= cfg.maxBatchEvents) break;
    if (bytes + ev.bytes + 1 > cfg.maxBatchBytes) break;
    parts.push(eventJson(ev));
    bytes += ev.bytes + 1;
    maxSeq = ev.seq;
  }
  return {
    sid: sid!,
    count: parts.length,
    maxSeq,
    body: `${e.head}${parts.join(",")}]}`,
    droppedTotal: e.total,
  };
}

function firstSessionWithDrops(q: QueueState, env: BatchEnvelope): string | undefined {
  for (const sid of Object.keys(q.dropped)) if (env.tokenFor(sid) !== null) return sid;
  return undefined;
}

/** Puts a built batch in flight under request id `id`. */
export function startBatch(q: QueueState, s: SenderState, b: BuiltBatch, id: string): void {
  markInflight(q, b.count);
  s.inflight = { id, sid: b.sid, count: b.count, maxSeq: b.maxSeq, droppedTotal: b.droppedTotal };
  s.urgent = false;
}

/**
 * The page-hide beacon body (SPEC §8.7): events of the head session chosen by priority, then
 * age, re-sorted into seq order, with the whole body within `budget` bytes. Events stay queued.
 */
export function beaconBody(
  q: QueueState,
  env: BatchEnvelope,
  budget: number = TELEMETRY_LIMITS.maxBatchBytes,
): { body: string; count: number } | null {
  const sid = q.events[0]?.sid;
  const e = envelope(q, sid, env);
  if (e === null) return null;
  let bytes = utf8Length(e.head) + 2;
  const candidates: QueuedEvent[] = q.events.filter((e) => e.sid === sid);
  // Highest priority first, oldest first within a priority (stable sort keeps queue order).
  candidates.sort((a, b) => b.priority - a.priority);
  const chosen: QueuedEvent[] = [];
  for (const ev of candidates) {
    if (chosen.length >= TELEMETRY_LIMITS.maxBatchEvents) break;
    if (bytes + ev.bytes + 1 > budget) continue;
    chosen.push(ev);
    bytes += ev.bytes + 1;
  }
  if (chosen.length === 0) return null;
  chosen.sort((a, b) => a.seq - b.seq);
  return { body: `${e.head}${chosen.map(eventJson).join(",")}]}`, count: chosen.length };
}
