/**
 * The end user's IP as the service sees it: the socket's peer address, or with `hops` trusted
 * reverse proxies the `X-Forwarded-For` entry the outermost trusted proxy added. Normalized
 * (IPv4-mapped IPv6 as IPv4, RFC 5952 IPv6) so one address counts under one key.
 *
 * @module
 */
import { formatIp, parseIp } from "../../../core/service/ip.ts";

/**
 * The client IP, or `null` when unknown.
 *
 * @example
 * ```ts
 * declare const request: Request;
 * clientIp(request, "10.0.0.2", 1); // the last X-Forwarded-For entry, added by our proxy
 * ```
 */
export function clientIp(request: Request, peer: string | null, hops: number): string | null {
  let candidate = peer;
  if (hops > 0) {
    const xff = request.headers.get("x-forwarded-for");
    const list = xff === null ? [] : xff.split(",").map((s) => s.trim()).filter((s) => s !== "");
    // Each trusted proxy appends the address it received from; the one `hops` from the end was
    // appended by the outermost trusted proxy. Anything left of it is client-supplied.
    candidate = list.length >= hops ? list[list.length - hops]! : (list[0] ?? peer);
  }
  if (candidate === null) return null;
  // The same peer (a keep-alive connection, a proxy) asks again and again: one entry remembered.
  if (candidate !== last.candidate) {
    const ip = parseIp(candidate);
    last = { candidate, ip: ip === null ? null : formatIp(ip) };
  }
  return last.ip;
}

let last: { readonly candidate: string; readonly ip: string | null } = { candidate: "", ip: null };
