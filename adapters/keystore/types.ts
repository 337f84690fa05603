/**
 * The device key store (SPEC §3.2, §3.4, §9.8): where a device keeps its key pair between runs,
 * and how well it holds it (`KeyAssurance`). Not to be confused with the driver's key port
 * (`KeyStore` in `adapters/ports.ts`), which hands out signers: `keyPort` turns a
 * {@link DeviceKeyStore} into one.
 *
 * @module
 */
import type { KeyAssurance } from "../../core/wire/mod.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";

/** What a device key store holds: the key pair and how it is held. */
export interface DeviceKeyRecord {
  readonly key: DeviceKeyPair;
  /** How the key is held (SPEC §3.4). */
  readonly assurance: KeyAssurance;
}

/**
 * A device key store (IndexedDB, file, memory, or your own). The device id is not the store's
 * business: the session remembers it in its storage.
 *
 * - `load` answers the stored record, or `null` when nothing is stored. When something is
 *   stored but unusable (corrupt, foreign, tampered, wrong permissions) it throws
 *   `ERR_KEY_STORE`; it never crashes on bad contents. Recovery is `keyPort`'s: only on
 *   `ERR_KEY_STORE` it discards the record and creates a new key, which the session reports as
 *   `key_event: "lost"` (SPEC §9.8).
 * - `save` stores a key and answers the assurance actually achieved, which may be `ephemeral`
 *   when the platform refuses to persist a key.
 * - `delete` forgets the key.
 *
 * @example
 * ```ts
 * import { createIndexedDbKeyStore } from "./indexeddb.ts";
 * import { keyPort } from "./port.ts";
 * const store: DeviceKeyStore = createIndexedDbKeyStore({ name: "demo" });
 * const keys = keyPort(store); // the `keys` port of `Ports`
 * ```
 */
export interface DeviceKeyStore {
  load(): Promise<DeviceKeyRecord | null>;
  save(key: DeviceKeyPair): Promise<KeyAssurance>;
  delete(): Promise<void>;
  /**
   * Moves an unusable record out of the way (default: `delete`). The file store renames the
   * file aside so it can be inspected.
   */
  discard?(): Promise<void>;
  /**
   * Whether new keys for this store must be generated extractable (the file store has to write
   * the private key; it re-imports it non-extractable on `load`, and `keyPort` signs with that
   * re-imported copy only).
   */
  readonly needsExtractableKey?: boolean;
}
