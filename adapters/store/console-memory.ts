/**
 * The {@link ConsoleStore} of one process (the memory store's): maps pruned on access, so a
 * console that nobody reads still forgets what expired when the next write comes.
 *
 * @module
 */
import {
  BUCKET_TTL_MS,
  bucketStarts,
  type ConsoleBucket,
  type ConsoleList,
  type ConsoleStore,
  MAX_FIELDS_PER_BUCKET,
  type Resolution,
  RESOLUTIONS,
} from "./console.ts";

interface Bucket {
  readonly counts: Map<string, number>;
  readonly expiresAtMs: number;
}

interface Entry {
  readonly atMs: number;
  readonly text: string;
}

/**
 * Console data in memory.
 *
 * @example
 * ```ts
 * const c = new MemoryConsoleStore(Date.now);
 * await c.count("shop", Date.now(), { "sessions.created": 1 });
 * ```
 */
export class MemoryConsoleStore implements ConsoleStore {
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #lists = new Map<string, Entry[]>();
  constructor(now: () => number) {
    this.#now = now;
  }

  #prune(): void {
    const now = this.#now();
    for (const [k, b] of this.#buckets) if (b.expiresAtMs <= now) this.#buckets.delete(k);
  }

  count(clientId: string, atMs: number, counts: Readonly<Record<string, number>>): Promise<void> {
    this.#prune();
    for (const res of Object.keys(RESOLUTIONS) as Resolution[]) {
      const w = RESOLUTIONS[res];
      const start = Math.floor(atMs / w) * w;
      const k = `${clientId}\u0000${res}\u0000${start}`;
      let b = this.#buckets.get(k);
      if (b === undefined) {
        b = { counts: new Map(), expiresAtMs: this.#now() + BUCKET_TTL_MS[res] };
        this.#buckets.set(k, b);
      }
      for (const [name, n] of Object.entries(counts)) {
        const had = b.counts.get(name);
        if (had === undefined && b.counts.size >= MAX_FIELDS_PER_BUCKET) continue;
        b.counts.set(name, (had ?? 0) + n);
      }
    }
    return Promise.resolve();
  }

  series(
    clientId: string,
    resolution: Resolution,
    fromMs: number,
    toMs: number,
  ): Promise<ConsoleBucket[]> {
    this.#prune();
    const out: ConsoleBucket[] = [];
    for (const startMs of bucketStarts(resolution, fromMs, toMs)) {
      const b = this.#buckets.get(`${clientId}\u0000${resolution}\u0000${startMs}`);
      if (b !== undefined && b.counts.size > 0) {
        out.push({ startMs, counts: Object.fromEntries(b.counts) });
      }
    }
    return Promise.resolve(out);
  }

  push(
    clientId: string,
    list: ConsoleList,
    atMs: number,
    entry: string,
    cap: number,
    ttlMs: number,
  ): Promise<void> {
    const k = `${clientId}\u0000${list}`;
    const kept = (this.#lists.get(k) ?? []).filter((e) => e.atMs > atMs - ttlMs);
    kept.push({ atMs, text: entry });
    kept.sort((a, b) => a.atMs - b.atMs);
    this.#lists.set(k, kept.slice(Math.max(0, kept.length - cap)));
    return Promise.resolve();
  }

  recent(
    clientId: string,
    list: ConsoleList,
    nowMs: number,
    ttlMs: number,
    limit: number,
  ): Promise<string[]> {
    const entries = this.#lists.get(`${clientId}\u0000${list}`) ?? [];
    const live = entries.filter((e) => e.atMs > nowMs - ttlMs);
    return Promise.resolve(live.reverse().slice(0, limit).map((e) => e.text));
  }
}
