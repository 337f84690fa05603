/**
 * `device-session/verify`: verify device-session tokens locally on a backend (SPEC §5), with
 * no call to the service: session tokens, secure session tokens (device binding, action
 * binding, expiry, single use), action and access tokens, and device proofs.
 *
 * Every failure is a `TokenError` whose `code` is the one SPEC §5 assigns to the first failing
 * step; invalid options are `ERR_INVALID_INPUT`; a JWKS that cannot be fetched is
 * `ERR_NETWORK`/`ERR_SERVICE`.
 *
 * @example
 * ```ts
 * import { createMemoryReplayStore, verifySecureSessionToken } from "device-session/verify";
 * declare const token: string; // from the request's DS-Secure-Session-Token header
 *
 * const replayStore = createMemoryReplayStore();
 * const result = await verifySecureSessionToken(token, {
 *   issuer: "https://risk.example.com",
 *   audience: "demo",
 *   jwks: "https://risk.example.com/.well-known/jwks.json",
 *   action: "transaction",
 *   replayStore,
 * });
 * result.deviceId; // "d_…"
 * ```
 *
 * @module
 */
import * as v from "valibot";
import { errorFromCode } from "./core/errors/mod.ts";
import {
  ActionType,
  type Alg,
  AlgSchema,
  ClientId,
  parseOrThrow,
  Thumbprint,
} from "./core/wire/mod.ts";
import {
  type AccessTokenResult,
  accessTokenSteps,
  type ActionTokenResult,
  actionTokenSteps,
  DEFAULT_ALGORITHMS,
  DEFAULT_CLOCK_TOLERANCE,
  MAX_CLOCK_TOLERANCE,
  type ProofResult,
  proofSteps,
  type SecureTokenResult,
  secureTokenSteps,
  type ServiceTokenRules,
  type SessionTokenResult,
  sessionTokenSteps,
  type VerifySteps,
} from "./core/token/mod.ts";
import { runVerify } from "./adapters/crypto/driver.ts";
import type { VerifyCrypto } from "./adapters/crypto/types.ts";
import { webCrypto } from "./adapters/crypto/webcrypto.ts";
import type { KeySource } from "./adapters/keys/key-set.ts";
import { cacheFor, type JwksOption, keySourceFor } from "./adapters/keys/resolve.ts";
import type { ReplayStore } from "./adapters/replay/types.ts";

export type {
  AccessTokenResult,
  ActionTokenResult,
  ProofResult,
  SecureTokenResult,
  SessionTokenResult,
};
export { DeviceSessionError, type ErrorCode, TokenError } from "./core/errors/mod.ts";
export type { JwksOption, KeySource, ReplayStore, VerifyCrypto };
export { localKeySet } from "./adapters/keys/key-set.ts";
export {
  type RemoteKeySet,
  remoteKeySet,
  type RemoteKeySetOptions,
} from "./adapters/keys/remote.ts";
export {
  createMemoryReplayStore,
  type MemoryReplayStore,
  type MemoryReplayStoreOptions,
} from "./adapters/replay/memory.ts";
export { webCrypto } from "./adapters/crypto/webcrypto.ts";

/** Options shared by the verify functions of service-signed tokens. */
export interface ServiceVerifyOptions {
  /** Expected `iss`: the service's issuer URL. */
  issuer: string;
  /** The service's keys: a JWKS object, its URL (fetched and cached), or a {@link KeySource}. */
  jwks: JwksOption;
  /** Allow-list of `alg` for the token (default `["EdDSA", "ES256"]`). */
  algorithms?: readonly Alg[];
  /** Verifier time in epoch seconds (default: the system clock). */
  now?: number;
  /** Clock tolerance in seconds, 0–300 (default 30). */
  clockTolerance?: number;
  /** Crypto implementation (default WebCrypto; on Node, `nodeCrypto` is faster). */
  crypto?: VerifyCrypto;
}

/** Options of {@link verifySessionToken} and {@link verifyActionToken}. */
export interface TokenVerifyOptions extends ServiceVerifyOptions {
  /** Expected `aud`: your client id. */
  audience: string;
}

/** Options of {@link verifySecureSessionToken}. */
export interface SecureVerifyOptions extends TokenVerifyOptions {
  /** The action type the token must be bound to, e.g. `"login"`. */
  action: string;
  /** Where consumed `jti`s are remembered (single use, SPEC §5.7). */
  replayStore: ReplayStore;
  /** Largest `exp − iat` accepted, 1–3600 s (default 3600). */
  maxLifetime?: number;
  /** Allow-list of the inner session token's `alg` (default `["EdDSA", "ES256"]`). */
  sessionAlgorithms?: readonly Alg[];
}

