/**
 * The storage port on files, for Node, Bun and Deno (all three speak `node:fs`): one JSON file
 * per key in a directory, written atomically (temp file + rename) with mode 0600, so a crash
 * mid-write never leaves a half file. A corrupt file reads as absent (its contents are
 * untrusted input anyway) and is moved aside.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Storage } from "../ports.ts";

/**
 * File-backed storage.
 *
 * @example
 * ```ts
 * declare const snapshot: unknown; // any JSON value
 * const storage = new FileStorage({ dir: ".device-session" });
 * await storage.set("device-session:demo:queue", snapshot);
 * ```
 */
export class FileStorage implements Storage {
  readonly dir: string;
  #ready: Promise<unknown> | null = null;
  // Writes to one key are serialized so an older snapshot never overwrites a newer one.
  #chains = new Map<string, Promise<void>>();

  constructor(o: { dir: string }) {
    this.dir = o.dir;
  }

  #file(key: string): string {
    return join(this.dir, `${key.replace(/[^A-Za-z0-9._-]/g, "_")}.json`);
  }

  async get(key: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.#file(key), "utf8");
    } catch {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch {
      await rename(this.#file(key), `${this.#file(key)}.corrupt`).catch(() => {});
      return null;
    }
  }

  set(key: string, value: unknown): Promise<void> {
    const prev = this.#chains.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.#write(key, value), () => this.#write(key, value));
    this.#chains.set(key, next);
    return next;
  }

  async #write(key: string, value: unknown): Promise<void> {
    this.#ready ??= mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.#ready;
    const file = this.#file(key);
    const tmp = `${file}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, JSON.stringify(value), { mode: 0o600 });
    await rename(tmp, file);
  }
}
