/**
 * Verification of device-signed tokens: the device proof (SPEC §5.2) and the secure session
 * token (§5.4), step by step in SPEC order, as generators the driver runs.
 *
 * @module
 */
import { DeviceSessionError, errorFromCode } from "../errors/error.ts";
import { parseClaims } from "../wire/parse.ts";
import type { Alg } from "../wire/primitives.ts";
import { MAX_LIFETIME_S, ProofClaimsSchema, SecureClaimsSchema } from "../wire/tokens.ts";
import { checkAction, checkBinding, checkProofTarget, replayKey } from "./checks.ts";
import { checkSignatureAnswer, signatureEffect, thumbprintStep } from "./common-steps.ts";
import type { VerifySteps } from "./effects.ts";
import { checkHeader } from "./header.ts";
import { checkDeviceJwk } from "./jwk.ts";
import { parseJws } from "./jws.ts";
import type { ProofResult, SecureTokenResult } from "./results.ts";
import { type ServiceTokenRules, serviceTokenSteps } from "./service-steps.ts";
import { checkProofTime, checkTimes, PROOF_JTI_RETENTION_S, secureReplayUntil } from "./time.ts";

/** What a device proof is checked against (SPEC §5.2). */
export interface ProofRules {
  /** Allow-list of the proof's `alg`. */
  readonly algorithms: readonly Alg[];
  /** The request method (`htm` must equal it). */
  readonly method: string;
  /** The request URL as the service was configured to see it (§5.2.1). */
  readonly url: string;
  /** Service time, seconds. */
  readonly now: number;
  /** For a refresh: the jkt registered for the session (step 8). */
  readonly expectedJkt?: string;
}

/**
 * Device proof, steps 1–9. Effects: `verify`, `nonce`, `sha256`, `consume` (the `jti`, for
 * 120 s, under `replayKey({ kind: "proof", issuer: "", audience: "", jti })`).
 *
 * @example
 * ```ts
 * import { runVerify, type VerifyEnv } from "../../adapters/crypto/driver.ts";
 * declare const proofJwt: string; // the DS-Proof header
 * declare const env: VerifyEnv;
 * const rules: ProofRules = {
 *   algorithms: ["EdDSA", "ES256"],
 *   method: "POST",
 *   url: "https://risk.example.com/v1/device/sessions",
 *   now: 1767225600, // epoch seconds, from the caller's clock
 * };
 * const proof = await runVerify(proofSteps(proofJwt, rules), env);
 * ```
 */
export function* proofSteps(token: string, rules: ProofRules): VerifySteps<ProofResult> {
  // 1. S1–S5
  const parsed = parseJws(token);
  const alg = checkHeader(parsed.header, "proof", rules.algorithms);
  // 2. jwk valid and agreeing with alg
  const jwk = checkDeviceJwk(parsed.header.jwk, alg);
  // 3. signature
  checkSignatureAnswer(yield signatureEffect(parsed, alg, jwk));
  // 4. claims
  const c = parseClaims(ProofClaimsSchema, "proof", parsed.payload);
  // 5. htm / htu
  checkProofTarget(c, rules);
  // 6. iat window
  checkProofTime(c.iat, rules.now);
  // 7. nonce
  if ((yield { op: "nonce", nonce: c.nonce }) !== true) {
    throw errorFromCode("ERR_NONCE_INVALID", "the nonce is unknown or stale");
  }
  // 8. refresh: same key as the session's
  const jkt = yield* thumbprintStep(jwk);
  if (rules.expectedJkt !== undefined && jkt !== rules.expectedJkt) {
    throw errorFromCode("ERR_KEY_MISMATCH", "the proof is signed by another key");
  }
  // 9. single use
  const id = replayKey({ kind: "proof", issuer: "", audience: "", jti: c.jti });
  if ((yield { op: "consume", id, until: rules.now + PROOF_JTI_RETENTION_S }) !== true) {
    throw errorFromCode("ERR_REPLAYED", "the proof jti was already used");
  }
  return {
    kind: "proof",
    jwk,
    jkt,
    alg,
    method: c.htm,
    url: c.htu,
    nonce: c.nonce,
    issuedAt: c.iat,
    jti: c.jti,
  };
}

