/**
 * The operator console's store (docs/operations.md): per-client counters in time buckets, and
 * per-client capped lists of recent entries (action decisions, the audit trail). Everything is
 * keyed by client id, so one client's operator can be served only that client's data; and
 * everything expires, so the console never grows the store without bound.
 *
 * @module
 */

/** Bucket widths of the console's two charts: the last hour by minute, the last day by hour. */
export const RESOLUTIONS = { minute: 60_000, hour: 3_600_000 } as const;
/** A resolution of {@link RESOLUTIONS}. */
export type Resolution = keyof typeof RESOLUTIONS;
/** How long a bucket is kept: twice the span its chart shows. */
export const BUCKET_TTL_MS: Readonly<Record<Resolution, number>> = {
  minute: 2 * 3_600_000,
  hour: 2 * 86_400_000,
};
/** At most this many distinct counter names per bucket (action types are free-form). */
export const MAX_FIELDS_PER_BUCKET = 256;
/** The recent-entry lists. */
export type ConsoleList = "decisions" | "audit";

/** One time bucket's counters. */
export interface ConsoleBucket {
  /** Start of the bucket, epoch milliseconds. */
  readonly startMs: number;
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * Console data of every client.
 *
 * @example
 * ```ts
 * import type { Store } from "./types.ts";
 * declare const store: Store & { console: ConsoleStore };
 * await store.console.count("shop", Date.now(), { "sessions.created": 1 });
 * await store.console.series("shop", "minute", Date.now() - 3_600_000, Date.now());
 * ```
 */
export interface ConsoleStore {
  /**
   * Adds `counts` to the client's minute and hour buckets of `atMs` (each kept for
   * {@link BUCKET_TTL_MS}). A name new to a bucket that already holds
   * {@link MAX_FIELDS_PER_BUCKET} names is not counted. Redis: one script over the client's
   * two bucket hashes (`HINCRBY`, `PEXPIRE`).
   */
  count(clientId: string, atMs: number, counts: Readonly<Record<string, number>>): Promise<void>;
  /**
   * The client's non-empty buckets of `resolution` whose start lies in `[fromMs, toMs]`,
   * oldest first. Redis: one script reading the range's hashes.
   */
  series(
    clientId: string,
    resolution: Resolution,
    fromMs: number,
    toMs: number,
  ): Promise<ConsoleBucket[]>;
  /**
   * Records `entry` (JSON text) at `atMs` in the client's `list`: entries older than `ttlMs`
   * are dropped, and only the newest `cap` kept. Redis: a sorted set scored by time.
   */
  push(
    clientId: string,
    list: ConsoleList,
    atMs: number,
    entry: string,
    cap: number,
    ttlMs: number,
  ): Promise<void>;
  /** The client's newest `limit` unexpired entries of `list` at `nowMs`, newest first. */
  recent(
    clientId: string,
    list: ConsoleList,
    nowMs: number,
    ttlMs: number,
    limit: number,
  ): Promise<string[]>;
}

/** The first bucket start at or after `fromMs`, and the bucket starts up to `toMs`. */
export function bucketStarts(resolution: Resolution, fromMs: number, toMs: number): number[] {
  const w = RESOLUTIONS[resolution];
  const out: number[] = [];
  for (let s = Math.ceil(fromMs / w) * w; s <= toMs; s += w) out.push(s);
  return out;
}
