/**
 * Identifiers for the service (SPEC §1.4: a prefix and 128 random bits as 22 base64url
 * characters), drawn from a pool of CSPRNG bytes: one `getRandomValues` call per 256 ids instead
 * of one per id (a call costs tens of microseconds on Node). Each byte is used once.
 *
 * @module
 */
import { encodeBase64Url } from "../../core/mod.ts";

const POOL_BYTES = 4096;
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
  const bytes = pool.subarray(offset, offset + 16);
  offset += 16;
  return prefix + encodeBase64Url(bytes);
}
