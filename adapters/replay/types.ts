/**
 * The replay store port (SPEC §5.7.1).
 *
 * @module
 */

/**
 * Remembers single-use ids. Its one operation must be atomic: for any number of concurrent
 * `consume` calls with the same `id`, exactly one answers `true` (Redis: `SET id 1 NX PXAT`).
 * It fails closed (SPEC §5.7.5): an id is never forgotten before its `until`, and a store that
 * cannot record one (full, unreachable) rejects; it never answers `true` for an id it did not
 * record.
 *
 * @example
 * ```ts
 * declare const store: ReplayStore;
 * declare const id: string, exp: number; // the token's jti and exp
 * if (!(await store.consume(id, exp + 360))) throw new Error("replayed");
 * ```
 */
export interface ReplayStore {
  /**
   * Records `id` until `untilSeconds` (epoch seconds) and answers `true` iff `id` was not
   * already recorded and unexpired; rejects when it cannot record it.
   */
  consume(id: string, untilSeconds: number): Promise<boolean>;
}
