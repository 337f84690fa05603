/**
 * Remembers bearer tokens that verified (session, action and access tokens are presented many
 * times: a backend's access token on every call, a session token in every telemetry batch), so
 * their signatures are checked once. The key is the exact token bytes plus what it was verified
 * for (kind, audience); a hit still has its times checked at every use (core `checkTimes`, the
 * verifier's own step). Only successes are cached; secure tokens never are (single use). Bounded:
 * the oldest entry goes first.
 *
 * @module
 */
import { checkTimes } from "../../core/token/time.ts";

/** What a cached result must carry for its time check. */
export interface Timed {
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * A bounded cache of verification results.
 *
 * @example
 * ```ts
 * declare const token: string;
 * const now = Math.floor(Date.now() / 1000);
 * const cache = new VerifiedCache(10_000);
 * const hit = cache.get(`access\n${token}`, { now, tolerance: 30, maxLifetime: 86400, checkTime: true });
 * ```
 */
export class VerifiedCache {
  readonly #max: number;
  readonly #entries = new Map<string, Timed>();

  constructor(max: number) {
    this.#max = max;
  }

  /**
   * The result verified for `key`, after the SPEC §4.7 time checks at `now` (which throw the
   * verifier's codes); `undefined` on a miss. With `checkTime: false` (telemetry, §8.5) the time
   * checks are skipped, but an entry past `exp + tolerance` is a miss all the same, so an expired
   * token is verified afresh exactly as without the cache (its key may be gone by then).
   */
  get<T extends Timed>(
    key: string,
    time: {
      readonly now: number;
      readonly tolerance: number;
      readonly maxLifetime: number;
      readonly checkTime: boolean;
    },
  ): T | undefined {
    const hit = this.#entries.get(key) as T | undefined;
    if (hit === undefined) return undefined;
    if (!time.checkTime) return time.now < hit.expiresAt + time.tolerance ? hit : undefined;
    checkTimes({
      iat: hit.issuedAt,
      exp: hit.expiresAt,
      now: time.now,
      tolerance: time.tolerance,
      maxLifetime: time.maxLifetime,
    });
    return hit;
  }

  /** Remembers a verified result. */
  set(key: string, result: Timed): void {
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, result);
  }
}
