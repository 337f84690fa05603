/**
 * Binds a device key store (`adapters/keystore/`: IndexedDB, file, memory) to the driver's
 * key port: load or create the key, and recover from an unusable record by discarding it and
 * creating a new key — which the machine reports as `key_event: "lost"` (SPEC §9.8).
 *
 * @module
 */
import { generateDeviceKey } from "../crypto/keys.ts";
import type { KeyStore as RecordStore } from "../keystore/types.ts";
import type { KeyStore, Signer } from "../ports.ts";
import { signerFor } from "./ports-web.ts";

/**
 * The driver's key port over a record key store.
 *
 * @example
 * ```ts
 * const keys = keyPort(createIndexedDbKeyStore());
 * ```
 */
export function keyPort(store: RecordStore): KeyStore {
  return {
    async load(): Promise<Signer | null> {
      try {
        const rec = await store.load();
        return rec === null ? null : signerFor(rec.key, rec.assurance);
      } catch {
        // Corrupt or foreign: move it aside; the driver then generates a new key (SPEC §9.8).
        await (store.discard?.() ?? store.delete()).catch(() => {});
        return null;
      }
    },
    async generate(): Promise<Signer> {
      const key = await generateDeviceKey({ extractable: store.needsExtractableKey === true });
      const assurance = await store.save({ key, deviceId: null });
      if (store.needsExtractableKey === true) {
        // The file store had to write the private key; use its non-extractable re-import.
        const rec = await store.load();
        if (rec !== null) return signerFor(rec.key, rec.assurance);
      }
      return signerFor(key, assurance);
    },
  };
}
