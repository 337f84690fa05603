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
export {
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "./adapters/verify/verify.ts";
export type {
  ProofVerifyOptions,
  SecureVerifyOptions,
  ServiceVerifyOptions,
  TokenVerifyOptions,
} from "./adapters/verify/options.ts";
export type {
  AccessTokenResult,
  ActionTokenResult,
  ProofResult,
  SecureTokenResult,
  SessionTokenResult,
} from "./core/token/results.ts";
export { DeviceSessionError, type ErrorCode, TokenError } from "./core/errors/mod.ts";
export type { Alg } from "./core/wire/mod.ts";
export type { VerifyCrypto } from "./adapters/crypto/types.ts";
export { webCrypto } from "./adapters/crypto/webcrypto.ts";
export { type KeySource, localKeySet } from "./adapters/keys/key-set.ts";
export type { JwksOption } from "./adapters/keys/resolve.ts";
export {
  type RemoteKeySet,
  remoteKeySet,
  type RemoteKeySetOptions,
} from "./adapters/keys/remote.ts";
export type { ReplayStore } from "./adapters/replay/types.ts";
export {
  createMemoryReplayStore,
  type MemoryReplayStore,
  type MemoryReplayStoreOptions,
} from "./adapters/replay/memory.ts";
