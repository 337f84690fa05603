/**
 * Serves a fetch handler with `Deno.serve`; `shutdown` is Deno's graceful shutdown (in-flight
 * requests finish), bounded by a timeout.
 *
 * @example
 * ```ts
 * import { serve } from "device-session/server/deno";
 * declare const service: { fetch(request: Request): Promise<Response> }; // createService(…)
 * const server = await serve({ fetch: service.fetch, port: 8787 });
 * Deno.addSignalListener("SIGTERM", () => server.shutdown());
 * ```
 *
 * @module
 */
import type { ConnectionInfo } from "../context.ts";
import type { RunningServer, ServeOptions } from "./types.ts";
import { listenUrl } from "./types.ts";

export type { RunningServer, ServeOptions } from "./types.ts";

interface DenoServer {
  readonly addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}
interface DenoServeInfo {
  readonly remoteAddr: { hostname?: string };
}
interface DenoNs {
  serve(
    options: {
      port: number;
      hostname: string;
      reusePort?: boolean;
      onListen?: (a: { hostname: string; port: number }) => void;
    },
    handler: (req: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoServer;
}

/**
 * The peer of a request, read from Deno's connection info only when asked: a handler with rate
 * limits and request logs off never needs it.
 */
class Peer implements ConnectionInfo {
  readonly #info: DenoServeInfo;
  constructor(info: DenoServeInfo) {
    this.#info = info;
  }
  get remoteAddr(): string | null {
    return this.#info.remoteAddr.hostname ?? null;
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
  const deno = (globalThis as unknown as { Deno: DenoNs }).Deno;
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = deno.serve(
      {
        port: options.port ?? 8787,
        hostname,
        ...(options.reusePort ? { reusePort: true } : {}),
        onListen: () => {}, // the caller prints what it wants
      },
      (req, info) => options.fetch(req, new Peer(info)),
    );
    const port = server.addr.port;
    resolve({
      port,
      hostname,
      url: listenUrl(hostname, port),
      async shutdown(timeoutMs = 10_000): Promise<void> {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          server.shutdown(),
          new Promise<void>((r) => (timer = setTimeout(r, timeoutMs))),
        ]);
        clearTimeout(timer);
      },
    });
  });
}
