/**
 * Port implementations on web-standard globals, shared by every runtime entry: the system
 * clock, `crypto.getRandomValues` and `setTimeout` timers (from `ports-time.ts`), WebCrypto
 * signers (`signer.ts`) and an in-memory WebCrypto key store.
 *
 * @module
 */
import { generateDeviceKey } from "../crypto/keys.ts";
import type { KeyStore, Signer } from "../ports.ts";
import { signerFor } from "./signer.ts";

export { systemClock, timerScheduler, webRandom } from "./ports-time.ts";
export { signerFor } from "./signer.ts";

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
