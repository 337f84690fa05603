/**
 * In-memory replay store: one process, atomic because JavaScript runs `consume` to completion
 * without interleaving. Expired entries are swept as time passes, with no timer to leak.
 *
 * @module
 */
import type { ReplayStore } from "./types.ts";

/** Options of {@link createMemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Current time in epoch seconds (default: the system clock). Tests inject a fixed one. */
  readonly now?: () => number;
  /** Minimum seconds between two sweeps of expired entries (default 30). */
  readonly sweepIntervalSeconds?: number;
}

/** A {@link ReplayStore} in process memory, with its entry count for monitoring. */
export interface MemoryReplayStore extends ReplayStore {
  /** Number of ids currently remembered (expired ones linger until the next sweep). */
  readonly size: number;
}

/**
 * Creates an in-memory replay store. Each process has its own: use a shared store (e.g. Redis)
 * when several processes verify tokens for one audience.
 *
 * @example
 * ```ts
 * import { verifySecureSessionToken } from "device-session/verify";
 * declare const token: string;
 * const replayStore = createMemoryReplayStore();
 * await verifySecureSessionToken(token, {
 *   issuer: "https://risk.example.com",
 *   audience: "demo",
 *   jwks: "https://risk.example.com/.well-known/jwks.json",
 *   action: "login",
 *   replayStore,
 * });
 * ```
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  const now = options.now ?? (() => Date.now() / 1000);
  const interval = options.sweepIntervalSeconds ?? 30;
  const entries = new Map<string, number>();
  let lastSweep = -Infinity;

  const sweep = (t: number): void => {
    lastSweep = t;
    for (const [id, until] of entries) if (until <= t) entries.delete(id);
  };

  return {
    get size(): number {
      return entries.size;
    },
    consume(id: string, untilSeconds: number): Promise<boolean> {
      // Synchronous check-and-set: nothing can run between `get` and `set`.
      const t = now();
      if (t - lastSweep >= interval) sweep(t);
      const until = entries.get(id);
      if (until !== undefined && until > t) return Promise.resolve(false);
      entries.set(id, untilSeconds);
      return Promise.resolve(true);
    },
  };
}
