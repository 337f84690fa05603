/**
 * Random identifiers (SPEC §1.4): 128 bits from the platform CSPRNG, base64url (22 chars).
 *
 * @module
 */
import { encodeBase64Url } from "../../core/token/mod.ts";

/**
 * A fresh identifier: `prefix` + 22 base64url characters (128 random bits).
 *
 * @example
 * ```ts
 * randomId();     // a jti, e.g. "q3Zr0l9c2Yb1Yx0vVZ8b5A"
 * randomId("s_"); // a session id
 * ```
 */
export function randomId(prefix = ""): string {
  return prefix + encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}
