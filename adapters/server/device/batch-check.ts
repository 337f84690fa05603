/**
 * A hand-written check of the common telemetry batch (SPEC §8.3), ahead of `TelemetryBatchSchema`:
 * valibot's run over 20 events costs more than the rest of a cached telemetry request. It answers
 * the very output the schema gives (same members, same order), or `null` for anything it leaves
 * to the schema: `action` and `identify` events, any member that fails, any doubt. The schema
 * then decides and words the error, so answers never change. A property test
 * (test/server/service/body-checks.test.ts) holds it to the schema on generated valid and
 * invalid batches.
 *
 * @module
 */
import type { TelemetryBatch } from "../../../core/mod.ts";
import {
  isInt,
  isJws,
  isObj,
  isStr,
  keepRest,
  type Obj,
  outputAsIs,
  plainPrototype,
} from "../http/loose.ts";

const MAX_MS = 253402300799999;
const BATCH = new Set([
  "ver",
  "client_id",
  "session_id",
  "session_token",
  "events",
  "dropped",
  "sent_at_ms",
]);
const EVENT_KEYS = ["seq", "time_ms", "type", "data"];
const EVENT = new Set(EVENT_KEYS);
const DROPPED = new Set(["total", "by_priority"]);
const NONE = new Set<string>();
const PRIORITIES = ["1", "2", "3"] as const;
const BY_PRIORITY = new Set<string>(PRIORITIES);

/**
 * An event of a type without a data schema, as the schema outputs it; else `null`. `plain`:
 * `Object.prototype` has no enumerable member ({@link plainPrototype}).
 */
function plainEvent(x: unknown, plain: boolean): Obj | null {
  if (!isObj(x)) return null;
  const { seq, time_ms: time, type, data } = x;
  if (!isInt(seq, 1, Number.MAX_SAFE_INTEGER) || !isInt(time, 0, MAX_MS)) return null;
  if (type !== "page" && type !== "interaction" && type !== "device") return null;
  if (!isObj(data)) return null;
  // As parsed from JSON and in the schema's order (the SDK's): the event itself, no copies.
  if (outputAsIs(data, [], plain) && outputAsIs(x, EVENT_KEYS, plain)) return x;
  return keepRest({ seq, time_ms: time, type, data: keepRest({}, data, NONE) }, x, EVENT);
}

/** The drop counters as the schema outputs them; else `null`. */
function dropped(x: unknown): Obj | null {
  if (!isObj(x)) return null;
  const { total, by_priority: by } = x;
  if (!isInt(total, 0, Number.MAX_SAFE_INTEGER) || !isObj(by)) return null;
  const outBy: Obj = {};
  for (const p of PRIORITIES) {
    if (!(p in by)) continue;
    const n = by[p];
    if (n !== undefined && !isInt(n, 0, Number.MAX_SAFE_INTEGER)) return null;
    outBy[p] = n;
  }
  return keepRest({ total, by_priority: keepRest(outBy, by, BY_PRIORITY) }, x, DROPPED);
}

/**
 * `TelemetryBatchSchema`'s output for `x`, or `null`: let the schema decide. For a body that
 * passed `batchLimitProblem` (core/service/telemetry.ts), which has already bounded every event's
 * data to 4096 serialized bytes (the schema's own size check, not repeated here).
 *
 * @example
 * ```ts
 * import { parseOrThrow, TelemetryBatchSchema } from "../../../core/mod.ts";
 * declare const value: unknown;
 * const batch = commonBatch(value) ?? parseOrThrow(TelemetryBatchSchema, value, "ERR_INVALID_BODY");
 * ```
 */
export function commonBatch(x: unknown): TelemetryBatch | null {
  if (!isObj(x) || x.ver !== 1) return null;
  const { client_id: client, session_id: session, session_token: token, events } = x;
  if (!isStr(client, /^[A-Za-z0-9._-]{1,128}$/) || !isStr(session, /^[A-Za-z0-9_-]{1,128}$/)) {
    return null;
  }
  if (!isJws(token) || !Array.isArray(events) || !isInt(x.sent_at_ms, 0, MAX_MS)) return null;
  const out: Obj[] = [];
  const plain = plainPrototype();
  for (let i = 0; i < events.length; i++) {
    const e = plainEvent(events[i], plain);
    if (e === null || (i > 0 && (e.seq as number) <= (out[i - 1]!.seq as number))) return null;
    out.push(e);
  }
  const drops = dropped(x.dropped);
  if (drops === null) return null;
  return keepRest(
    {
      ver: 1,
      client_id: client,
      session_id: session,
      session_token: token,
      events: out,
      dropped: drops,
      sent_at_ms: x.sent_at_ms,
    },
    x,
    BATCH,
  ) as unknown as TelemetryBatch;
}
