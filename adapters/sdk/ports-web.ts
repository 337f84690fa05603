/**
 * Port implementations on web-standard globals, shared by every runtime entry: the system
 * clock, `crypto.getRandomValues` and `setTimeout` timers (from `ports-time.ts`), WebCrypto
 * signers and an in-memory WebCrypto key store.
 *
 * @module
 */
import { deviceSigner, generateDeviceKey } from "../crypto/keys.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";
import type { KeyAssurance } from "../../core/wire/primitives.ts";
import type { KeyStore, Signer } from "../ports.ts";

export { systemClock, timerScheduler, webRandom } from "./ports-time.ts";

/**
 * A signer for the driver from a WebCrypto device key pair.
 *
 * @example
 * ```ts
 * import { generateDeviceKey } from "../crypto/keys.ts";
 * const signer = signerFor(await generateDeviceKey(), "ephemeral");
 * ```
 */
export function signerFor(key: DeviceKeyPair, assurance: KeyAssurance): Signer {
  const s = deviceSigner(key);
  const encoder = new TextEncoder();
  return {
    info: { alg: key.alg, jwk: key.jwk, jkt: key.jkt, assurance },
    sign: async (input) => await s.sign(encoder.encode(input)),
  };
}

/**
 * A key store that keeps a non-extractable key in memory only (SPEC §3.4 `ephemeral`): for
 * custom runtimes without persistent storage, and the browser's fallback when IndexedDB
 * cannot hold a CryptoKey.
 *
 * @example
 * ```ts
 * const keys = new MemoryKeyStore();
 * ```
 */
export class MemoryKeyStore implements KeyStore {
  #signer: Signer | null = null;

  load(): Promise<Signer | null> {
    return Promise.resolve(this.#signer);
  }

  async generate(): Promise<Signer> {
    this.#signer = signerFor(await generateDeviceKey(), "ephemeral");
    return this.#signer;
  }
}
