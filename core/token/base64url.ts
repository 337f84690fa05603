/**
 * Canonical base64url (RFC 4648 §5, no padding) as SPEC §1.3 requires: exactly one accepted
 * encoding per byte string. Written by hand because `atob` and most libraries accept
 * non-canonical input (padding, stray bits), which would let one token have many encodings.
 *
 * @module
 */

/** The base64url alphabet (RFC 4648 §5). */
export const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// 128 entries: char code → 6-bit value, or 64 for "not in the alphabet". Codes ≥ 128 are
// rejected before the lookup, so one OR of four values tells whether a quad is valid.
const LOOKUP: Uint8Array = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128).fill(64);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/**
 * Encodes bytes as base64url without padding.
 *
 * @example
 * ```ts
 * encodeBase64Url(new Uint8Array([251, 255])); // "-_8"
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Decodes canonical base64url, or returns `null` for any character outside the alphabet,
 * padding, a length ≡ 1 (mod 4), or non-zero unused bits in the last character.
 *
 * @example
 * ```ts
 * decodeBase64Url("-_8"); // Uint8Array [251, 255]
 * decodeBase64Url("-_9"); // null: non-canonical (unused bits set)
 * ```
 */
export function decodeBase64Url(s: string): Uint8Array | null {
  const out = new Uint8Array((s.length * 3) >> 2);
  return decodeBase64UrlInto(s, out) < 0 ? null : out;
}

// Per byte value: 1 for `"`, 2^16 for `\` — summed over a JSON text, the two counts its
// duplicate-member check needs.
const TALLY: Uint32Array = /* @__PURE__ */ (() => {
  const t = new Uint32Array(256);
  t[0x22] = 1;
  t[0x5c] = 1 << 16;
  return t;
})();

/**
 * Decodes canonical base64url (all of `s`, or its characters `from` up to `to`) into `out`
 * (which must hold `⌊3·length/4⌋` bytes) and returns the number of bytes written, or -1 under
 * the same rules as {@link decodeBase64Url}. Offsets spare the caller a slice of a token.
 * Given `counts`, it also tells what the bytes hold, for a JSON segment: `[0]` the number of
 * `"` (0x22), `[1]` of `\` (0x5C), `[2]` the OR of all bytes (≥ 0x80: not ASCII). In UTF-8 those
 * two bytes only ever stand for those two characters, so the counts are those of the decoded
 * text, taken in the one pass that decodes it; with `counts`, more than 65535 bytes (the counts
 * would overflow; a token holds at most 8192) answer -1.
 *
 * @example
 * ```ts
 * declare const segment: string; // a base64url JWS segment
 * const buf = new Uint8Array(8192);
 * const n = decodeBase64UrlInto(segment, buf); // bytes are buf.subarray(0, n)
 * const counts = new Int32Array(3);
 * decodeBase64UrlInto("eyJhIjoxfQ", buf, 0, 10, counts); // 7 ('{"a":1}'); counts: 2, 0, 127
 * ```
 */
export function decodeBase64UrlInto(
  s: string,
  out: Uint8Array,
  from = 0,
  to: number = s.length,
  counts?: Int32Array,
): number {
  const len = to - from;
  const rest = len & 3;
  const bytes = (len * 3) >> 2;
  if (
    rest === 1 || bytes > out.length || from < 0 || len < 0 || to > s.length ||
    (counts !== undefined && bytes > 0xffff)
  ) {
    return -1;
  }
  const full = to - rest;
  let o = 0, tally = 0, any = 0;
  for (let i = from; i < full; i += 4) {
    const c0 = s.charCodeAt(i), c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2), c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return -1;
    const a = LOOKUP[c0]!, b = LOOKUP[c1]!, c = LOOKUP[c2]!, d = LOOKUP[c3]!;
    if ((a | b | c | d) > 63) return -1;
    const x = (a << 2) | (b >> 4), y = ((b & 15) << 4) | (c >> 2), z = ((c & 3) << 6) | d;
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = z;
    tally += TALLY[x]! + TALLY[y]! + TALLY[z]!;
    any |= x | y | z;
    o += 3;
  }
  if (rest !== 0) {
    const c0 = s.charCodeAt(full), c1 = s.charCodeAt(full + 1);
    const c2 = rest === 3 ? s.charCodeAt(full + 2) : 65; // "A": no bits, always valid
    if ((c0 | c1 | c2) > 127) return -1;
    const a = LOOKUP[c0]!, b = LOOKUP[c1]!, c = LOOKUP[c2]!;
    if ((a | b | c) > 63) return -1;
    const x = (a << 2) | (b >> 4);
    out[o++] = x;
    tally += TALLY[x]!;
    any |= x;
    if (rest === 2) {
      if ((b & 15) !== 0) return -1; // 4 unused bits must be zero
    } else {
      if ((c & 3) !== 0) return -1; // 2 unused bits must be zero
      const y = ((b & 15) << 4) | (c >> 2);
      out[o++] = y;
      tally += TALLY[y]!;
      any |= y;
    }
  }
  if (counts !== undefined) {
    counts[0] = tally & 0xffff;
    counts[1] = tally >>> 16;
    counts[2] = any;
  }
  return o;
}

