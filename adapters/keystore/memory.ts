/**
 * Memory device key store: the key pair lives in process memory only (assurance `ephemeral`).
 * For tests, short-lived processes, and the fallback when nothing can persist a key.
 *
 * @module
 */
import type { KeyAssurance } from "../../core/wire/mod.ts";
import type { DeviceKeyRecord, DeviceKeyStore } from "./types.ts";

/**
 * A device key store in memory; `assurance` defaults to `ephemeral` (an injected custom store
 * that claims persistence would report `persistent-custom`).
 *
 * @example
 * ```ts
 * import { keyPort } from "./port.ts";
 * const keys = keyPort(createMemoryDeviceKeyStore());
 * ```
 */
export function createMemoryDeviceKeyStore(
  options: { readonly assurance?: KeyAssurance } = {},
): DeviceKeyStore {
  const assurance = options.assurance ?? "ephemeral";
  let record: DeviceKeyRecord | null = null;
  return {
    load: () => Promise.resolve(record),
    save(key) {
      record = { key, assurance };
      return Promise.resolve(assurance);
    },
    delete() {
      record = null;
      return Promise.resolve();
    },
  };
}
