/**
 * Keys on the service side (signing keys, rotation, JWKS) and the verifier side (key sources:
 * a local JWKS or one fetched from a URL).
 *
 * @module
 */
export {
  exportServiceKey,
  generateServiceKey,
  importServiceKey,
  type ServiceKey,
  serviceKeyFromSigner,
} from "./service-key.ts";
export {
  createKeyring,
  DEFAULT_MAX_TOKEN_LIFETIME_S,
  type Keyring,
  keyringJwks,
  pruneKeyring,
  rotateKeyring,
} from "./keyring.ts";
export { indexJwks, type KeySource, localKeySet } from "./key-set.ts";
export {
  parseMaxAge,
  type RemoteKeySet,
  remoteKeySet,
  type RemoteKeySetOptions,
} from "./remote.ts";
