/**
 * Serves a fetch handler with Node's `http` module (also runs on Bun and Deno's Node
 * compatibility): requests are streamed into a web `Request` (so body caps apply before the body
 * is buffered), responses streamed back with backpressure, and `shutdown` is graceful.
 *
 * @example
 * ```ts
 * import { serve } from "device-session/server/node";
 * const server = await serve({ fetch: service.fetch, port: 8787 });
 * process.on("SIGTERM", () => server.shutdown());
 * ```
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { FetchHandler, RunningServer, ServeOptions } from "./types.ts";
import { listenUrl } from "./types.ts";

export type { RunningServer, ServeOptions } from "./types.ts";

/**
 * The request body as a web stream with backpressure. Cancelling (a body cap hit) stops reading;
 * the connection is then closed after the response instead of being reused, so the unread rest
 * is never parsed as a next request and never read at all.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (done) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.once("end", () => {
        if (!done) (done = true, controller.close());
      });
      req.once("error", (e) => {
        if (!done) (done = true, controller.error(e));
      });
      req.once("close", () => {
        if (!done) (done = true, controller.error(new Error("the connection closed")));
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      done = true;
      req.pause();
    },
  }, { highWaterMark: 4 });
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const raw = req.url ?? "/";
  let path = "/";
  if (raw.startsWith("/")) path = raw;
  else {
    try {
      const u = new URL(raw); // absolute-form (proxies): keep only path and query
      path = u.pathname + u.search;
    } catch { /* "*" or garbage: "/" answers 404 */ }
  }
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    } catch { /* a header value fetch rejects: drop it */ }
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  // The Host header is not trusted for anything (SPEC §5.2.1); any base works for the path.
  return new Request(`http://localhost${path}`, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: bodyStream(req), duplex: "half" } : {}),
  } as RequestInit);
}

async function send(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  // An answer before the whole body was read (413, 415, …): close the connection afterwards.
  if (!req.complete) res.shouldKeepAlive = false;
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((r) => res.once("drain", () => r()));
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/**
 * Listens and serves `fetch` until `shutdown`.
 *
 * @example
 * ```ts
 * const server = await serve({ fetch: (req) => new Response("ok"), port: 0 });
 * console.log(server.url);
 * ```
 */
export function serve(options: ServeOptions): Promise<RunningServer> {
  const handler: FetchHandler = options.fetch;
  let inFlight = 0;
  let draining = false;
  let onIdle: (() => void) | null = null;
  const server = createServer(async (req, res) => {
    inFlight++;
    const aborter = new AbortController();
    res.once("close", () => aborter.abort());
    if (draining) res.shouldKeepAlive = false;
    try {
      const response = await handler(toRequest(req, aborter.signal), {
        remoteAddr: req.socket.remoteAddress ?? null,
      });
      if (draining) res.shouldKeepAlive = false;
      await send(req, res, response);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end('{"code":"ERR_INTERNAL","message":"unexpected service failure","time":0}');
    } finally {
      if (--inFlight === 0 && onIdle !== null) onIdle();
    }
  });
  // Slow-loris limits: a request must arrive whole within 30 s, headers within 15 s.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8787, hostname, () => {
      server.off("error", reject);
      const address = server.address();
      const port = typeof address === "object" && address !== null
        ? address.port
        : options.port ?? 0;
      resolve({
        port,
        hostname,
        url: listenUrl(hostname, port),
        shutdown(timeoutMs = 10_000): Promise<void> {
          draining = true;
          return new Promise<void>((done) => {
            const timer = setTimeout(() => {
              server.closeAllConnections();
              done();
            }, timeoutMs);
            const finish = () => {
              clearTimeout(timer);
              server.closeIdleConnections();
              done();
            };
            server.close(() => finish());
            server.closeIdleConnections();
            if (inFlight === 0) finish();
            else onIdle = () => server.closeIdleConnections();
          });
        },
      });
    });
  });
}
