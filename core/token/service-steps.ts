/**
 * Verification of service-signed tokens (SPEC §5.3 session, §5.5 action, §5.6 access): the
 * numbered steps in order, as a generator the driver runs (see `effects.ts`).
 *
 * @module
 */
import type * as v from "valibot";
import { errorFromCode } from "../errors/error.ts";
import { parseClaims } from "../wire/parse.ts";
import type { Alg } from "../wire/primitives.ts";
import {
  type AccessClaims,
  type ActionClaims,
  CLAIMS_SCHEMA,
  MAX_LIFETIME_S,
  type SessionClaims,
} from "../wire/tokens.ts";
import { checkIssuerAudience } from "./checks.ts";
import { checkSignatureAnswer, signatureEffect } from "./common-steps.ts";
import type { VerifySteps } from "./effects.ts";
import { checkHeader } from "./header.ts";
import { checkKeyAlg, type PublicJwk } from "./jwk.ts";
import { type AsciiText, parseJws } from "./jws.ts";
import { isSessionClaims } from "./session-claims.ts";
import type { AccessTokenResult, ActionTokenResult, SessionTokenResult } from "./results.ts";
import { checkTimes } from "./time.ts";

/** What a service-signed token is checked against. */
export interface ServiceTokenRules {
  /** Allow-list of `alg` (S5). */
  readonly algorithms: readonly Alg[];
  /** Expected `iss`. */
  readonly issuer: string;
  /** Expected `aud` (the client id; for access tokens, the issuer). */
  readonly audience: string;
  /** Verifier time, seconds. */
  readonly now: number;
  /** Clock tolerance, seconds (0–300). */
  readonly tolerance: number;
  /** The host's native ASCII bytes → string, if it has one (speed only: see {@link parseJws}). */
  readonly asciiText?: AsciiText | undefined;
}

type ServiceKind = "session" | "action" | "access";
interface ClaimsOf {
  session: SessionClaims;
  action: ActionClaims;
  access: AccessClaims;
}

/**
 * §5.3 steps 1–6 for `kind`; returns the validated claims. `memo` marks the signature check as
 * one the driver may answer from a verification it already did (the inner token of secure
 * tokens: every step but the signature itself still runs, the key lookup included).
 *
 * @example
 * ```ts
 * import type { VerifySteps } from "./effects.ts";
 * import type { SessionClaims } from "../wire/tokens.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * function* sessionClaims(): VerifySteps<SessionClaims> {
 *   return yield* serviceTokenSteps(token, "session", rules);
 * }
 * ```
 */
export function serviceTokenSteps<K extends ServiceKind>(
  token: string,
  kind: K,
  rules: ServiceTokenRules,
  memo = false,
): VerifySteps<ClaimsOf[K]> {
  return serviceSteps(token, kind, rules, memo, claimsAsResult);
}

const claimsAsResult = <C>(claims: C): C => claims;

// The steps of every service-signed kind, returning `result(claims)`: the procedures of each kind
// pass their result builder here rather than delegating (`yield*`) to a generator of the claims,
// so a verification runs one generator (on JavaScriptCore each nested one costs its object and
// a resumption per effect, a measurable share of what Bun spends around a signature).
function* serviceSteps<K extends ServiceKind, R>(
  token: string,
  kind: K,
  rules: ServiceTokenRules,
  memo: boolean,
  result: (claims: ClaimsOf[K]) => R,
): VerifySteps<R> {
  // 1. S1–S5. Session and access tokens recur (one per session or client, presented again and
  // again): their decoded payloads are shared (frozen), an action token's is its own.
  const parsed = parseJws(token, rules.asciiText, kind !== "action");
  const alg = checkHeader(parsed.header, kind, rules.algorithms);
  // 2. kid names a configured key (never jku/x5u/jwk/x5c from the header), agreeing with alg.
  const kid = parsed.header.kid;
  if (typeof kid !== "string" || kid === "") {
    throw errorFromCode("ERR_KEY_UNKNOWN", "kid is required");
  }
  const key = yield { op: "key", kid };
  if (typeof key !== "object" || key === null) {
    throw errorFromCode("ERR_KEY_UNKNOWN", "kid is not in the configured key set", {
      details: { kid: kid.slice(0, 64) },
    });
  }
  checkKeyAlg(key as PublicJwk, alg);
  // 3. signature
  checkSignatureAnswer(yield signatureEffect(parsed, alg, key as PublicJwk, memo));
  // 4. claims present and typed, ver 1
  // Session claims (also the inner token of every secure token) take the one-function check;
  // anything it rejects goes to parseClaims, which gives the error.
  const claims = kind === "session" && sessionClaimsOk(parsed.payload)
    ? parsed.payload as unknown as ClaimsOf[K]
    : parseClaims(CLAIMS_SCHEMA[kind] as v.GenericSchema<ClaimsOf[K]>, kind, parsed.payload);
  // 5. iss, aud
  checkIssuerAudience(claims, rules);
  // 6. times
  checkTimes({
    iat: claims.iat,
    exp: claims.exp,
    now: rules.now,
    tolerance: rules.tolerance,
    maxLifetime: MAX_LIFETIME_S[kind],
  });
  return result(claims);
}

