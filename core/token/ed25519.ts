/**
 * Ed25519 public-key screening (SPEC §4.5): a key whose signatures prove nothing, or that has
 * several encodings, is refused before any crypto runs. RFC 8032 §5.1.3 decoding leaves these
 * choices to implementations, and runtimes differ (the same token would get a different answer
 * on Deno than on Node or Bun); checking the bytes here gives `ERR_JWK_INVALID` at step 2,
 * identically everywhere.
 *
 * @module
 */

const P = (1n << 255n) - 19n;
/** The `y` of the two order-8 points pairs with `p − y`; with ±x they are four points. */
const Y8 = 0x5fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;

/**
 * `y` of every point of order 1, 2, 4 or 8: the identity (y = 1), the order-2 point (y = −1),
 * the order-4 points (y = 0) and the order-8 points. A key among them verifies signatures made
 * with no private key (for the identity, `R = identity, S = 0` verifies every message).
 */
const SMALL_ORDER_Y: readonly bigint[] = [0n, 1n, P - 1n, Y8, P - Y8];

/** The 255-bit `y` of a 32-byte little-endian encoding (the top bit is the sign of `x`). */
function yOf(x: Uint8Array): bigint {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? x[i]! & 0x7f : x[i]!);
  return y;
}

/**
 * Why the 32-byte encoded Ed25519 point `x` (RFC 8032 §5.1.2) is refused, or `null`: its `y`
 * is not below `p` (a non-canonical alias of another point, so one key would have several
 * thumbprints), or it is one of the 8 small-order points in any encoding (this also covers
 * `x = 0` with the sign bit set, which only the small-order points y = ±1 have).
 *
 * @example
 * ```ts
 * import { decodeBase64Url } from "./base64url.ts";
 * ed25519KeyProblem(decodeBase64Url("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")!);
 * // "a small-order point"
 * ```
 */
export function ed25519KeyProblem(x: Uint8Array): string | null {
  if (x.length !== 32) return "x must be 32 bytes";
  const y = yOf(x);
  if (y >= P) return "a non-canonical encoding (y ≥ p)";
  return SMALL_ORDER_Y.includes(y) ? "a small-order point" : null;
}
