/**
 * The wire's constants and byte counting, apart from the valibot schemas so that code which
 * only needs these (the device SDK) does not pull the schemas into its bundle.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** UTF-8 byte length of a string, without allocating (used for size limits). */
export function utf8Length(s: string): number {
  // Fast path: telemetry is almost always ASCII, and a native regex scan beats a JS loop.
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Serialized JSON size in bytes (SPEC §8.1 size limits). */
export function jsonBytes(value: unknown): number {
  // `Infinity` for a value JSON cannot serialize within the engine's limits (cycles, BigInt,
  // nesting beyond its stack), so a size check refuses it instead of throwing (SPEC §12).
  try {
    return utf8Length(JSON.stringify(value) ?? "");
  } catch {
    return Infinity;
  }
}

/** Limits of SPEC §8 and §12. */
export const TELEMETRY_LIMITS: {
  maxBatchEvents: number;
  maxBatchBytes: number;
  maxEventDataBytes: number;
} = { maxBatchEvents: 100, maxBatchBytes: 61440, maxEventDataBytes: 4096 };

/** Event types (SPEC §8.2). */
export type EventType = "action" | "identify" | "device" | "page" | "interaction";

/** Priority of each event type: 3 high … 1 low (SPEC §8.2). */
export const EVENT_PRIORITY: Readonly<Record<EventType, 1 | 2 | 3>> = {
  action: 3,
  identify: 3,
  device: 2,
  page: 2,
  interaction: 1,
};

/** The protocol version carried in `ver` (SPEC §13). */
export const PROTOCOL_VERSION = 1 as const;

/** `typ` of each token kind (SPEC §4.4). */
export const TOKEN_TYP = {
  proof: "ds-proof+jwt",
  session: "ds-session+jwt",
  secure: "ds-secure+jwt",
  action: "ds-action+jwt",
  access: "ds-access+jwt",
} as const;

// The device SDK signs only proofs and secure session tokens: with these two on their own it does
// not carry the whole table (the types hold them equal to it).
/** `typ` of a device proof (SPEC §4.4). */
export const PROOF_TYP: typeof TOKEN_TYP.proof = "ds-proof+jwt";
/** `typ` of a secure session token (SPEC §4.4). */
export const SECURE_TYP: typeof TOKEN_TYP.secure = "ds-secure+jwt";

/** A token kind. */
export type TokenKind = keyof typeof TOKEN_TYP;

/** Maximum lifetime (`exp − iat`, seconds) of each kind (SPEC §12). */
export const MAX_LIFETIME_S: { session: number; secure: number; action: number; access: number } = {
  session: 3600,
  secure: 3600,
  action: 86400,
  access: 86400,
};
