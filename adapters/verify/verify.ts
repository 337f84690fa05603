/**
 * The verifier of `device-session/verify` (SPEC §5): validates options, then runs the core's
 * verification procedures (`core/token/`) with WebCrypto (or the injected crypto), the key
 * source and the replay store. The service (`adapters/server/tokens.ts`) and the backend
 * middleware use these same functions; the root `verify.ts` entry only re-exports them.
 *
 * Failures of the token or the options reject with a `DeviceSessionError`; an error a port of the
 * caller's throws (crypto, key source, replay store, nonce check) is passed on unchanged: it is
 * the caller's own, and must not pass for a verdict on the token.
 *
 * @module
 */
import { errorFromCode } from "../../core/errors/mod.ts";
import {
  type AccessTokenResult,
  accessTokenSteps,
  type ActionTokenResult,
  actionTokenSteps,
  DEFAULT_ALGORITHMS,
  DEFAULT_CLOCK_TOLERANCE,
  type ProofResult,
  proofSteps,
  type SecureTokenResult,
  secureTokenSteps,
  type ServiceTokenRules,
  sessionResult,
  type SessionTokenResult,
  type VerifySteps,
} from "../../core/token/mod.ts";
import { runVerify, type VerifyEnv } from "../crypto/driver.ts";
import { runServiceToken } from "../crypto/service-token.ts";
import { webCrypto } from "../crypto/webcrypto.ts";
import { asciiTextOf } from "../crypto/ascii.ts";
import { cacheFor, keySourceFor } from "../keys/resolve.ts";
import type { ReplayStore } from "../replay/types.ts";
import {
  checkOptions,
  ProofOptions,
  type ProofVerifyOptions,
  SecureOptions,
  type SecureVerifyOptions,
  ServiceOptions,
  type ServiceVerifyOptions,
  TokenOptions,
  type TokenVerifyOptions,
} from "./options.ts";

function checkToken(token: unknown): string {
  if (typeof token !== "string") throw errorFromCode("ERR_INVALID_INPUT", "token must be a string");
  return token;
}

const clock = (now: number | undefined): number => Math.floor(now ?? Date.now() / 1000);

function rules(o: ServiceVerifyOptions, audience: string): ServiceTokenRules {
  return {
    algorithms: o.algorithms ?? DEFAULT_ALGORITHMS,
    issuer: o.issuer,
    audience,
    now: clock(o.now),
    tolerance: o.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    asciiText: asciiTextOf(o.crypto ?? webCrypto),
  };
}

// Object literals without spreads on this path: a spread copies through a slow generic path.
function envOf(o: ServiceVerifyOptions, replayStore?: ReplayStore): VerifyEnv {
  const crypto = o.crypto ?? webCrypto;
  const keys = keySourceFor(o.jwks, crypto);
  return replayStore === undefined
    ? { crypto: cacheFor(crypto), keys }
    : { crypto: cacheFor(crypto), keys, replayStore };
}

function run<T>(
  steps: VerifySteps<T>,
  o: ServiceVerifyOptions,
  replayStore?: ReplayStore,
): Promise<T> {
  return runVerify(steps, envOf(o, replayStore));
}

/** Validates options, turning a synchronous throw into a rejection like every other failure. */
function guarded<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Verifies a session token (SPEC §5.3).
 *
 * @example
 * ```ts
 * declare const token: string;
 * const issuer = "https://risk.example.com";
 * const jwks = "https://risk.example.com/.well-known/jwks.json";
 * const s = await verifySessionToken(token, { issuer, audience: "demo", jwks });
 * s.sessionId; s.deviceId; s.jkt;
 * ```
 */
