/**
 * VerifySteps shared by every procedure: signature (via the driver) and key thumbprint.
 *
 * @module
 */
import { errorFromCode } from "../errors/error.ts";
import type { Alg } from "../wire/primitives.ts";
import { encodeBase64Url } from "./base64url.ts";
import type { VerifyEffect, VerifySteps } from "./effects.ts";
import type { PublicJwk } from "./jwk.ts";
import type { ParsedJws } from "./jws.ts";
import { thumbprintInput } from "./thumbprint.ts";

/** Ed25519 and ES256 (raw `r || s`, never DER) signatures are both 64 bytes (SPEC §4.8). */
export const SIGNATURE_BYTES = 64;

/**
 * The effect that asks the driver to verify the token's signature with `jwk`; a signature of the
 * wrong length never reaches the driver (`ERR_SIGNATURE_INVALID` at once). `memo` lets the driver
 * reuse a `true` it gave before for the same key, input and signature. A procedure yields it
 * itself and hands the answer to {@link checkSignatureAnswer}: no nested generator per
 * verification (each costs a generator object and a resumption per effect).
 *
 * @example
 * ```ts
 * import type { VerifyEffect, VerifySteps } from "./effects.ts";
 * import type { ParsedJws } from "./jws.ts";
 * import type { PublicJwk } from "./jwk.ts";
 * declare const parsed: ParsedJws;
 * declare const jwk: PublicJwk;
 * function* checkSignature(): VerifySteps<void> {
 *   checkSignatureAnswer(yield signatureEffect(parsed, "EdDSA", jwk)); // or ERR_SIGNATURE_INVALID
 * }
 * ```
 */
export function signatureEffect(
  parsed: ParsedJws,
  alg: Alg,
  jwk: PublicJwk,
  memo = false,
): VerifyEffect {
  if (parsed.signature.length !== SIGNATURE_BYTES) {
    throw errorFromCode("ERR_SIGNATURE_INVALID", "a signature is 64 bytes");
  }
  // Two literals rather than a spread of `memo`: a spread copies through a slow generic path.
  const input = parsed.signingInput, signature = parsed.signature;
  return memo
    ? { op: "verify", alg, jwk, input, signature, memo }
    : { op: "verify", alg, jwk, input, signature };
}

/**
 * `ERR_SIGNATURE_INVALID` unless the driver answered a {@link signatureEffect} with `true`.
 *
 * @example
 * ```ts
 * checkSignatureAnswer(true); // passes
 * checkSignatureAnswer(false); // throws ERR_SIGNATURE_INVALID
 * ```
 */
export function checkSignatureAnswer(ok: unknown): void {
  if (ok !== true) throw errorFromCode("ERR_SIGNATURE_INVALID", "signature does not verify");
}

/**
 * The RFC 7638 SHA-256 thumbprint of `jwk`, base64url (43 characters), hashed by the driver.
 *
 * @example
 * ```ts
 * import type { VerifyEffect, VerifySteps } from "./effects.ts";
 * import type { PublicJwk } from "./jwk.ts";
 * declare const jwk: PublicJwk;
 * function* keyThumbprint(): VerifySteps<string> {
 *   return yield* thumbprintStep(jwk); // 43 characters
 * }
 * ```
 */
export function* thumbprintStep(jwk: PublicJwk): VerifySteps<string> {
  const digest = yield {
    op: "sha256",
    text: thumbprintInput(jwk as unknown as Record<string, unknown>),
  };
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new TypeError("the sha256 effect must answer 32 bytes");
  }
  return encodeBase64Url(digest);
}
