/**
 * Opening the device key at start (SPEC §9.8): load it, or create one, or — when what is
 * stored is unusable — discard it and create a new one, reporting `key_event: "lost"`.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import type { Alg } from "../../core/wire/mod.ts";
import { generateDeviceKey } from "../crypto/keys.ts";
import type { DeviceKeyRecord, KeyStore } from "./types.ts";

/** The device key at start, and what happened to get it (the `key_event` of SPEC §6.2). */
export interface OpenedDeviceKey extends DeviceKeyRecord {
  /** `none`: loaded; `created`: first key of this install; `lost`: the stored one was unusable. */
  readonly keyEvent: "none" | "created" | "lost";
  /** Why the stored key was unusable (`ERR_KEY_STORE`), for logs; `null` otherwise. */
  readonly problem: DeviceSessionError | null;
}

/**
 * Loads the device key from `store`, creating it when missing. An `ERR_KEY_STORE` from `load`
 * (corrupt or foreign contents) is recovered from: the record is discarded, a new key is created
 * under the old device id when readable, and `keyEvent` is `lost`. Errors of `save` (e.g. a
 * read-only directory) propagate as `ERR_KEY_STORE`.
 *
 * @example
 * ```ts
 * const opened = await openDeviceKey(createIndexedDbKeyStore({ name: clientId }));
 * // opened.key, opened.deviceId, opened.assurance, opened.keyEvent
 * ```
 */
export async function openDeviceKey(
  store: KeyStore,
  options: { readonly alg?: Alg | "auto" } = {},
): Promise<OpenedDeviceKey> {
  let problem: DeviceSessionError | null = null;
  let deviceId: string | null = null;
  try {
    const record = await store.load();
    if (record !== null) return { ...record, keyEvent: "none", problem: null };
  } catch (e) {
    if (!(e instanceof DeviceSessionError) || e.code !== "ERR_KEY_STORE") throw e;
    problem = e;
    const id = e.details?.deviceId;
    deviceId = typeof id === "string" ? id : null;
    await (store.discard ?? store.delete).call(store);
  }
  const extractable = store.needsExtractableKey === true;
  let key = await generateDeviceKey({ alg: options.alg ?? "auto", extractable });
  const assurance = await store.save({ key, deviceId });
  if (extractable) {
    // Use the stored copy, re-imported non-extractable: the exportable one goes out of scope.
    const stored = await store.load();
    if (stored === null || stored.key.jkt !== key.jkt) {
      throw new DeviceSessionError("ERR_KEY_STORE", "the saved key does not read back");
    }
    key = stored.key;
  }
  return { key, deviceId, assurance, keyEvent: problem === null ? "created" : "lost", problem };
}

/**
 * Records the device id the service assigned (after the first session create).
 *
 * @example
 * ```ts
 * await rememberDeviceId(store, opened, response.device_id);
 * ```
 */
export async function rememberDeviceId(
  store: KeyStore,
  record: Pick<DeviceKeyRecord, "key">,
  deviceId: string,
): Promise<void> {
  await store.save({ key: record.key, deviceId });
}
