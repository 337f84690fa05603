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

interface Entry {
  readonly token: string;
  readonly kind: string;
  readonly audience: string;
  readonly result: Timed;
}

// Where the key's four characters start, counted from the token's end (inside the signature,
// whose last character carries padding bits).
const KEY_AT = 8;

/**
 * A small integer of four characters near the end of `token` (of its signature, uniformly
 * random): it hashes at once, where a string key would hash the whole token (~1 µs for a
 * session token on Node). The whole token is then compared (a memcmp). Tokens whose keys
 * collide, by chance or by a forger's choice, only push each other out.
 */
function keyOf(token: string): number {
  const at = token.length - KEY_AT;
  return ((token.charCodeAt(at) & 127) << 21) | ((token.charCodeAt(at + 1) & 127) << 14) |
    ((token.charCodeAt(at + 2) & 127) << 7) | (token.charCodeAt(at + 3) & 127);
}

/**
 * A bounded cache of verification results.
 *
 * @example
 * ```ts
 * declare const token: string;
 * const now = Math.floor(Date.now() / 1000);
 * const cache = new VerifiedCache(10_000);
 * const time = { now, tolerance: 30, maxLifetime: 86400, checkTime: true };
 * const hit = cache.get(token, "access", "", time);
 * ```
 */
export class VerifiedCache {
  readonly #max: number;
  readonly #entries = new Map<number, Entry>();

  constructor(max: number) {
    this.#max = max;
  }

  /**
   * The result verified for `token` as a `kind` token of `audience`, after
   * the SPEC §4.7 time checks at `now` (which throw the verifier's codes); `undefined` on a miss.
   * With `checkTime: false` (telemetry, §8.5) the time checks are skipped, but an entry past
   * `exp + tolerance` is a miss all the same, so an expired token is verified afresh exactly as
   * without the cache (its key may be gone by then).
   */
  get<T extends Timed>(
    token: string,
    kind: string,
    audience: string,
    time: {
      readonly now: number;
      readonly tolerance: number;
      readonly maxLifetime: number;
      readonly checkTime: boolean;
    },
  ): T | undefined {
    const e = this.#entries.get(keyOf(token));
    if (e === undefined || e.token !== token || e.kind !== kind || e.audience !== audience) {
      return undefined;
    }
    const hit = e.result as T;
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

  /** Remembers a result verified for `token` as a `kind` token of `audience` (the last one). */
  set(token: string, kind: string, audience: string, result: Timed): void {
    const key = keyOf(token);
    if (!this.#entries.has(key) && this.#entries.size >= this.#max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { token, kind, audience, result });
  }
}