// A shared payload (parseJws) is deeply frozen, so whether it holds valid session claims never
// changes: that is checked once per payload object. Fresh payloads are checked every time.
const validSessionClaims = new WeakSet<object>();
function sessionClaimsOk(p: Record<string, unknown>): boolean {
  if (validSessionClaims.has(p)) return true;
  if (!isSessionClaims(p)) return false;
  if (Object.isFrozen(p) && Object.isFrozen(p.cnf)) validSessionClaims.add(p);
  return true;
}

/**
 * Session token (SPEC §5.3).
 *
 * @example
 * ```ts
 * import { runVerify, type VerifyEnv } from "../../adapters/crypto/driver.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * declare const env: VerifyEnv;
 * const result = await runVerify(sessionTokenSteps(token, rules), env);
 * ```
 */
export function sessionTokenSteps(
  token: string,
  rules: ServiceTokenRules,
): VerifySteps<SessionTokenResult> {
  return serviceSteps(token, "session", rules, false, sessionResult);
}

/** The result object of verified session claims. */
export function sessionResult(c: SessionClaims): SessionTokenResult {
  return {
    kind: "session",
    sessionId: c.sub,
    deviceId: c.did,
    clientId: c.aud,
    jkt: c.cnf.jkt,
    issuedAt: c.iat,
    expiresAt: c.exp,
    jti: c.jti,
  };
}

/**
 * Action token (SPEC §5.5).
 *
 * @example
 * ```ts
 * import { runVerify, type VerifyEnv } from "../../adapters/crypto/driver.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * declare const env: VerifyEnv;
 * const result = await runVerify(actionTokenSteps(token, rules), env);
 * ```
 */
export function actionTokenSteps(
  token: string,
  rules: ServiceTokenRules,
): VerifySteps<ActionTokenResult> {
  return serviceSteps(token, "action", rules, false, actionResult);
}

function actionResult(c: ActionClaims): ActionTokenResult {
  return {
    kind: "action",
    sessionId: c.sub,
    clientId: c.aud,
    actionId: c.aid,
    action: c.act,
    issuedAt: c.iat,
    expiresAt: c.exp,
    jti: c.jti,
  };
}

/**
 * Access token (SPEC §5.6): the expected `aud` is the issuer itself, whatever `rules.audience`.
 *
 * @example
 * ```ts
 * import { runVerify, type VerifyEnv } from "../../adapters/crypto/driver.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * declare const env: VerifyEnv;
 * const result = await runVerify(accessTokenSteps(token, rules), env);
 * ```
 */
export function accessTokenSteps(
  token: string,
  rules: ServiceTokenRules,
): VerifySteps<AccessTokenResult> {
  return serviceSteps(token, "access", { ...rules, audience: rules.issuer }, false, accessResult);
}

function accessResult(c: AccessClaims): AccessTokenResult {
  return {
    kind: "access",
    clientId: c.sub,
    scope: c.scope,
    issuedAt: c.iat,
    expiresAt: c.exp,
    jti: c.jti,
  };
}
