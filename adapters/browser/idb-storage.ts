/**
 * The browser's storage port on IndexedDB: one database, one object store of key → value
 * (structured clone, so it can also hold CryptoKeys). Falls back to memory when IndexedDB is
 * missing or refuses to open (private modes), and says so.
 *
 * @module
 */
import type { Storage } from "../ports.ts";

const STORE = "kv";

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Key-value storage in IndexedDB.
 *
 * @example
 * ```ts
 * const storage = new IdbStorage({ name: "device-session-kv" });
 * await storage.set("k", { a: 1 });
 * ```
 */
export class IdbStorage implements Storage {
  readonly #name: string;
  readonly #idb: IDBFactory | undefined;
  #db: Promise<IDBDatabase | null> | null = null;
  readonly #memory = new Map<string, unknown>();
  /** `false` once IndexedDB proved unusable; values then live in memory only. */
  persistent = true;

  constructor(o: { name?: string; indexedDB?: IDBFactory } = {}) {
    this.#name = o.name ?? "device-session-kv";
    this.#idb = o.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  }

  #open(): Promise<IDBDatabase | null> {
    this.#db ??= (async () => {
      if (this.#idb === undefined) return null;
      try {
        const open = this.#idb.open(this.#name, 1);
        open.onupgradeneeded = () => open.result.createObjectStore(STORE);
        return await request(open);
      } catch {
        return null;
      }
    })().then((db) => {
      if (db === null) this.persistent = false;
      return db;
    });
    return this.#db;
  }

  async get(key: string): Promise<unknown> {
    const db = await this.#open();
    if (db === null) return this.#memory.get(key) ?? null;
    const v = await request(db.transaction(STORE, "readonly").objectStore(STORE).get(key));
    return v ?? null;
  }

  async set(key: string, value: unknown): Promise<void> {
    const db = await this.#open();
    if (db === null) {
      this.#memory.set(key, value);
      return;
    }
    const tx = db.transaction(STORE, "readwrite");
    tx.objectStore(STORE).put(value, key);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}
