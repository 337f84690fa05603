/**
 * The device key store port (SPEC §3.2, §3.4, §9.8): where a device keeps its key pair and
 * device id between runs, and how well it holds them (`KeyAssurance`).
 *
 * @module
 */
import type { KeyAssurance } from "../../core/wire/mod.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";

/** What a key store holds: the device key pair, the device id (once assigned), the assurance. */
export interface DeviceKeyRecord {
  readonly key: DeviceKeyPair;
  /** The id the service assigned to this device, or `null` before the first session. */
  readonly deviceId: string | null;
  /** How the key is held (SPEC §3.4). */
  readonly assurance: KeyAssurance;
}

/**
 * A device key store.
 *
 * - `load` answers the stored record, or `null` when nothing is stored. When something is
 *   stored but unusable (corrupt, foreign, tampered, wrong permissions) it throws
 *   `ERR_KEY_STORE`, with `details.deviceId` when the device id could still be read. It never
 *   crashes on bad contents. Recovery is the caller's: `openDeviceKey` discards the record,
 *   generates a new key and reports `key_event: "lost"` (SPEC §9.8).
 * - `save` stores a key (and device id) and answers the assurance actually achieved, which may
 *   be `ephemeral` when the platform refuses to persist a key.
 * - `delete` forgets everything.
 *
 * @example
 * ```ts
 * const store: KeyStore = createMemoryKeyStore();
 * const { key, keyEvent } = await openDeviceKey(store);
 * ```
 */
export interface KeyStore {
  load(): Promise<DeviceKeyRecord | null>;
  save(
    entry: { readonly key: DeviceKeyPair; readonly deviceId: string | null },
  ): Promise<KeyAssurance>;
  delete(): Promise<void>;
  /**
   * Moves an unusable record out of the way (default: `delete`). The file store renames the
   * file aside so it can be inspected.
   */
  discard?(): Promise<void>;
  /**
   * Whether new keys for this store must be generated extractable (the file store has to write
   * the private key; it re-imports it non-extractable on `load`).
   */
  readonly needsExtractableKey?: boolean;
}
