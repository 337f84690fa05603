/**
 * Options of the backend client (SPEC §7): where the service is, the client credentials, and
 * the knobs of the HTTP layer. Validated once, at construction.
 *
 * @module
 */
import * as v from "valibot";
import { ClientId, parseOrThrow } from "../../core/mod.ts";

/** A `fetch`-compatible function; the global `fetch` fits, so does a handler's `fetch`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createBackendClient}. */
export interface BackendClientOptions {
  /** The service's base URL, e.g. `"https://risk.example.com/"` (a path prefix is kept). */
  readonly baseUrl: string | URL;
  /** Your client id (SPEC §1.7). */
  readonly clientId: string;
  /** Your client secret: keep it on the server, never ship it to a browser. */
  readonly clientSecret: string;
  /** The `fetch` to use (default: the global one, looked up at call time). */
  readonly fetch?: FetchLike;
  /** Time allowed for each HTTP exchange, in ms (default 10000): then `ERR_TIMEOUT`. */
  readonly timeoutMs?: number;
  /**
   * Renew the access token this many seconds before it expires (default 60; at most half the
   * token's lifetime), so that no request leaves with a token about to expire.
   */
  readonly renewBeforeSeconds?: number;
  /** The clock, epoch milliseconds (default `Date.now`); tests inject a virtual one. */
  readonly now?: () => number;
  /** Extra headers for every request (e.g. a proxy's routing header). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** {@link BackendClientOptions} with defaults applied. */
export interface ResolvedBackendOptions {
  /** Base URL ending in `/`, so that `new URL("v1/…", base)` keeps a path prefix. */
  readonly base: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly renewBeforeSeconds: number;
  readonly now: () => number;
  readonly headers: Readonly<Record<string, string>>;
}

const fn = (name: string) =>
  v.optional(v.custom<never>((x) => typeof x === "function", `${name} must be a function`));

function httpBase(u: string): boolean {
  try {
    const url = new URL(u);
    return /^https?:$/.test(url.protocol) && !url.search && !url.hash;
  } catch {
    return false;
  }
}

const HttpUrl = v.pipe(
  v.union([v.string(), v.instance(URL)]),
  v.transform((u) => String(u)),
  v.check(httpBase, "baseUrl must be an absolute http(s) URL without query or fragment"),
);

const OptionsSchema = v.strictObject({
  baseUrl: HttpUrl,
  clientId: ClientId,
  clientSecret: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  fetch: fn("fetch"),
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600_000))),
  renewBeforeSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3600))),
  now: fn("now"),
  headers: v.optional(v.record(v.string(), v.string())),
});

/**
 * Validates options (`ERR_INVALID_INPUT`) and applies the defaults.
 *
 * @example
 * ```ts
 * declare const clientId: string, clientSecret: string;
 * const o = resolveBackendOptions({ baseUrl: "https://risk.example.com", clientId, clientSecret });
 * o.base.href; // "https://risk.example.com/"
 * ```
 */
export function resolveBackendOptions(options: BackendClientOptions): ResolvedBackendOptions {
  const o = parseOrThrow(OptionsSchema, options, "ERR_INVALID_INPUT");
  const base = new URL(o.baseUrl);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  const userFetch = options.fetch;
  return {
    base,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    // Looked up per call, so a test or polyfill that replaces globalThis.fetch later is used.
    fetch: userFetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: o.timeoutMs ?? 10_000,
    renewBeforeSeconds: o.renewBeforeSeconds ?? 60,
    now: options.now ?? Date.now,
    headers: o.headers ?? {},
  };
}
