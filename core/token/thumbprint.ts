/**
 * RFC 7638 JWK thumbprint *input*: the required members of the key type, in lexicographic
 * order, serialized without whitespace. Hashing it (SHA-256) is the crypto adapter's job; the
 * result, base64url-encoded, is a device key's `jkt` and a service key's `kid` (SPEC §3).
 *
 * @module
 */
import { errorOf } from "../errors/error.ts";

// Required members per key type (RFC 7638 §3.2), already in lexicographic order.
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
  RSA: ["e", "kty", "n"],
  oct: ["k", "kty"],
};

/**
 * The UTF-8 text whose SHA-256 is the thumbprint of `jwk`. Other members (`alg`, `kid`, `use`,
 * private members) are left out; a missing required member is `ERR_JWK_INVALID`.
 *
 * @example
 * ```ts
 * thumbprintInput({ kty: "OKP", crv: "Ed25519", x: "11qY…", kid: "k1" });
 * // '{"crv":"Ed25519","kty":"OKP","x":"11qY…"}'
 * ```
 */
export function thumbprintInput(jwk: Readonly<Record<string, unknown>>): string {
  const known = inputs.get(jwk);
  if (known !== undefined) return known;
  const kty = jwk.kty;
  const members = typeof kty === "string" && Object.hasOwn(REQUIRED, kty) ? REQUIRED[kty]! : null;
  if (members === null) throw errorOf("ERR_JWK_INVALID", "unsupported kty for a thumbprint");
  let out = "{";
  for (let i = 0; i < members.length; i++) {
    const name = members[i]!;
    const value = jwk[name];
    if (typeof value !== "string") {
      throw errorOf("ERR_JWK_INVALID", `thumbprint member ${name} must be a string`);
    }
    out += `${i === 0 ? "" : ","}"${name}":${JSON.stringify(value)}`;
  }
  out += "}";
  if (Object.isFrozen(jwk)) inputs.set(jwk, out);
  return out;
}

// Verified device keys are frozen objects that recur (jwk.ts): their input is remembered.
const inputs = new WeakMap<object, string>();