/** What a secure session token is checked against (SPEC §5.4). */
export interface SecureTokenRules extends ServiceTokenRules {
  /** Allow-list of the inner session token's `alg` (`algorithms` is the outer token's). */
  readonly sessionAlgorithms: readonly Alg[];
  /** The action type the token must be bound to. */
  readonly action: string;
  /** Largest outer `exp − iat` (1–3600, default 3600). */
  readonly maxLifetime: number;
}

/**
 * Secure session token, steps 1–9. The replay id is
 * `replayKey({ kind: "secure", issuer, audience, jti })` with the inner token's `iss`/`aud`,
 * consumed until `exp + 300 + 60` whatever the tolerance (§5.7.1), and only after every other
 * step passed (§5.7.3).
 *
 * @example
 * ```ts
 * import { runVerify, type VerifyEnv } from "../../adapters/crypto/driver.ts";
 * declare const token: string;
 * declare const rules: Omit<SecureTokenRules, "action">;
 * declare const env: VerifyEnv; // the runtime's keys and crypto
 * const result = await runVerify(secureTokenSteps(token, { ...rules, action: "login" }), env);
 * ```
 */
export function* secureTokenSteps(
  token: string,
  rules: SecureTokenRules,
): VerifySteps<SecureTokenResult> {
  // 1. S1–S5
  const parsed = parseJws(token, rules.asciiText);
  const alg = checkHeader(parsed.header, "secure", rules.algorithms);
  // 2. jwk
  const jwk = checkDeviceJwk(parsed.header.jwk, alg);
  // 3. signature
  checkSignatureAnswer(yield signatureEffect(parsed, alg, jwk));
  // 4. claims
  const c = parseClaims(SecureClaimsSchema, "secure", parsed.payload);
  // 5. inner session token: §5.3 steps 1–5, and step 6 at now := the outer iat. It is the same
  // for every secure token of a session, so its signature check may come from the driver's
  // memory of an earlier success; every other step runs each time.
  let inner;
  try {
    inner = yield* serviceTokenSteps(c.tok, "session", {
      algorithms: rules.sessionAlgorithms,
      issuer: rules.issuer,
      audience: rules.audience,
      now: c.iat,
      tolerance: rules.tolerance,
      asciiText: rules.asciiText,
    }, true);
  } catch (e) {
    if (!(e instanceof DeviceSessionError)) throw e;
    throw errorFromCode("ERR_INNER_TOKEN_INVALID", `inner session token: ${e.message}`, {
      details: { cause: e.code },
      cause: e,
    });
  }
  // 6. device binding
  checkBinding(yield* thumbprintStep(jwk), inner.cnf.jkt);
  // 7. outer times
  checkTimes({
    iat: c.iat,
    exp: c.exp,
    now: rules.now,
    tolerance: rules.tolerance,
    maxLifetime: Math.min(rules.maxLifetime, MAX_LIFETIME_S.secure),
  });
  // 8. action
  checkAction(c.act, rules.action);
  // 9. single use
  const id = replayKey({ kind: "secure", issuer: inner.iss, audience: inner.aud, jti: c.jti });
  if ((yield { op: "consume", id, until: secureReplayUntil(c.exp) }) !== true) {
    throw errorFromCode("ERR_REPLAYED", "the secure token was already used");
  }
  // Built member by member: spreading the session result and overriding `kind` is much slower.
  return {
    kind: "secure",
    sessionId: inner.sub,
    deviceId: inner.did,
    clientId: inner.aud,
    jkt: inner.cnf.jkt,
    issuedAt: inner.iat,
    expiresAt: inner.exp,
    jti: inner.jti,
    action: c.act,
    secureJti: c.jti,
    secureIssuedAt: c.iat,
    secureExpiresAt: c.exp,
  };
}
