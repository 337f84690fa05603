/**
 * Serves a fetch handler with `Bun.serve`; `shutdown` stops accepting and lets in-flight
 * requests finish (`stop(false)`), then force-closes after the timeout.
 *
 * @example
 * ```ts
 * import { serve } from "device-session/server/bun";
 * declare const service: { fetch(request: Request): Promise<Response> }; // createService(…)
 * const server = await serve({ fetch: service.fetch, port: 8787 });
 * process.on("SIGTERM", () => server.shutdown());
 * ```
 *
 * @module
 */
import type { ConnectionInfo } from "../context.ts";
import type { RunningServer, ServeOptions } from "./types.ts";
import { listenUrl } from "./types.ts";

export type { RunningServer, ServeOptions } from "./types.ts";

interface BunServer {
  readonly port: number;
  readonly pendingRequests: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  requestIP(req: Request): { address: string } | null;
}
interface BunNs {
  serve(options: {
    port: number;
    hostname: string;
    maxRequestBodySize: number;
    reusePort?: boolean;
    fetch: (req: Request, server: BunServer) => Response | Promise<Response>;
  }): BunServer;
}

/**
 * The peer of a request, asked of the server only when read: `requestIP` is a call into Bun's
 * server that a handler with rate limits and request logs off never needs (the service reads it
 * while the request is in flight, when Bun still knows the peer).
 */
class Peer implements ConnectionInfo {
  readonly #req: Request;
  readonly #server: BunServer;
  #addr: string | null | undefined = undefined;
  constructor(req: Request, server: BunServer) {
    this.#req = req;
    this.#server = server;
  }
  get remoteAddr(): string | null {
    if (this.#addr === undefined) this.#addr = this.#server.requestIP(this.#req)?.address ?? null;
    return this.#addr;
  }
}

/**
 * Listens and serves `fetch` until `shutdown`.
 *
 * @example
 * ```ts
 * const server = await serve({ fetch: (req) => new Response("ok"), port: 0 });
 * ```
 */
export function serve(options: ServeOptions): Promise<RunningServer> {
  const bun = (globalThis as unknown as { Bun: BunNs }).Bun;
  const hostname = options.hostname ?? "127.0.0.1";
  const server = bun.serve({
    port: options.port ?? 8787,
    hostname,
    // No limit here: the handler refuses a declared length over its cap at once and caps a
    // streamed body as it reads (SPEC §6.0). Bun's own refusal would close the connection with
    // a bare 413 (no SPEC §6.5 body), or none at all.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    ...(options.reusePort ? { reusePort: true } : {}),
    fetch: (req, s) => options.fetch(req, new Peer(req, s)),
  });
  return Promise.resolve({
    port: server.port,
    hostname,
    url: listenUrl(hostname, server.port),
    async shutdown(timeoutMs = 10_000): Promise<void> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceful = Promise.resolve(server.stop(false)).then(async () => {
        // stop(false) may resolve before in-flight handlers finish on some versions.
        while (server.pendingRequests > 0) await new Promise((r) => setTimeout(r, 10));
      });
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) await server.stop(true);
    },
  });
}
