/**
 * Session records as Redis hash fields: short field names and small values, so a session stays
 * in Redis's compact listpack encoding (values ≤ 64 bytes, SPEC-sized ids and thumbprints).
 * `userId` and `platform` are absent fields while `null`.
 *
 * @module
 */
import type { SessionRecord } from "../../../core/service/session.ts";
import type { RedisArg } from "./port.ts";

type Kind = "s" | "s?" | "n" | "b";

/** Field name and kind of every stored member (the id is the key). */
const FIELDS: { readonly [K in Exclude<keyof SessionRecord, "id">]: readonly [string, Kind] } = {
  clientId: ["c", "s"],
  deviceId: ["d", "s"],
  jkt: ["k", "s"],
  keyAssurance: ["ka", "s"],
  keyEvent: ["ke", "s"],
  keyChanged: ["kc", "b"],
  createdAt: ["t", "n"],
  absoluteEnd: ["ae", "n"],
  idleS: ["il", "n"],
  lastSeen: ["ls", "n"],
  userId: ["u", "s?"],
  userSeq: ["us", "n"],
  platform: ["p", "s?"],
  automation: ["au", "b"],
  interactions: ["n", "n"],
  dropped: ["dr", "n"],
};
const ENTRIES = Object.entries(FIELDS) as [keyof typeof FIELDS, readonly [string, Kind]][];

/**
 * The hash fields of a session, flattened `[field, value, …]` for `HSET`.
 *
 * @example
 * ```ts
 * import type { SessionRecord } from "../../../core/service/session.ts";
 * import type { RedisPort } from "./port.ts";
 * declare const redis: RedisPort;
 * declare const key: string, rec: SessionRecord;
 * await redis.send(["HSET", key, ...sessionFields(rec)]);
 * ```
 */
export function sessionFields(s: SessionRecord): RedisArg[] {
  const out: RedisArg[] = [];
  for (const [name, [field, kind]] of ENTRIES) {
    const v = s[name];
    if (v === null) continue;
    out.push(field, kind === "b" ? (v ? 1 : 0) : v as string | number);
  }
  return out;
}

/**
 * A session from an `HGETALL` reply (`[field, value, …]`), or `null` for an empty one.
 *
 * @example
 * ```ts
 * import type { RedisPort } from "./port.ts";
 * declare const redis: RedisPort;
 * declare const id: string, key: string;
 * const rec = sessionFromReply(id, await redis.send(["HGETALL", key]));
 * ```
 */
export function sessionFromReply(id: string, reply: unknown): SessionRecord | null {
  const got = hashReply(reply);
  if (got.size === 0) return null;
  const rec: Record<string, unknown> = { id };
  for (const [name, [field, kind]] of ENTRIES) {
    const v = got.get(field);
    rec[name] = kind === "s?"
      ? v ?? null
      : kind === "n"
      ? Number(v ?? 0)
      : kind === "b"
      ? v === "1"
      : v ?? "";
  }
  return rec as unknown as SessionRecord;
}

/**
 * A hash reply as a map: RESP2 clients answer `HGETALL` with a flat `[field, value, …]` array,
 * RESP3 clients (node-redis 6 by default, Bun's client) with a map or a plain object.
 */
export function hashReply(reply: unknown): Map<string, string> {
  const got = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) got.set(String(reply[i]), String(reply[i + 1]));
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) got.set(String(k), String(v));
  } else if (reply !== null && typeof reply === "object") {
    for (const [k, v] of Object.entries(reply)) got.set(k, String(v));
  }
  return got;
}
