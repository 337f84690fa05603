/**
 * What every `serve` helper takes and returns, whichever runtime's server it binds.
 *
 * @module
 */
import type { ConnectionInfo } from "../app.ts";

/** A request handler: the service's `fetch`, or any `(Request, info) → Response`. */
export type FetchHandler = (request: Request, info: ConnectionInfo) => Response | Promise<Response>;

/** Options of the `serve` helpers. */
export interface ServeOptions {
  /** The handler (usually `service.fetch`). */
  readonly fetch: FetchHandler;
  /** TCP port; 0 picks a free one (default 8787). */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`; `0.0.0.0` for every interface). */
  readonly hostname?: string;
  /**
   * Share the port with other processes (`SO_REUSEPORT`, Linux): several workers on one port.
   * Bun and Deno (`--unstable-net`) bind it; Node's workers share the port through `node:cluster`.
   */
  readonly reusePort?: boolean;
}

/** A listening server. */
export interface RunningServer {
  /** The bound port. */
  readonly port: number;
  readonly hostname: string;
  /** `http://host:port` as bound (the public URL may differ behind a proxy). */
  readonly url: string;
  /**
   * Stops accepting connections and resolves once every in-flight request has been answered
   * (connections are closed after their current response), or after `timeoutMs` (default 10 s)
   * by closing what is left.
   */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** `http://host:port` for a bound address (IPv6 in brackets, unspecified → loopback name). */
export function listenUrl(hostname: string, port: number): string {
  const host = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
