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
  const { path, query } = pathAndQuery(request.url);
  const given = request.headers.get("x-request-id");
  return {
    raw: request,
    path,
    query,
    id: undefined,
    ip: clientIp(request, info.remoteAddr ?? null, hops),
    origin: request.headers.get("origin"),
    nowMs: t,
    now: Math.floor(t / 1000),
    clientId: undefined,
    code: undefined,
    requestId: given !== null && REQUEST_ID.test(given) ? given : newId("req_"),
  };
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
  const m = PLAIN_URL.exec(url);
  if (m !== null) return { path: m[1]!, query: new URLSearchParams(m[2] ?? "") };
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
