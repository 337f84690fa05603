/**
 * Public-key checks: the `jwk` header of device-signed tokens (SPEC §4.5, §5.2/§5.4 step 2) and
 * the agreement between a configured service key and a token's `alg` (§5.3 step 2).
 *
 * @module
 */
import { errorFromCode } from "../errors/error.ts";
import type { Alg } from "../wire/primitives.ts";
import type { DevicePublicJwk } from "../wire/tokens.ts";
import { decodeBase64Url } from "./base64url.ts";
import { ed25519KeyProblem } from "./ed25519.ts";
import { isP256Point } from "./p256.ts";

/** JWK members that make a key private (or symmetric): never allowed in a public key. */
export const PRIVATE_JWK_MEMBERS: readonly string[] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** A public key as the verifier uses it: a device JWK plus the optional JWK metadata. */
export type PublicJwk = DevicePublicJwk & { kid?: string; alg?: string; use?: string };

/** The `alg` a key type must be used with (SPEC §3.3). */
export function algOfKey(jwk: { kty?: unknown; crv?: unknown }): Alg | null {
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  return null;
}

/**
 * Why `value` is not a valid public key of a supported type, or `null` when it is: OKP/Ed25519
 * with a canonical 32-byte `x` encoding a canonical point of large order (`core/token/ed25519.ts`),
 * or EC/P-256 with canonical 32-byte `x` and `y` on the curve; no
 * private member. Other members (`alg`, `use`, `kid`, …) are not checked here: a device `jwk`
 * header ignores them (the key type alone decides the algorithm); a JWKS is checked by its schema.
 *
 * @example
 * ```ts
 * publicJwkProblem({ kty: "OKP", crv: "Ed25519", x: "…", d: "…" }); // "private member d"
 * ```
 */
export function publicJwkProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "not a JSON object";
  }
  const jwk = value as Record<string, unknown>;
  for (const m of PRIVATE_JWK_MEMBERS) {
    if (Object.hasOwn(jwk, m)) return `private member ${m}`;
  }
  if (algOfKey(jwk) === null) return "kty/crv must be OKP/Ed25519 or EC/P-256";
  const x = typeof jwk.x === "string" ? decodeBase64Url(jwk.x) : null;
  if (x === null || x.length !== 32) return "x must be 32 bytes of canonical base64url";
  if (jwk.kty === "OKP") {
    return jwk.y !== undefined ? "an OKP key has no y" : ed25519KeyProblem(x);
  }
  const y = typeof jwk.y === "string" ? decodeBase64Url(jwk.y) : null;
  if (y === null || y.length !== 32) return "y must be 32 bytes of canonical base64url";
  return isP256Point(x, y) ? null : "not a point of P-256";
}

/**
 * Step 2 of device-signed kinds: the `jwk` header is a valid public key (→ `ERR_JWK_INVALID`)
 * whose type agrees with `alg` (→ `ERR_ALG_NOT_ALLOWED`). Returns only the RFC 7638 members.
 *
 * @example
 * ```ts
 * import type { ParsedJws } from "./jws.ts";
 * declare const parsed: ParsedJws;
 * const jwk = checkDeviceJwk(parsed.header.jwk, "EdDSA");
 * ```
 */
export function checkDeviceJwk(value: unknown, alg: Alg): DevicePublicJwk {
  const known = typeof value === "object" && value !== null ? checked.get(value) : undefined;
  if (known !== undefined && known.alg === alg) return known.jwk;
  if (value === undefined) throw errorFromCode("ERR_JWK_INVALID", "the jwk header is required");
  const problem = publicJwkProblem(value);
  if (problem !== null) throw errorFromCode("ERR_JWK_INVALID", `jwk: ${problem}`);
  const jwk = value as DevicePublicJwk;
  // Only the key type counts: `alg`/`use` members of a jwk header are ignored (core/wire).
  if (algOfKey(jwk) !== alg) {
    throw errorFromCode("ERR_ALG_NOT_ALLOWED", `alg ${alg} does not match the jwk`, {
      details: { alg },
    });
  }
  const out: DevicePublicJwk = Object.freeze(
    jwk.kty === "OKP"
      ? { kty: "OKP", crv: "Ed25519", x: jwk.x }
      : { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y },
  );
  if (Object.isFrozen(value)) checked.set(value as object, { alg, jwk: out });
  return out;
}

// Decoded headers are frozen and cached (jws.ts), so a device key arrives as the same frozen
// object for every token it signs: its checks (a point check with BigInt arithmetic among them)
// are remembered per object. A frozen object's members cannot change; only passes are kept.
const checked = new WeakMap<object, { alg: Alg; jwk: DevicePublicJwk }>();

/**
 * The key's type (and its `alg` member, when present) agrees with the token's `alg`, else
 * `ERR_ALG_NOT_ALLOWED` (SPEC §3.3; §5.3 step 2 for service keys).
 *
 * @example
 * ```ts
 * declare const jwksKey: PublicJwk;
 * checkKeyAlg(jwksKey, "EdDSA"); // throws if jwksKey is a P-256 key
 * ```
 */
export function checkKeyAlg(jwk: PublicJwk, alg: Alg): void {
  if (algOfKey(jwk) !== alg || (jwk.alg !== undefined && jwk.alg !== alg)) {
    throw errorFromCode("ERR_ALG_NOT_ALLOWED", `alg ${alg} does not match the key`, {
      details: { alg },
    });
  }
}
