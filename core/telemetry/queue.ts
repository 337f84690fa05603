/**
 * The device's bounded telemetry queue (SPEC §8.4, §8.8): events in enqueue order, bounded in
 * count and bytes, evicting lowest priority first, oldest first within a priority, and
 * counting every event it discards. Mutable on purpose: enqueue runs on every collected event
 * and must cost well under a microsecond; callers snapshot with {@link snapshotQueue}.
 *
 * @module
 */
import { EVENT_PRIORITY, type EventType, utf8Length } from "../wire/constants.ts";

/**
 * One queued event. `data` is its `data` member already serialized (once, at enqueue); the
 * event's wire form is built by {@link eventJson} only when it is sent or persisted.
 */
export interface QueuedEvent {
  /** Mutable only while the event waits for its session (re-tagged on create or resume). */
  readonly sid: string;
  readonly seq: number;
  readonly type: EventType;
  readonly priority: 1 | 2 | 3;
  /** Local time of enqueue (ms), for the flush interval. */
  readonly at: number;
  /** Event time in service time (ms). */
  readonly timeMs: number;
  /** The serialized `data` object. */
  readonly data: string;
  /** Size of the event's wire form in bytes. */
  readonly bytes: number;
}

/** The wire form `{"seq":…,"time_ms":…,"type":…,"data":…}` of a queued event (SPEC §8.1). */
export function eventJson(e: QueuedEvent): string {
  return `{"seq":${e.seq},"time_ms":${e.timeMs},"type":"${e.type}","data":${e.data}}`;
}

// `{"seq":,"time_ms":,"type":"","data":}` is 36 ASCII bytes around the four values.
const ENVELOPE_BYTES = 36;

function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function wireBytes(seq: number, timeMs: number, type: string, data: string): number {
  return ENVELOPE_BYTES + digits(seq) + digits(timeMs) + type.length + utf8Length(data);
}

/** Per-session drop counters (cumulative, SPEC §8.3). */
export interface Dropped {
  total: number;
  by_priority: { "1"?: number; "2"?: number; "3"?: number };
}

/** Queue bounds (SPEC §9.13). */
export interface QueueLimits {
  readonly maxEvents: number;
  readonly maxBytes: number;
}

/** The queue's state. `inflight` events are the first `inflight` entries of `events`. */
export interface QueueState {
  events: QueuedEvent[];
  bytes: number;
  /** Number of head events currently in a batch in flight: never evicted. */
  inflight: number;
  /** Non-in-flight events per priority, to find the eviction victim's priority in O(1). */
  evictable: [number, number, number];
  /** Next `seq` per session. */
  nextSeq: Record<string, number>;
  dropped: Record<string, Dropped>;
}

/** An empty queue. */
export function emptyQueue(): QueueState {
  return { events: [], bytes: 0, inflight: 0, evictable: [0, 0, 0], nextSeq: {}, dropped: {} };
}

/** Counts one discarded event of `sid` at `priority`. */
export function countDrop(q: QueueState, sid: string, priority: 1 | 2 | 3, n = 1): void {
  const d = q.dropped[sid] ??= { total: 0, by_priority: {} };
  d.total += n;
  d.by_priority[priority] = (d.by_priority[priority] ?? 0) + n;
}

/** The result of {@link enqueue}: the event's seq, or `null` if the event itself was dropped. */
export interface EnqueueResult {
  readonly seq: number | null;
  /** Number of events discarded to make room (including the new one if it was dropped). */
  readonly dropped: number;
}

/**
 * Appends an event of session `sid`, assigning its `seq`, evicting per SPEC §8.4 if needed.
 * `dataJson` is the already-serialized `data` object.
 */
export function enqueue(
  q: QueueState,
  limits: QueueLimits,
  e: { sid: string; type: EventType; timeMs: number; at: number; dataJson: string },
): EnqueueResult {
  const priority = EVENT_PRIORITY[e.type];
  const seq = q.nextSeq[e.sid] ?? 1;
  q.nextSeq[e.sid] = seq + 1;
  const bytes = wireBytes(seq, e.timeMs, e.type, e.dataJson);
  let dropped = 0;
  while (q.events.length + 1 > limits.maxEvents || q.bytes + bytes > limits.maxBytes) {
    const victim = lowestEvictable(q);
    // The new event is the victim when nothing evictable has a lower priority than it.
    if (victim === 0 || victim > priority || bytes > limits.maxBytes) {
      countDrop(q, e.sid, priority);
      return { seq: null, dropped: dropped + 1 };
    }
    evictOne(q, victim);
    dropped++;
  }
  append(q, e.sid, seq, e.type, e.at, e.timeMs, e.dataJson, bytes);
  return { seq, dropped };
}