export function verifySessionToken(
  token: string,
  options: TokenVerifyOptions,
): Promise<SessionTokenResult> {
  // try/catch rather than `guarded`: no closure per call on the hottest path.
  try {
    const o = checkOptions<TokenVerifyOptions>(TokenOptions, options);
    // The steps of sessionTokenSteps, run without a generator while every answer is at hand.
    return runServiceToken(
      checkToken(token),
      "session",
      rules(o, o.audience),
      envOf(o),
      sessionResult,
    );
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Verifies a secure session token (SPEC §5.4): the inner session token, the device binding,
 * the lifetime, the action, and consumes its `jti` in `replayStore` (only when everything else
 * passed, so an invalid presentation never burns a token).
 *
 * @example
 * ```ts
 * import { createMemoryReplayStore } from "../replay/memory.ts";
 * declare const token: string;
 * const issuer = "https://risk.example.com";
 * const jwks = "https://risk.example.com/.well-known/jwks.json";
 * const replayStore = createMemoryReplayStore();
 * const s = await verifySecureSessionToken(token, {
 *   issuer, audience: "demo", jwks, action: "login", replayStore,
 * });
 * ```
 */
export function verifySecureSessionToken(
  token: string,
  options: SecureVerifyOptions,
): Promise<SecureTokenResult> {
  try {
    const o = checkOptions<SecureVerifyOptions>(SecureOptions, options);
    const steps = secureTokenSteps(checkToken(token), {
      algorithms: o.algorithms ?? DEFAULT_ALGORITHMS,
      issuer: o.issuer,
      audience: o.audience,
      now: clock(o.now),
      tolerance: o.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
      asciiText: asciiTextOf(o.crypto ?? webCrypto),
      sessionAlgorithms: o.sessionAlgorithms ?? DEFAULT_ALGORITHMS,
      action: o.action,
      maxLifetime: o.maxLifetime ?? 3600,
    });
    return run(steps, o, o.replayStore);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Verifies an action token (SPEC §5.5).
 *
 * @example
 * ```ts
 * declare const actionToken: string;
 * const issuer = "https://risk.example.com";
 * const jwks = "https://risk.example.com/.well-known/jwks.json";
 * const a = await verifyActionToken(actionToken, { issuer, audience: "demo", jwks });
 * a.actionId; a.action;
 * ```
 */
export function verifyActionToken(
  token: string,
  options: TokenVerifyOptions,
): Promise<ActionTokenResult> {
  return guarded(() => {
    const o = checkOptions<TokenVerifyOptions>(TokenOptions, options);
    return run(actionTokenSteps(checkToken(token), rules(o, o.audience)), o);
  });
}

/**
 * Verifies a backend access token (SPEC §5.6): its `aud` must be the issuer itself.
 *
 * @example
 * ```ts
 * declare const bearer: string;
 * const issuer = "https://risk.example.com";
 * const jwks = "https://risk.example.com/.well-known/jwks.json";
 * const a = await verifyAccessToken(bearer, { issuer, jwks });
 * a.clientId;
 * ```
 */
export function verifyAccessToken(
  token: string,
  options: ServiceVerifyOptions,
): Promise<AccessTokenResult> {
  return guarded(() => {
    const o = checkOptions<ServiceVerifyOptions>(ServiceOptions, options);
    return run(accessTokenSteps(checkToken(token), rules(o, o.issuer)), o);
  });
}

/**
 * Verifies a device proof (SPEC §5.2) for a request, consuming its `jti` for 120 s.
 *
 * @example
 * ```ts
 * import { createMemoryReplayStore } from "../replay/memory.ts";
 * declare const req: Request;
 * declare function isNonceValid(nonce: string): Promise<boolean>;
 * const publicBase = "https://risk.example.com";
 * const replayStore = createMemoryReplayStore();
 * const p = await verifyDeviceProof(req.headers.get("DS-Proof")!, {
 *   method: "POST", url: `${publicBase}/v1/device/sessions`, isNonceValid, replayStore,
 * });
 * p.jkt;
 * ```
 */
export function verifyDeviceProof(
  token: string,
  options: ProofVerifyOptions,
): Promise<ProofResult> {
  return guarded(() => {
    const o = checkOptions<ProofVerifyOptions>(ProofOptions, options);
    const crypto = o.crypto ?? webCrypto;
    const steps = proofSteps(checkToken(token), {
      algorithms: o.algorithms ?? DEFAULT_ALGORITHMS,
      method: o.method,
      url: o.url,
      now: clock(o.now),
      ...(o.expectedJkt === undefined ? {} : { expectedJkt: o.expectedJkt }),
    });
    return runVerify(steps, {
      crypto: cacheFor(crypto),
      replayStore: o.replayStore,
      isNonceValid: o.isNonceValid,
    });
  });
}
