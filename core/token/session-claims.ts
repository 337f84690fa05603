/**
 * The claims of a session token (SPEC §4.6, §5.3 step 4) checked in one function: named
 * property reads and the claim patterns inline, where the generic path reads members by
 * computed name and calls one check per claim. It accepts exactly what `parseClaims` accepts for
 * a session token (a property test holds them together on valid and invalid claims); the
 * verifier runs it first and leaves any failure to `parseClaims`, which names the error.
 *
 * @module
 */

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const CLIENT_ID = /^[A-Za-z0-9._-]{1,128}$/;
const JKT = /^[A-Za-z0-9_-]{43}$/;
const JTI = /^[A-Za-z0-9_-]{16,128}$/;
const MAX_EPOCH_S = 253402300799;

const epoch = (x: unknown): boolean =>
  Number.isInteger(x) && (x as number) >= 0 && (x as number) <= MAX_EPOCH_S;
const matches = (re: RegExp, x: unknown): boolean => typeof x === "string" && re.test(x);

/**
 * Whether `p` holds valid session claims: every claim an own member, `ver` 1, and each claim of
 * its SPEC §1 form.
 *
 * @example
 * ```ts
 * declare const payload: Record<string, unknown>; // a decoded JWS payload
 * if (!isSessionClaims(payload)) throw new Error("run parseClaims for the error");
 * ```
 */
export function isSessionClaims(p: Readonly<Record<string, unknown>>): boolean {
  const iss = p.iss, cnf = p.cnf;
  return p.ver === 1 && typeof iss === "string" && iss.length >= 1 && iss.length <= 2048 &&
    matches(CLIENT_ID, p.aud) && matches(ID, p.sub) && matches(ID, p.did) &&
    typeof cnf === "object" && cnf !== null && matches(JKT, (cnf as { jkt?: unknown }).jkt) &&
    epoch(p.iat) && epoch(p.exp) && matches(JTI, p.jti) &&
    // Own members, as parseClaims requires (a value inherited from a prototype is no claim).
    Object.hasOwn(p, "iss") && Object.hasOwn(p, "aud") && Object.hasOwn(p, "sub") &&
    Object.hasOwn(p, "did") && Object.hasOwn(p, "cnf") && Object.hasOwn(p, "iat") &&
    Object.hasOwn(p, "exp") && Object.hasOwn(p, "jti") && Object.hasOwn(p, "ver");
}
