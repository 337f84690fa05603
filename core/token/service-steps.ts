/**
 * Verification of service-signed tokens (SPEC §5.3 session, §5.5 action, §5.6 access): the
 * numbered steps in order, as a generator the driver runs (see `effects.ts`).
 *
 * @module
 */
import type { Alg } from "../wire/primitives.ts";
import type { VerifySteps } from "./effects.ts";
import type { AsciiText } from "./jws.ts";
import type { AccessTokenResult, ActionTokenResult, SessionTokenResult } from "./results.ts";
import {
  type ClaimsOf,
  type ServiceKind,
  serviceSignatureEffect,
  serviceTokenClaims,
  serviceTokenHead,
} from "./service-parts.ts";
import type { AccessClaims, ActionClaims, SessionClaims } from "../wire/tokens.ts";

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
  /** The host's native ASCII bytes → string, if it has one (speed only: see `parseJws`). */
  readonly asciiText?: AsciiText | undefined;
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
  // 1–2 up to the key lookup
  const head = serviceTokenHead(token, kind, rules);
  // 2 with the key, 3: signature
  const ok = yield serviceSignatureEffect(head, yield { op: "key", kid: head.kid }, memo);
  // 3's answer, 4–6: claims, iss and aud, times
  return result(serviceTokenClaims(head, rules, ok));
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
