/**
 * Service key rotation (SPEC §3.5–§3.6): the current key signs; after a rotation the former
 * current key stays published as `previous` until every token it signed has expired plus the
 * maximum clock tolerance. At most two keys are published. Immutable values: each operation
 * returns a new keyring.
 *
 * @module
 */
import { errorFromCode } from "../../core/errors/mod.ts";
import type { Jwks } from "../../core/wire/mod.ts";
import { MAX_CLOCK_TOLERANCE } from "../../core/token/mod.ts";
import type { ServiceKey } from "./service-key.ts";

/** The service's signing keys. */
export interface Keyring {
  /** Signs every new token. */
  readonly current: ServiceKey;
  /** The key current before the last rotation, still published; `null` if none. */
  readonly previous: ServiceKey | null;
  /** Epoch seconds until which `previous` must stay published. */
  readonly previousUntil: number;
}

/**
 * A keyring with one key.
 *
 * @example
 * ```ts
 * import { generateServiceKey } from "./service-key.ts";
 * let ring = createKeyring(await generateServiceKey());
 * ```
 */
export function createKeyring(current: ServiceKey): Keyring {
  return { current, previous: null, previousUntil: 0 };
}

/** Default longest lifetime of a service-signed token (action and access tokens, SPEC §12). */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 86400;

/**
 * Makes `next` current; the former current key is kept as previous for
 * `maxTokenLifetime + 300` s (SPEC §3.6). Rotating again while the previous key is still
 * needed would drop a key that valid tokens depend on: that is `ERR_CONFLICT`.
 *
 * @example
 * ```ts
 * import { generateServiceKey } from "./service-key.ts";
 * declare let ring: Keyring;
 * const now = Math.floor(Date.now() / 1000);
 * ring = rotateKeyring(ring, await generateServiceKey(), { now });
 * ```
 */
export function rotateKeyring(
  ring: Keyring,
  next: ServiceKey,
  options: { readonly now: number; readonly maxTokenLifetime?: number },
): Keyring {
  if (ring.previous !== null && options.now < ring.previousUntil) {
    throw errorFromCode(
      "ERR_CONFLICT",
      "the previous key is still needed until its tokens expire",
      {
        details: { previousUntil: ring.previousUntil },
      },
    );
  }
  if (next.kid === ring.current.kid) {
    throw errorFromCode("ERR_CONFLICT", "the new key is already current");
  }
  const lifetime = options.maxTokenLifetime ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
  return {
    current: next,
    previous: ring.current,
    previousUntil: options.now + lifetime + MAX_CLOCK_TOLERANCE,
  };
}

/**
 * Drops the previous key once its retention has passed.
 *
 * @example
 * ```ts
 * declare let ring: Keyring;
 * ring = pruneKeyring(ring, Math.floor(Date.now() / 1000));
 * ```
 */
export function pruneKeyring(ring: Keyring, now: number): Keyring {
  return ring.previous !== null && now >= ring.previousUntil
    ? { current: ring.current, previous: null, previousUntil: 0 }
    : ring;
}

/**
 * The JWKS to publish at `now` (SPEC §3.5): the current key, then the previous one while it
 * is retained. Public members only.
 *
 * @example
 * ```ts
 * declare const ring: Keyring;
 * const now = Math.floor(Date.now() / 1000);
 * const headers = { "cache-control": "public, max-age=300" };
 * const response = Response.json(keyringJwks(ring, now), { headers });
 * ```
 */
export function keyringJwks(ring: Keyring, now: number): Jwks {
  const pruned = pruneKeyring(ring, now);
  return {
    keys: pruned.previous === null
      ? [{ ...pruned.current.jwk }]
      : [{ ...pruned.current.jwk }, { ...pruned.previous.jwk }],
  };
}
