/**
 * Per-request plumbing of the handler: the request facts handlers see, device-API CORS on
 * answers, preflights, and the headers an error answer carries (Retry-After, DS-Nonce, Allow,
 * WWW-Authenticate).
 *
 * @module
 */
import { type DeviceSessionError, errorFromCode } from "../../../core/mod.ts";
import type { ConnectionInfo, Deps, Req } from "../context.ts";
import { newId } from "../ids.ts";
import { clientIp } from "./client-ip.ts";
import { corsHeaders, preflightHeaders, withHeaders } from "./cors.ts";
import { errorResponse } from "./respond.ts";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The facts of one request (see {@link newReq}). The client IP and the parsed query are made on
 * first read: most requests never read the query, and with rate limits and request logs off
 * nothing reads the IP, whose peer address costs a call into the runtime's server on Bun and
 * Deno (the `serve` adapters hand it over lazily too). Each is read while the request is being
 * handled, so the peer is still known.
 */
class RequestFacts implements Req {
  readonly raw: Request;
  readonly path: string;
  id: string | undefined = undefined;
  readonly origin: string | null;
  readonly nowMs: number;
  readonly now: number;
  clientId: string | undefined = undefined;
  code: string | undefined = undefined;
  aborted?: boolean;
  readonly requestId: string;
  /** The query: its text until first read (a plain URL), then the parsed parameters. */
  #query: URLSearchParams | string;
  #ip: string | null | undefined = undefined;
  readonly #info: ConnectionInfo;
  readonly #hops: number;

  constructor(request: Request, info: ConnectionInfo, t: number, hops: number) {
    const { path, query } = pathAndSearch(request.url);
    const given = request.headers.get("x-request-id");
    this.raw = request;
    this.path = path;
    this.#query = query;
    this.origin = request.headers.get("origin");
    this.nowMs = t;
    this.now = Math.floor(t / 1000);
    this.requestId = given !== null && REQUEST_ID.test(given) ? given : newId("req_");
    this.#info = info;
    this.#hops = hops;
  }

  get query(): URLSearchParams {
    const q = this.#query;
    return typeof q === "string" ? (this.#query = new URLSearchParams(q)) : q;
  }

  get ip(): string | null {
    if (this.#ip === undefined) {
      this.#ip = clientIp(this.raw, this.#info.remoteAddr ?? null, this.#hops);
    }
    return this.#ip;
  }
}

/**
 * The facts of one request: path, query, client IP (socket or trusted proxies), origin, time,
 * request id (the caller's `X-Request-Id` when sane).
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const req = newReq(request, { remoteAddr: "203.0.113.7" }, Date.now(), 0);
 * ```
 */
export function newReq(request: Request, info: ConnectionInfo, t: number, hops: number): Req {
  return new RequestFacts(request, info, t, hops);
}

// An absolute URL the WHATWG parser leaves as it is: a host it accepts as written (a dotted
// quad without leading zeros, or ASCII labels whose last one starts with a letter — a last label
// that is a number makes the parser read an IPv4 address — and none an IDNA "xn--" label it
// would decode), a port, a path of plain segments (none starting with a dot, no
// percent-escapes: the parser would resolve those), a query of characters it does not escape,
// no fragment.
const PLAIN_URL =
  /^https?:\/\/(?:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)|(?!(?:[^/:]*\.)?[xX][nN]--)(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*)(?::\d{1,4})?(\/(?:[\w~-][\w.~-]*(?:\/[\w~-][\w.~-]*)*\/?)?)(?:\?([\w.~=&+%-]*))?$/;

/**
 * The path and query of a request URL, as `new URL(url)` gives them (`/` for a URL it refuses);
 * a plain URL (the common case) without running the parser.
 *
 * @example
 * ```ts
 * pathAndQuery("http://localhost/v1/backend/actions?get_recommendation=true").path; // "/v1/backend/actions"
 * ```
 */
export function pathAndQuery(url: string): { path: string; query: URLSearchParams } {
  const { path, query } = pathAndSearch(url);
  return { path, query: typeof query === "string" ? new URLSearchParams(query) : query };
}

/** {@link pathAndQuery}, with a plain URL's query as its text (parsed when a handler asks). */
function pathAndSearch(url: string): { path: string; query: URLSearchParams | string } {
  const m = PLAIN_URL.exec(url);
  if (m !== null) return { path: m[1]!, query: m[2] ?? "" };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL("http://invalid/");
  }
  return { path: parsed.pathname, query: parsed.searchParams };
}

/** The answer to a device-API preflight (SPEC §6.0). */
export function preflight(d: Deps, r: Req): Response {
  if (r.origin !== null && d.clients.originAllowedByAny(r.origin)) {
    return new Response(null, { status: 204, headers: preflightHeaders(r.origin) });
  }
  r.code = "ERR_FORBIDDEN";
  return errorResponse(errorFromCode("ERR_FORBIDDEN", "this origin is not allowed"), r.now);
}

/** Adds CORS headers to a device-API answer for an allowed origin. */
export function deviceCors(d: Deps, r: Req, res: Response): Response {
  if (r.origin === null) return res;
  const client = r.clientId === undefined ? undefined : d.clients.get(r.clientId);
  const allowed = client !== undefined
    ? d.clients.originAllowed(client, r.origin)
    : d.clients.originAllowedByAny(r.origin);
  return allowed ? withHeaders(res, corsHeaders(r.origin)) : res;
}

/** Headers an error answer carries, by code. */
export function errorHeaders(error: DeviceSessionError, r: Req): Record<string, string> {
  const h: Record<string, string> = {};
  const details = error.details ?? {};
  if (
    (error.code === "ERR_RATE_LIMITED" || error.code === "ERR_UNAVAILABLE") &&
    typeof details.retry_after_s === "number"
  ) {
    h["retry-after"] = String(details.retry_after_s);
  }
  if (error.code === "ERR_NONCE_INVALID" && typeof details.nonce === "string") {
    h["ds-nonce"] = details.nonce;
  }
  if (error.code === "ERR_METHOD_NOT_ALLOWED" && Array.isArray(details.allow)) {
    h.allow = details.allow.join(", ");
  }
  if (error.code === "ERR_UNAUTHENTICATED") {
    h["www-authenticate"] = r.path === "/v1/oauth/token"
      ? 'Basic realm="device-session"'
      : 'Bearer realm="device-session"';
  }
  return h;
}
