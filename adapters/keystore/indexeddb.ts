/**
 * Browser key store: the device key pair as **non-extractable** CryptoKeys in IndexedDB
 * (assurance `persistent-nonextractable`). When the platform cannot store a CryptoKey — no
 * IndexedDB, or `DataCloneError` in some private modes — it keeps the key in memory only and
 * reports `ephemeral` (SPEC §3.4). It never stores an extractable private key.
 *
 * @module
 */
import { errorOf } from "../../core/errors/mod.ts";
import type { Alg, KeyAssurance } from "../../core/wire/mod.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";
import { checkKeyPair } from "./check.ts";
import type { DeviceKeyRecord, DeviceKeyStore } from "./types.ts";

/** Options of {@link createIndexedDbKeyStore}. */
export interface IndexedDbKeyStoreOptions {
  /** Database name (default `"device-session"`). */
  readonly database?: string;
  /** Record name, e.g. the client id (default `"device"`). */
  readonly name?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`; tests inject a fake). */
  readonly indexedDB?: IDBFactory;
}

const STORE = "keys";

interface StoredRecord {
  v: 1;
  alg: Alg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

function openDb(factory: IDBFactory | undefined, name: string): Promise<IDBDatabase | null> {
  if (factory === undefined) return Promise.resolve(null);
  return new Promise((resolve) => {
    let r: IDBOpenDBRequest;
    try {
      r = factory.open(name, 1);
    } catch {
      return resolve(null); // e.g. SecurityError on opaque origins
    }
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => {
      const db = r.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    r.onerror = () => resolve(null);
  });
}

/**
 * A key store in IndexedDB.
 *
 * @example
 * ```ts
 * import { keyPort } from "./port.ts";
 * const keys = keyPort(createIndexedDbKeyStore({ name: "demo" }));
 * const signer = (await keys.load()) ?? (await keys.generate());
 * signer.info.assurance; // "persistent-nonextractable" or "ephemeral"
 * ```
 */
export function createIndexedDbKeyStore(
  options: IndexedDbKeyStoreOptions = {},
): DeviceKeyStore {
  const name = options.name ?? "device";
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  let db: Promise<IDBDatabase | null> | null = null;
  // Once the platform refused a CryptoKey, this instance keeps keys in memory only.
  let ephemeral = false;
  let memory: DeviceKeyRecord | null = null;
  const database = (): Promise<IDBDatabase | null> =>
    db ??= openDb(factory, options.database ?? "device-session");

  return {
    async load(): Promise<DeviceKeyRecord | null> {
      const handle = ephemeral ? null : await database();
      if (handle === null) return memory;
      let value: unknown;
      try {
        value = await request(handle.transaction(STORE, "readonly").objectStore(STORE).get(name));
      } catch (e) {
        throw errorOf("ERR_KEY_STORE", "IndexedDB read failed", { cause: e });
      }
      if (value === undefined) return null;
      return await toRecord(value);
    },

    async save(key: DeviceKeyPair): Promise<KeyAssurance> {
      if (key.privateKey.extractable) {
        throw errorOf(
          "ERR_INVALID_INPUT",
          "a browser never stores an extractable private key",
        );
      }
      const handle = ephemeral ? null : await database();
      if (handle !== null) {
        const record: StoredRecord = {
          v: 1,
          alg: key.alg,
          privateKey: key.privateKey,
          publicKey: key.publicKey,
        };
        try {
          const tx = handle.transaction(STORE, "readwrite");
          tx.objectStore(STORE).put(record, name); // DataCloneError is thrown right here
          await done(tx);
          return "persistent-nonextractable";
        } catch {
          // DataCloneError (private modes), quota, closed database: the key cannot persist.
          ephemeral = true;
        }
      }
      memory = { key, assurance: "ephemeral" };
      return "ephemeral";
    },

    async delete(): Promise<void> {
      memory = null;
      const handle = ephemeral ? null : await database();
      if (handle === null) return;
      try {
        const tx = handle.transaction(STORE, "readwrite");
        tx.objectStore(STORE).delete(name);
        await done(tx);
      } catch (e) {
        throw errorOf("ERR_KEY_STORE", "IndexedDB delete failed", { cause: e });
      }
    },
  };
}

async function toRecord(value: unknown): Promise<DeviceKeyRecord> {
  const v = value as Partial<StoredRecord> | null;
  const unusable = (reason: string) =>
    errorOf("ERR_KEY_STORE", `stored device key unusable: ${reason}`, { details: { reason } });
  if (typeof v !== "object" || v === null || v.v !== 1) throw unusable("unknown record format");
  if (v.alg !== "EdDSA" && v.alg !== "ES256") throw unusable("unknown algorithm");
  if ((v.privateKey as CryptoKey | undefined)?.extractable !== false) {
    throw unusable("the private key is extractable");
  }
  const pair = await checkKeyPair(v.alg, v.privateKey, v.publicKey);
  if (typeof pair === "string") throw unusable(pair);
  return { key: pair, assurance: "persistent-nonextractable" };
}