const MAX_ASCII_CHARS = 8192;

/**
 * Decodes canonical base64url straight into a string of one character per byte when every
 * byte is ASCII (what a token's JSON almost always is): one pass, no byte buffer, no separate
 * UTF-8 step. `null` under the rules of {@link decodeBase64Url}; `undefined` when the input is
 * canonical but some byte is ≥ 0x80 (or it is longer than a token, 8192 characters), for the
 * caller to decode as bytes and UTF-8. `from` and
 * `to` select a part of `s` (a token's segment, without slicing it: faster to read on V8).
 *
 * @example
 * ```ts
 * decodeBase64UrlAscii("eyJhIjoxfQ"); // '{"a":1}'
 * decodeBase64UrlAscii("w6k"); // undefined: "é" is not ASCII
 * decodeBase64UrlAscii("eyJ="); // null: padding
 * ```
 */
export function decodeBase64UrlAscii(
  s: string,
  from = 0,
  to: number = s.length,
): string | null | undefined {
  const len = to - from;
  const rest = len & 3;
  if (rest === 1 || from < 0 || len < 0 || to > s.length) return null;
  // apply passes its array as arguments: a token's 6 KB stay far below every engine's limit.
  if (len > MAX_ASCII_CHARS) return undefined;
  const full = to - rest;
  // A plain array of small integers, written in place: `String.fromCharCode.apply` reads it
  // twice as fast as a typed array on V8 (no element-kind conversion).
  const out: number[] = new Array((len * 3) >> 2);
  let o = 0, any = 0;
  for (let i = from; i < full; i += 4) {
    const c0 = s.charCodeAt(i), c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2), c3 = s.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return null;
    const a = LOOKUP[c0]!, b = LOOKUP[c1]!, c = LOOKUP[c2]!, d = LOOKUP[c3]!;
    if ((a | b | c | d) > 63) return null;
    const x = (a << 2) | (b >> 4), y = ((b & 15) << 4) | (c >> 2), z = ((c & 3) << 6) | d;
    any |= x | y | z;
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = z;
    o += 3;
  }
  if (rest !== 0) {
    const c0 = s.charCodeAt(full), c1 = s.charCodeAt(full + 1);
    const c2 = rest === 3 ? s.charCodeAt(full + 2) : 65; // "A": no bits, always valid
    if ((c0 | c1 | c2) > 127) return null;
    const a = LOOKUP[c0]!, b = LOOKUP[c1]!, c = LOOKUP[c2]!;
    if ((a | b | c) > 63) return null;
    const x = (a << 2) | (b >> 4);
    any |= x;
    out[o] = x;
    if (rest === 2) {
      if ((b & 15) !== 0) return null; // 4 unused bits must be zero
    } else {
      const y = ((b & 15) << 4) | (c >> 2);
      any |= y;
      out[o + 1] = y;
      if ((c & 3) !== 0) return null; // 2 unused bits must be zero
    }
  }
  return any > 127 ? undefined : String.fromCharCode.apply(null, out);
}

/**
 * Whether `s` is the canonical base64url encoding of exactly `bytes` bytes.
 *
 * @example
 * ```ts
 * isBase64UrlOfLength("A".repeat(43), 32); // true: 43 characters encode 32 bytes
 * ```
 */
export function isBase64UrlOfLength(s: unknown, bytes: number): boolean {
  if (typeof s !== "string") return false;
  const decoded = decodeBase64Url(s);
  return decoded !== null && decoded.length === bytes;
}
