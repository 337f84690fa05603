/**
 * CORS for the device API (SPEC §6.0): browsers may call it from the origins a client allows.
 * A preflight carries no client id, so it is answered for an origin some client allows; the
 * request itself is then checked against its own client (403 `ERR_FORBIDDEN` otherwise).
 * `text/plain` telemetry (sendBeacon) needs no preflight. The public documents (JWKS,
 * discovery) may be read from any origin; the backend API gets no CORS at all.
 *
 * @module
 */
import { setAnswerHeaders } from "./answer.ts";

/** Request headers a device may send cross-origin. */
const ALLOW_HEADERS = "content-type, ds-proof";
/** Response headers the SDK must be able to read. */
const EXPOSE_HEADERS = "ds-nonce, retry-after, x-request-id";

/**
 * Headers of a successful preflight for `origin`.
 *
 * @example
 * ```ts
 * new Response(null, { status: 204, headers: preflightHeaders("https://app.example.com") });
 * ```
 */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers": ALLOW_HEADERS,
    "access-control-max-age": "600",
    vary: "Origin",
  };
}

/** Headers letting `origin` read a device API response. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": EXPOSE_HEADERS,
    vary: "Origin",
  };
}

/** Adds `headers` to a response (a new one when its headers are immutable). */
export function withHeaders(res: Response, headers: Record<string, string>): Response {
  if (setAnswerHeaders(res, headers)) return res;
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}