/** Options of {@link verifyDeviceProof} (the service side of SPEC §5.2). */
export interface ProofVerifyOptions {
  /** The request method. */
  method: string;
  /** The request URL as the service's configured public base URL sees it (§5.2.1). */
  url: string;
  /** Whether a nonce is one the service issued within the last 300 s. */
  isNonceValid: (nonce: string) => boolean | Promise<boolean>;
  /** Where consumed proof `jti`s are remembered (120 s). */
  replayStore: ReplayStore;
  /** For a refresh: the jkt registered for the session. */
  expectedJkt?: string;
  /** Allow-list of the proof's `alg` (default `["EdDSA", "ES256"]`). */
  algorithms?: readonly Alg[];
  /** Service time in epoch seconds (default: the system clock). */
  now?: number;
  crypto?: VerifyCrypto;
}

const isFn = (name: string) =>
  v.custom<never>((x) => typeof x === "function", `${name} must be a function`);
const hasMethods = (...names: string[]) =>
  v.custom<never>(
    (x) =>
      typeof x === "object" && x !== null &&
      names.every((n) => typeof (x as Record<string, unknown>)[n] === "function"),
    `an object with ${names.join(", ")}`,
  );
const Algs = v.optional(v.pipe(v.array(AlgSchema), v.minLength(1)));
const Now = v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)));
const ServiceShape = {
  issuer: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  // v.custom keeps the caller's object (the key-source cache is keyed on it).
  jwks: v.custom<never>(
    (x) =>
      typeof x === "string" || x instanceof URL ||
      (typeof x === "object" && x !== null &&
        (typeof (x as KeySource).getKey === "function" ||
          Array.isArray((x as { keys?: unknown }).keys))),
    "a JWKS object, its URL, or a key source",
  ),
  algorithms: Algs,
  now: Now,
  clockTolerance: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CLOCK_TOLERANCE)),
  ),
  crypto: v.optional(hasMethods("importKey", "verify", "sha256")),
};
const ServiceOptions = v.object(ServiceShape);
const TokenOptions = v.object({ ...ServiceShape, audience: ClientId });
const SecureOptions = v.object({
  ...ServiceShape,
  audience: ClientId,
  action: ActionType,
  replayStore: hasMethods("consume"),
  maxLifetime: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))),
  sessionAlgorithms: Algs,
});
const ProofOptions = v.object({
  method: v.picklist(["GET", "POST", "PUT", "DELETE", "PATCH"]),
  url: v.string(),
  isNonceValid: isFn("isNonceValid"),
  replayStore: hasMethods("consume"),
  expectedJkt: v.optional(Thumbprint),
  algorithms: Algs,
  now: Now,
  crypto: v.optional(hasMethods("importKey", "verify", "sha256")),
});

// Options are usually one object passed on every call: its validated form is remembered, keyed
// by the object, with a snapshot of its members (arrays copied) that must still match — an
// object changed since is validated again. Validating costs as much as the claims checks.
const validated = new WeakMap<object, { schema: unknown; snapshot: unknown[]; output: unknown }>();
const snapshotOf = (o: object): unknown[] =>
  Object.entries(o).flatMap(([k, v]) => [k, Array.isArray(v) ? [...v] : v]);
function sameSnapshot(o: object, snap: unknown[]): boolean {
  let i = 0;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const a = (o as Record<string, unknown>)[k], b = snap[i + 1];
    if (snap[i] !== k) return false;
    i += 2;
    if (a === b) continue;
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  }
  return i === snap.length;
}
function checkOptions<T>(schema: v.GenericSchema<unknown>, options: unknown): T {
  const key = typeof options === "object" && options !== null ? options : null;
  const hit = key === null ? undefined : validated.get(key);
  if (hit !== undefined && hit.schema === schema && sameSnapshot(key!, hit.snapshot)) {
    return hit.output as T;
  }
  const output = parseOrThrow(schema, options, "ERR_INVALID_INPUT");
  if (key !== null) validated.set(key, { schema, snapshot: snapshotOf(key), output });
  return output as T;
}

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
  };
}

function run<T>(steps: VerifySteps<T>, o: ServiceVerifyOptions, extra: object = {}): Promise<T> {
  const crypto = o.crypto ?? webCrypto;
  return runVerify(steps, {
    crypto: cacheFor(crypto),
    keys: keySourceFor(o.jwks, crypto),
    ...extra,
  });
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
    return run(sessionTokenSteps(checkToken(token), rules(o, o.audience)), o);
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
 * declare const token: string;
 * const issuer = "https://risk.example.com";
 * const jwks = "https://risk.example.com/.well-known/jwks.json";
 * const replayStore = createMemoryReplayStore(); // one per process, or a shared one
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
      ...rules(o, o.audience),
      sessionAlgorithms: o.sessionAlgorithms ?? DEFAULT_ALGORITHMS,
      action: o.action,
      maxLifetime: o.maxLifetime ?? 3600,
    });
    return run(steps, o, { replayStore: o.replayStore });
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
 * declare const req: Request;
 * declare const isNonceValid: (nonce: string) => boolean;
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
