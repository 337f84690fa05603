/**
 * Claim comparisons of SPEC §5: issuer and audience, action binding, key binding, proof
 * target, and the replay key. Each failure carries its catalog code.
 *
 * @module
 */
import { errorFromCode } from "../errors/error.ts";
import type { TokenKind } from "../wire/tokens.ts";

/**
 * §5.3 step 5: `iss` then `aud` equal the expected values, byte for byte.
 *
 * @example
 * ```ts
 * import type { SessionClaims } from "../wire/tokens.ts";
 * declare const claims: SessionClaims;
 * checkIssuerAudience(claims, { issuer: "https://risk.example.com", audience: "demo" });
 * ```
 */
export function checkIssuerAudience(
  claims: { readonly iss: string; readonly aud: string },
  expected: { readonly issuer: string; readonly audience: string },
): void {
  if (claims.iss !== expected.issuer) {
    throw errorFromCode("ERR_ISSUER_MISMATCH", "iss is not the expected issuer");
  }
  if (claims.aud !== expected.audience) {
    throw errorFromCode("ERR_AUDIENCE_MISMATCH", "aud is not the expected client id");
  }
}

/**
 * §5.4 step 8: the secure token's `act` equals the expected action type byte for byte (no case
 * folding, trimming or Unicode normalization: SPEC §1.5).
 *
 * @example
 * ```ts
 * import type { ActionClaims } from "../wire/tokens.ts";
 * declare const claims: ActionClaims;
 * checkAction(claims.act, "login");
 * ```
 */
export function checkAction(act: string, expected: string): void {
  if (act !== expected) {
    throw errorFromCode("ERR_ACTION_MISMATCH", "the token is bound to another action type", {
      details: { expected, act },
    });
  }
}

/**
 * §5.4 step 6: the thumbprint of the signing key equals the inner token's `cnf.jkt`.
 *
 * @example
 * ```ts
 * import type { SessionClaims } from "../wire/tokens.ts";
 * declare const jktOfHeaderJwk: string;
 * declare const inner: SessionClaims;
 * checkBinding(jktOfHeaderJwk, inner.cnf.jkt);
 * ```
 */
export function checkBinding(jkt: string, cnfJkt: string): void {
  if (jkt !== cnfJkt) {
    throw errorFromCode("ERR_BINDING_MISMATCH", "the signing key is not the one cnf.jkt names");
  }
}

/**
 * SPEC §5.2.1 normal form of a request target: scheme and host lower-cased, default port
 * dropped, empty path as `/`, no query, no fragment, no user info. `null` if not an absolute
 * http(s) URL.
 *
 * @example
 * ```ts
 * normalizeHtu("HTTPS://Risk.Example.com:443/v1/x?q=1"); // "https://risk.example.com/v1/x"
 * ```
 */
export function normalizeHtu(uri: string): string | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return null;
  }
  if ((u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password) return null;
  // WHATWG URL already lower-cases scheme and host, drops default ports and gives "/" paths.
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * §5.2 step 5: the proof's `htm` equals the request method and its `htu` equals the request
 * target. The proof's `htu` must already be query-free; the request URL is normalized here.
 *
 * @example
 * ```ts
 * import type { ProofClaims } from "../wire/tokens.ts";
 * declare const claims: ProofClaims;
 * checkProofTarget(claims, { method: "POST", url: "https://risk.example.com/v1/device/sessions" });
 * ```
 */
export function checkProofTarget(
  claims: { readonly htm: string; readonly htu: string },
  request: { readonly method: string; readonly url: string },
): void {
  const expected = normalizeHtu(request.url);
  const claimed = normalizeHtu(claims.htu);
  // A claimed htu that carries a query or fragment is not "the URI without query and fragment".
  const exact = claimed !== null && !/[?#]/.test(claims.htu);
  if (claims.htm !== request.method || expected === null || !exact || claimed !== expected) {
    throw errorFromCode("ERR_PROOF_TARGET_MISMATCH", "htm/htu do not match the request");
  }
}

/**
 * The replay-store key of a single-use token (SPEC §5.7.2): the `jti`, scoped by token kind,
 * issuer and audience so two kinds or two clients never collide. Never the token's bytes.
 *
 * @example
 * ```ts
 * declare const jti: string;
 * replayKey({ kind: "secure", issuer: "https://risk.example.com", audience: "demo", jti }); // '["secure","https://…","demo","…"]'
 * ```
 */
export function replayKey(o: {
  readonly kind: TokenKind;
  readonly issuer: string;
  readonly audience: string;
  readonly jti: string;
}): string {
  // A JSON array is unambiguous whatever the issuer contains.
  return JSON.stringify([o.kind, o.issuer, o.audience, o.jti]);
}
