/**
 * A JWKS fetched from a URL (SPEC §3.7): cached for the `Cache-Control: max-age` the service
 * sends (default 300 s); an unknown `kid` triggers at most one refetch per 30 s. Keys only ever
 * come from this URL: nothing in a token can point the verifier elsewhere.
 *
 * @module
 */
import { DeviceSessionError, errorFromCode } from "../../core/errors/mod.ts";
import type { PublicJwk } from "../../core/token/mod.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import { indexJwks, type KeySource } from "./key-set.ts";

/** Options of {@link remoteKeySet}. */
export interface RemoteKeySetOptions {
  /** The fetch to use (default: `globalThis.fetch`). */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Current time in epoch seconds (default: the system clock). */
  readonly now?: () => number;
  /** Cache lifetime when the response has no `max-age` (default 300 s). */
  readonly defaultMaxAge?: number;
  /** Minimum seconds between two fetches (default 30; SPEC §3.7). */
  readonly minRefreshInterval?: number;
  /** Request timeout (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Hash implementation for the kid check (default WebCrypto). */
  readonly crypto?: VerifyCrypto;
}

/** A {@link KeySource} backed by a URL, with an explicit refresh. */
export interface RemoteKeySet extends KeySource {
  /** Fetches the JWKS now (one fetch at a time). */
  refresh(): Promise<void>;
}

/** Largest JWKS body read (the document holds at most two keys). */
const MAX_JWKS_BYTES = 65536;
/** Longest cache lifetime honoured, whatever `max-age` says. */
const MAX_CACHE_S = 86400;

/**
 * A key source over the JWKS at `url` (https, or http on a loopback host).
 *
 * @example
 * ```ts
 * import { verifySessionToken } from "device-session/verify";
 * declare const token: string;
 * const jwks = remoteKeySet("https://risk.example.com/.well-known/jwks.json");
 * await verifySessionToken(token, { issuer: "https://risk.example.com", audience: "demo", jwks });
 * ```
 */
export function remoteKeySet(url: string | URL, options: RemoteKeySetOptions = {}): RemoteKeySet {
  const href = jwksUrl(url);
  const now = options.now ?? (() => Date.now() / 1000);
  const minInterval = options.minRefreshInterval ?? 30;
  const doFetch = options.fetch ?? ((u: string, init: RequestInit) => globalThis.fetch(u, init));
  let index: Map<string, PublicJwk> | null = null;
  let expiresAt = -Infinity;
  let lastFetchAt = -Infinity;
  let inflight: Promise<void> | null = null;

  // A failure of the transfer (the request, or the body breaking off) is ERR_NETWORK; what the
  // caller's crypto throws while checking the keys' thumbprints reaches the caller unchanged.
  const network = (e: unknown): never => {
    if (e instanceof DeviceSessionError) throw e;
    throw errorFromCode("ERR_NETWORK", `JWKS fetch failed: ${href}`, { cause: e });
  };
  const load = async (): Promise<void> => {
    lastFetchAt = now();
    let res: Response;
    try {
      res = await doFetch(href, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
    } catch (e) {
      return network(e);
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(network);
      throw errorFromCode("ERR_SERVICE", `JWKS fetch answered ${res.status}`);
    }
    const text = await readCapped(res, MAX_JWKS_BYTES).catch(network);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw errorFromCode("ERR_SERVICE", "the JWKS is not JSON");
    }
    index = await indexJwks(json, { code: "ERR_SERVICE", crypto: options.crypto });
    const maxAge = parseMaxAge(res.headers.get("cache-control")) ?? options.defaultMaxAge ?? 300;
    expiresAt = now() + Math.min(Math.max(maxAge, minInterval), MAX_CACHE_S);
  };

  const refresh = (): Promise<void> => {
    inflight ??= load().finally(() => (inflight = null));
    return inflight;
  };

  const lookup = (kid: string): PublicJwk | null => index?.get(kid) ?? null;

  return {
    refresh,
    getKey(kid: string): PublicJwk | null | Promise<PublicJwk | null> {
      const t = now();
      const mayFetch = t - lastFetchAt >= minInterval;
      if (index !== null && t < expiresAt) {
        const key = lookup(kid);
        if (key !== null || !mayFetch) return key;
        return refresh().then(() => lookup(kid));
      }
      // Stale or never loaded. A failed refresh falls back to a stale set rather than failing
      // every verification while the service is briefly unreachable.
      if (index !== null && !mayFetch && inflight === null) return lookup(kid);
      return refresh().then(
        () => lookup(kid),
        (e) => {
          if (index !== null) return lookup(kid);
          throw e; // a DeviceSessionError, or the caller's crypto's own
        },
      );
    },
  };
}

/**
 * The URL a {@link remoteKeySet} fetches, as `new URL` spells it; `ERR_INVALID_INPUT` unless it
 * is absolute and https (http only on a loopback host).
 *
 * @example
 * ```ts
 * jwksUrl("HTTPS://Risk.Example.com:443/.well-known/jwks.json"); // "https://risk.example.com/.well-known/jwks.json"
 * ```
 */
export function jwksUrl(url: string | URL): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw errorFromCode("ERR_INVALID_INPUT", "jwks must be an absolute URL");
  }
  const loopback = u.hostname === "localhost" || u.hostname === "127.0.0.1" ||
    u.hostname === "[::1]";
  if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) {
    throw errorFromCode("ERR_INVALID_INPUT", "a JWKS URL must be https (http only on loopback)");
  }
  return u.href;
}

/** `max-age` of a Cache-Control header, or `null` (also for `no-store`/`no-cache`: 0). */
export function parseMaxAge(header: string | null): number | null {
  if (header === null) return null;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(header)) return 0;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,9})"?\s*(?:,|$)/i.exec(header);
  return m ? Number(m[1]) : null;
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel();
    throw errorFromCode("ERR_SERVICE", "the JWKS is too large");
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw errorFromCode("ERR_SERVICE", "the JWKS is too large");
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) (all.set(c, o), o += c.length);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  } catch {
    throw errorFromCode("ERR_SERVICE", "the JWKS is not UTF-8");
  }
}
