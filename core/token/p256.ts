/**
 * P-256 point validation (SEC 1 §3.2.2.1): a JWK's `x`/`y` must name a point on the curve.
 * WebCrypto rejects off-curve points at import time, but only there and with runtime-specific
 * errors; checking here gives `ERR_JWK_INVALID` at step 2, identically everywhere.
 *
 * @module
 */

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function toBigInt(bytes: Uint8Array): bigint {
  let hex = "0x";
  for (const b of bytes) hex += (b < 16 ? "0" : "") + b.toString(16);
  return BigInt(hex);
}

/**
 * Whether the 32-byte big-endian coordinates `x`, `y` are a point of P-256
 * (`y² = x³ − 3x + b mod p`, both below `p`).
 *
 * @example
 * ```ts
 * import { decodeBase64Url } from "./base64url.ts";
 * import type { EcPublicJwk } from "../wire/tokens.ts";
 * declare const jwk: EcPublicJwk;
 * isP256Point(decodeBase64Url(jwk.x)!, decodeBase64Url(jwk.y)!); // true for a real key
 * ```
 */
export function isP256Point(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== 32 || y.length !== 32) return false;
  const X = toBigInt(x), Y = toBigInt(y);
  if (X >= P || Y >= P) return false;
  const rhs = (((X * X % P) * X - 3n * X + B) % P + P) % P;
  return (Y * Y) % P === rhs;
}
