/**
 * Memory key store: the key pair lives in process memory only (assurance `ephemeral`). For
 * tests, short-lived processes, and the fallback when nothing can persist a key.
 *
 * @module
 */
import type { KeyAssurance } from "../../core/wire/mod.ts";
import type { DeviceKeyRecord, KeyStore } from "./types.ts";

/**
 * A key store in memory; `assurance` defaults to `ephemeral` (an injected custom store that
 * claims persistence would report `persistent-custom`).
 *
 * @example
 * ```ts
 * const store = createMemoryKeyStore();
 * ```
 */
export function createMemoryKeyStore(
  options: { readonly assurance?: KeyAssurance } = {},
): KeyStore {
  const assurance = options.assurance ?? "ephemeral";
  let record: DeviceKeyRecord | null = null;
  return {
    load: () => Promise.resolve(record),
    save(entry) {
      record = { key: entry.key, deviceId: entry.deviceId, assurance };
      return Promise.resolve(assurance);
    },
    delete() {
      record = null;
      return Promise.resolve();
    },
  };
}
