/**
 * The one path from a device key store to the driver's key port (SPEC §3.2, §9.8): load the
 * stored key, or create one; when what is stored is unusable (`ERR_KEY_STORE`, and only then)
 * discard it so the driver creates a new key, which the machine reports as `key_event: "lost"`.
 * Every runtime entry (browser, Node, Bun, Deno) ships this function, and the key-store tests
 * run it.
 *
 * @module
 */
import { DeviceSessionError, errorOf } from "../../core/errors/mod.ts";
import type { Alg } from "../../core/wire/mod.ts";
import { generateDeviceKey } from "../crypto/keys.ts";
import type { KeyStore, Signer } from "../ports.ts";
import { signerFor } from "../sdk/signer.ts";
import type { DeviceKeyStore } from "./types.ts";

/** Options of {@link keyPort}. */
export interface KeyPortOptions {
  /** Algorithm of new keys: `"auto"` (default) is Ed25519 where available, else ES256. */
  readonly alg?: Alg | "auto";
}

const isKeyStoreError = (e: unknown): boolean =>
  e instanceof DeviceSessionError && e.code === "ERR_KEY_STORE";

/** A store's failure as a typed error: its own `DeviceSessionError`, else `ERR_INTERNAL`. */
const typed = (e: unknown, what: string): DeviceSessionError =>
  e instanceof DeviceSessionError ? e : errorOf("ERR_INTERNAL", `key store ${what} failed`, {
    cause: e,
  });

/**
 * The driver's key port (`Ports.keys`) over a device key store.
 *
 * - `load`: the stored key's signer, or `null` when none is stored. A store's `ERR_KEY_STORE`
 *   (unusable contents) discards the record and answers `null`; any other failure rejects,
 *   typed, and nothing is discarded.
 * - `generate`: a new non-extractable key, saved. A store that needs an extractable key to
 *   write it (the file store) must read it back non-extractable, or `generate` rejects with
 *   `ERR_KEY_STORE`: it never signs with an extractable key.
 *
 * @example
 * ```ts
 * import { createIndexedDbKeyStore } from "./indexeddb.ts";
 * const keys = keyPort(createIndexedDbKeyStore({ name: "demo" }));
 * const signer = (await keys.load()) ?? (await keys.generate());
 * ```
 */
export function keyPort(store: DeviceKeyStore, options: KeyPortOptions = {}): KeyStore {
  return {
    async load(): Promise<Signer | null> {
      let record;
      try {
        record = await store.load();
      } catch (e) {
        if (!isKeyStoreError(e)) throw typed(e, "load");
        // Corrupt, foreign or tampered: move it aside; the driver creates a new key (SPEC §9.8).
        await (store.discard ?? store.delete).call(store).catch((d) => {
          throw typed(d, "discard");
        });
        return null;
      }
      return record === null ? null : signerFor(record.key, record.assurance);
    },

    async generate(): Promise<Signer> {
      const extractable = store.needsExtractableKey === true;
      const key = await generateDeviceKey({ alg: options.alg ?? "auto", extractable });
      const assurance = await store.save(key).catch((e) => {
        throw typed(e, "save");
      });
      if (!extractable) return signerFor(key, assurance);
      // Sign with the stored copy, re-imported non-extractable; the exportable one is dropped.
      const stored = await store.load().catch((e) => {
        throw typed(e, "load");
      });
      if (stored === null || stored.key.jkt !== key.jkt || stored.key.privateKey.extractable) {
        throw errorOf("ERR_KEY_STORE", "the saved key does not read back non-extractable");
      }
      return signerFor(stored.key, stored.assurance);
    },
  };
}