/** Appends an event that fits (enqueue checked, or restored from a snapshot). */
function append(
  q: QueueState,
  sid: string,
  seq: number,
  type: EventType,
  at: number,
  timeMs: number,
  data: string,
  bytes: number = wireBytes(seq, timeMs, type, data), // enqueue has measured it already
): void {
  const priority = EVENT_PRIORITY[type];
  q.events.push({ sid, seq, type, priority, at, timeMs, data, bytes });
  q.bytes += bytes;
  q.evictable[priority - 1]!++;
}

function lowestEvictable(q: QueueState): 0 | 1 | 2 | 3 {
  if (q.evictable[0] > 0) return 1;
  if (q.evictable[1] > 0) return 2;
  if (q.evictable[2] > 0) return 3;
  return 0;
}

function evictOne(q: QueueState, priority: 1 | 2 | 3): void {
  for (let i = q.inflight; i < q.events.length; i++) {
    const ev = q.events[i]!;
    if (ev.priority === priority) {
      // shift() is O(1) in engines (left-trimming); the head is the usual victim when offline.
      if (i === 0) q.events.shift();
      else q.events.splice(i, 1);
      q.bytes -= ev.bytes;
      q.evictable[priority - 1]!--;
      countDrop(q, ev.sid, priority);
      return;
    }
  }
}

/** Marks the first `n` events as in flight (they stop being evictable). */
export function markInflight(q: QueueState, n: number): void {
  for (let i = q.inflight; i < n; i++) q.evictable[q.events[i]!.priority - 1]!--;
  q.inflight = n;
}

/** Ends the in-flight batch without removing it (failure: the events stay queued). */
export function releaseInflight(q: QueueState): void {
  for (let i = 0; i < q.inflight; i++) q.evictable[q.events[i]!.priority - 1]!++;
  q.inflight = 0;
}

/** Removes the in-flight batch (acknowledged, or permanently rejected when `countAsDropped`). */
export function removeInflight(q: QueueState, countAsDropped: boolean): QueuedEvent[] {
  const removed = q.events.splice(0, q.inflight);
  for (const ev of removed) {
    q.bytes -= ev.bytes;
    if (countAsDropped) countDrop(q, ev.sid, ev.priority);
  }
  q.inflight = 0;
  return removed;
}

/** Drops every queued (not in-flight) event of `sid`, counting them (session beyond retention). */
export function dropSession(q: QueueState, sid: string): number {
  let n = 0;
  const kept: QueuedEvent[] = [];
  for (let i = 0; i < q.events.length; i++) {
    const ev = q.events[i]!;
    if (i >= q.inflight && ev.sid === sid) {
      q.bytes -= ev.bytes;
      q.evictable[ev.priority - 1]!--;
      countDrop(q, sid, ev.priority);
      n++;
    } else kept.push(ev);
  }
  q.events = kept;
  return n;
}

/** A JSON-serializable snapshot of the queue (in-flight state is not persisted). */
export interface QueueSnapshot {
  v: 1;
  /** Events with `data` as its JSON text. */
  events: { sid: string; seq: number; type: EventType; time_ms: number; data: string }[];
  nextSeq: Record<string, number>;
  dropped: Record<string, Dropped>;
  /** Session tokens the queued events need for delivery (added by the session machine). */
  tokens?: Record<string, string>;
}

/** Snapshots the queue for persistence (SPEC §8.8). */
export function snapshotQueue(q: QueueState): QueueSnapshot {
  return {
    v: 1,
    events: q.events.map((e) => ({
      sid: e.sid,
      seq: e.seq,
      type: e.type,
      time_ms: e.timeMs,
      data: e.data,
    })),
    nextSeq: { ...q.nextSeq },
    dropped: structuredCloneDropped(q.dropped),
  };
}

function structuredCloneDropped(d: Record<string, Dropped>): Record<string, Dropped> {
  const out: Record<string, Dropped> = {};
  for (const [k, v] of Object.entries(d)) {
    out[k] = { total: v.total, by_priority: { ...v.by_priority } };
  }
  return out;
}

/** Restores a snapshot; restored events count as enqueued at `now` for the flush interval. */
export function restoreQueue(s: QueueSnapshot, now: number): QueueState {
  const q = emptyQueue();
  for (const e of s.events) append(q, e.sid, e.seq, e.type, now, e.time_ms, e.data);
  q.nextSeq = { ...s.nextSeq };
  q.dropped = structuredCloneDropped(s.dropped);
  return q;
}
