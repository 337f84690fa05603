/**
 * Crypto adapters on WebCrypto (every runtime): verification port, device keys, thumbprints,
 * minting, and the driver that runs core verification procedures. The synchronous
 * `node:crypto` implementation is in `node.ts`, imported only by Node-facing entries.
 *
 * @module
 */
export type { DeviceSigner, ServiceSigner, TokenSigner, VerifyCrypto } from "./types.ts";
export {
  exportPublicJwk,
  generateKeyPair,
  importPrivateJwk,
  keyAlgorithm,
  publicMembers,
  signAlgorithm,
  webCrypto,
  webCryptoSigner,
} from "./webcrypto.ts";
export { type DeviceKeyPair, deviceKeyPair, deviceSigner, generateDeviceKey } from "./keys.ts";
export { jwkThumbprint } from "./thumbprint.ts";
export { randomId } from "./random.ts";
export { CryptoCache, runVerify, type VerifyEnv } from "./driver.ts";
export {
  mintAccessToken,
  mintActionToken,
  mintDeviceProof,
  mintSecureSessionToken,
  mintSessionToken,
  signToken,
} from "./mint.ts";
