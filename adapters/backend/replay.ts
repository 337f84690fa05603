/**
 * A key prefix for a replay store, so that a backend and the service can share one storage
 * (one Redis, say) and still count a secure token once each (SPEC §5.7.3).
 *
 * @module
 */
import type { ReplayStore } from "../replay/types.ts";

/**
 * A view of `store` whose ids all start with `prefix`.
 *
 * @example
 * ```ts
 * // The service uses "ds:svc:"; your backend's verifications live beside it, apart.
 * import type { ReplayStore } from "device-session/verify";
 * declare const redisReplayStore: ReplayStore;
 * const replayStore = prefixReplayStore(redisReplayStore, "ds:backend:");
 * ```
 */
export function prefixReplayStore(store: ReplayStore, prefix: string): ReplayStore {
  return {
    consume: (id: string, untilSeconds: number): Promise<boolean> =>
      store.consume(prefix + id, untilSeconds),
  };
}
