/**
 * Checks of what the SDK reads back from storage (SPEC §8.8, §9.15): untrusted, so a record
 * that fails is ignored rather than half-used. Apart from `guards.ts`, which the verifier
 * bundles too: only the driver needs these.
 *
 * @module
 */
import { type Guard, int, isObject, nullable, obj, oneOf } from "./guards.ts";

const text: Guard = (x) => typeof x === "string";
const safeInt = int(-Number.MAX_SAFE_INTEGER);
/** JSON text of an object (a queued event's `data`). */
const jsonObjectText: Guard = (x) => {
  try {
    const v: unknown = typeof x === "string" && JSON.parse(x);
    return isObject(v) && !Array.isArray(v);
  } catch {
    return false;
  }
};

/** A session as the SDK persisted it (SPEC §9.15), read back from storage: untrusted. */
export const isPersistedSession: Guard = obj({
  v: oneOf(1),
  id: text,
  token: text,
  jkt: text,
  user: nullable(text),
  tokenIat: safeInt,
  tokenExp: safeInt,
  expiresAt: safeInt,
  idleTimeoutS: safeInt,
  offsetMs: safeInt,
});

/**
 * A telemetry queue as the SDK persisted it (SPEC §8.8), read back from storage: untrusted, and
 * anything malformed is ignored rather than half-used. (`every` skips an array's holes, as the
 * check in the driver always did.)
 */
export const isQueueSnapshot: Guard = obj({
  v: oneOf(1),
  events: (x) =>
    Array.isArray(x) &&
    x.every(obj({
      sid: text,
      seq: safeInt,
      time_ms: safeInt,
      data: jsonObjectText,
      type: oneOf("action", "identify", "device", "page", "interaction"),
    })),
  nextSeq: (x) => typeof x === "object",
  dropped: (x) => typeof x === "object",
});
