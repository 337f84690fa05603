/**
 * In-memory storage port (tests, and runtimes with nothing persistent).
 *
 * @module
 */
import type { Storage } from "../ports.ts";

/**
 * Keeps values in a Map, cloned on the way in and out like a real store would serialize them.
 *
 * @example
 * ```ts
 * const storage = new MemoryStorage();
 * await storage.set("k", { a: 1 });
 * ```
 */
export class MemoryStorage implements Storage {
  readonly map: Map<string, string> = new Map();

  get(key: string): Promise<unknown> {
    const v = this.map.get(key);
    return Promise.resolve(v === undefined ? null : JSON.parse(v));
  }

  set(key: string, value: unknown): Promise<void> {
    this.map.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}
