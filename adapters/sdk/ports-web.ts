/**
 * Port implementations on web-standard globals, shared by every runtime entry: the system
 * clock, `crypto.getRandomValues`, `setTimeout` timers, and an in-memory WebCrypto key store.
 *
 * @module
 */
import { deviceSigner, generateDeviceKey } from "../crypto/keys.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";
import type { KeyAssurance } from "../../core/wire/primitives.ts";
import type { Clock, KeyStore, Random, Scheduler, Signer } from "../ports.ts";

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** `crypto.getRandomValues`. */
export const webRandom: Random = {
  bytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
};

// setTimeout's delay is a signed 32-bit integer: longer waits are chained.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Timers on `setTimeout`. `unref` (Node, Bun, Deno) keeps background refreshes from holding a
 * process open.
 *
 * @example
 * ```ts
 * const scheduler = timerScheduler({ unref: (t) => (t as { unref?: () => void }).unref?.() });
 * ```
 */
export function timerScheduler(o: { unref?: (timer: unknown) => void } = {}): Scheduler {
  return {
    set(at, fn) {
      const handle: { t: unknown } = { t: null };
      const arm = () => {
        const delay = Math.min(MAX_DELAY, Math.max(0, at - Date.now()));
        handle.t = setTimeout(() => (Date.now() >= at ? fn() : arm()), delay);
        o.unref?.(handle.t);
      };
      arm();
      return handle;
    },
    clear(handle) {
      const h = handle as { t: ReturnType<typeof setTimeout> } | null;
      if (h !== null) clearTimeout(h.t);
    },
  };
}

/**
 * A signer for the driver from a WebCrypto device key pair.
 *
 * @example
 * ```ts
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
