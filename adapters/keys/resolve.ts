/**
 * Turns the `jwks` option of the verify functions into a {@link KeySource}, reusing one per
 * JWKS object, per URL and per crypto implementation, so that per-call options stay cheap.
 *
 * @module
 */
import { errorFromCode } from "../../core/errors/mod.ts";
import type { Jwks } from "../../core/wire/mod.ts";
import { CryptoCache } from "../crypto/driver.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import { type KeySource, localKeySet } from "./key-set.ts";
import { jwksUrl, remoteKeySet } from "./remote.ts";

/** Where a verifier gets service keys: a JWKS object, its URL, or any {@link KeySource}. */
export type JwksOption = Jwks | string | URL | KeySource;

interface LocalEntry {
  readonly fingerprint: unknown[];
  readonly source: KeySource;
}

const locals = new WeakMap<object, WeakMap<object, LocalEntry>>();
// One key source per JWKS URL (however it is spelled) and crypto implementation (a crypto checks
// the keys' thumbprints: a custom one is trusted with its own calls only), bounded: an
// application that builds the URL from input (a tenant's name, say) must not grow it without
// end. The oldest URL not used since it last came up for eviction is forgotten first (a second
// chance: a URL in use is kept however many new ones come, where dropping it would cost a fetch,
// and its stale keys during an outage of its service); it only costs a fetch of its JWKS if it
// is used again. A hit only sets a flag: no map write on the hot path.
interface RemoteEntry {
  readonly sources: WeakMap<VerifyCrypto, KeySource>;
  used: boolean;
}
const remotes = new Map<string, RemoteEntry>();
const MAX_REMOTES = 256;

// Makes room for one URL: the oldest entries used since their last turn go to the back (their
// flag cleared), the first one unused is dropped. At most one pass, amortized O(1).
function evictRemote(): void {
  for (const [href, entry] of remotes) {
    remotes.delete(href);
    if (!entry.used) return;
    entry.used = false;
    remotes.set(href, entry);
  }
}
const caches = new WeakMap<object, CryptoCache>();

// What identifies a JWKS's content; compared on every call (without allocating) so an object
// changed in place is re-read instead of silently verifying against a stale copy.
function fingerprint(jwks: Jwks): unknown[] {
  return jwks.keys.flatMap((k) => [k.kid, k.alg, k.x, k.y]);
}
function sameFingerprint(jwks: Jwks, fp: unknown[]): boolean {
  const keys = jwks.keys;
  if (keys.length * 4 !== fp.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.kid !== fp[4 * i] || k.alg !== fp[4 * i + 1] || k.x !== fp[4 * i + 2]) return false;
    if (k.y !== fp[4 * i + 3]) return false;
  }
  return true;
}

/**
 * The key source for a `jwks` option.
 *
 * @example
 * ```ts
 * import { webCrypto } from "../crypto/webcrypto.ts";
 * const keys = keySourceFor("https://risk.example.com/.well-known/jwks.json", webCrypto);
 * ```
 */
export function keySourceFor(jwks: JwksOption, crypto: VerifyCrypto): KeySource {
  if (typeof jwks === "string" || jwks instanceof URL) {
    const href = String(jwks);
    const entry = remotes.get(href);
    const source = entry?.sources.get(crypto);
    if (source === undefined) return remoteSource(href, entry, crypto);
    entry!.used = true;
    return source;
  }
  if (typeof (jwks as KeySource).getKey === "function") return jwks as KeySource;
  const set = jwks as Jwks;
  if (!Array.isArray(set.keys)) throw errorFromCode("ERR_INVALID_INPUT", "jwks.keys is required");
  let byCrypto = locals.get(set);
  if (byCrypto === undefined) locals.set(set, byCrypto = new WeakMap());
  const hit = byCrypto.get(crypto);
  if (hit !== undefined && sameFingerprint(set, hit.fingerprint)) return hit.source;
  const source = localKeySet(set, { crypto });
  byCrypto.set(crypto, { fingerprint: fingerprint(set), source });
  return source;
}

// A URL's first call with a crypto. The entry is the URL's as `new URL` spells it (the URL a
// remote key set fetches), so spellings of one URL (`HTTPS://Risk.example.com/…`, a default
// port) share one key source and one cached JWKS; a spelling other than that one is kept as an
// alias of the entry, within the same bound.
function remoteSource(
  href: string,
  entry: RemoteEntry | undefined,
  crypto: VerifyCrypto,
): KeySource {
  // Checked first: a URL remoteKeySet would refuse (not https, say) throws before it takes a
  // place. A spelling found in the map is its entry's already.
  const canonical = entry === undefined ? jwksUrl(href) : href;
  entry ??= remotes.get(canonical);
  let source = entry?.sources.get(crypto);
  if (source === undefined) source = remoteKeySet(canonical, { crypto });
  if (entry !== undefined) entry.sources.set(crypto, source);
  else {
    entry = { sources: new WeakMap([[crypto, source]]), used: false };
    place(canonical, entry);
  }
  if (canonical !== href) place(href, entry);
  return source;
}

function place(href: string, entry: RemoteEntry): void {
  if (remotes.has(href)) return;
  if (remotes.size >= MAX_REMOTES) evictRemote();
  remotes.set(href, entry);
}

/**
 * The shared {@link CryptoCache} of a crypto implementation.
 *
 * @example
 * ```ts
 * import { webCrypto } from "../crypto/webcrypto.ts";
 * const cache = cacheFor(webCrypto);
 * ```
 */
export function cacheFor(crypto: VerifyCrypto): CryptoCache {
  let cache = caches.get(crypto);
  if (cache === undefined) caches.set(crypto, cache = new CryptoCache(crypto));
  return cache;
}
