/**
 * Identifiers for the service (SPEC §1.4: a prefix and 128 random bits as 22 base64url
 * characters), drawn from a pool of CSPRNG bytes: one `getRandomValues` call per 256 ids instead
 * of one per id (a call costs tens of microseconds on Node). Each byte is used once.
 *
 * @module
 */
const POOL_BYTES = 4096;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
let pool = new Uint8Array(0);
let offset = POOL_BYTES;

/**
 * A fresh identifier: `prefix` + 22 base64url characters.
 *
 * @example
 * ```ts
 * newId("s_"); // "s_q3Zr0l9c2Yb1Yx0vVZ8b5A"
 * ```
 */
export function newId(prefix = ""): string {
  if (offset + 16 > pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    offset = 0;
  }
  // One String.fromCharCode call makes one flat string (no rope of concatenations): ids are
  // kept by the million in the memory store, where a rope costs several times the characters.
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  const b = pool;
  const end = offset + 15;
  let i = offset;
  for (; i < end; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    codes.push(CODES[n >> 18]!, CODES[(n >> 12) & 63]!, CODES[(n >> 6) & 63]!, CODES[n & 63]!);
  }
  const last = b[i]!; // the 16th byte: two more characters (no padding)
  codes.push(CODES[last >> 2]!, CODES[(last & 3) << 4]!);
  offset += 16;
  return String.fromCharCode(...codes);
}

/**
 * A fresh action id: `a_` + 22 random characters + the id of the action's session (SPEC §1.4),
 * so a store can keep an action next to its session (one Redis Cluster slot) and find it from
 * the id alone.
 *
 * @example
 * ```ts
 * newActionId("s_q3Zr0l9c2Yb1Yx0vVZ8b5A"); // "a_…22 characters…s_q3Zr0l9c2Yb1Yx0vVZ8b5A"
 * ```
 */
export function newActionId(sessionId: string): string {
  return newId("a_") + sessionId;
}

/**
 * A flat copy of `s`. Strings built by concatenation are ropes in JavaScript engines; a string
 * kept for the life of a session (a key thumbprint) is worth flattening once.
 *
 * @example
 * ```ts
 * declare const proof: { jkt: string }; // a verified device proof
 * const jkt = flatString(proof.jkt);
 * ```
 */
export function flatString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
