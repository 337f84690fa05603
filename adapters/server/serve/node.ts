/**
 * Serves a fetch handler with Node's `http` module (also runs on Bun and Deno's Node
 * compatibility): the handler's web `Request` is built lazily over Node's parsed message
 * (./node-request.ts: a small declared body is read first, any other streams in, so body caps
 * apply before it is buffered), a one-chunk response goes out in one write (./node-response.ts),
 * larger ones stream with backpressure, and `shutdown` is graceful. An answer
 * given before the body was read (413, …) is never lost to a connection reset: `100 Continue`
 * goes out only when the handler reads the body, and a body already on its way is read and
 * discarded (up to a bound) instead of being cut off. Node's own answers to broken requests
 * carry the SPEC §6.5 JSON body.
 *
 * @example
 * ```ts
 * import { serve } from "device-session/server/node";
 * declare const service: { fetch(request: Request): Promise<Response> }; // createService(…)
 * const server = await serve({ fetch: service.fetch, port: 8787 });
 * process.on("SIGTERM", () => server.shutdown());
 * ```
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { BUFFER_MAX_BYTES, bufferBody, lazyRequest } from "./node-request.ts";
import { send } from "./node-response.ts";
import { LIGHT } from "../http/answer.ts";
import type { FetchHandler, RunningServer, ServeOptions } from "./types.ts";
import { listenUrl } from "./types.ts";

export type { RunningServer, ServeOptions } from "./types.ts";

/** Node's own answers to a request it could not parse, as SPEC §6.5 bodies. */
const CLIENT_ERRORS: Record<string, { status: number; reason: string; code: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: "Request Header Fields Too Large",
    code: "ERR_HEADERS_TOO_LARGE",
  },
};
const BAD_REQUEST = { status: 400, reason: "Bad Request", code: "ERR_BAD_REQUEST" };

/**
 * Answers a request Node's parser rejected (bad framing, oversized headers) with the SPEC §6.5
 * JSON body instead of Node's bare status line; a timeout keeps Node's own 408.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || pending?.headersSent === true) {
    socket.destroy();
    return;
  }
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    socket.end("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    return;
  }
  const e = CLIENT_ERRORS[err.code ?? ""] ?? BAD_REQUEST;
  const body = JSON.stringify({
    code: e.code,
    message: e.status === 431
      ? "the request headers are too large"
      : "the request is not valid HTTP",
    time: Math.floor(Date.now() / 1000),
  });
  socket.end(
    `HTTP/1.1 ${e.status} ${e.reason}\r\ncontent-type: application/json\r\n` +
      `content-length: ${body.length}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
  );
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
  const onRequest = async (req: IncomingMessage, res: ServerResponse, expect: boolean) => {
    inFlight++;
    if (draining) res.shouldKeepAlive = false;
    // With `Expect: 100-continue`, the body is invited only when the handler reads it.
    let withheld = expect;
    const onFirstRead = () => {
      if (withheld) (withheld = false, res.writeContinue());
    };
    try {
      // A small declared body (on its way: no 100-continue) is read before the handler runs.
      const length = req.headers["content-length"];
      const buffered = !expect && length !== undefined && /^\d{1,7}$/.test(length) &&
          Number(length) <= BUFFER_MAX_BYTES && req.method !== "GET" && req.method !== "HEAD"
        ? await bufferBody(req)
        : undefined;
      const request = lazyRequest({ req, res, buffered, onFirstRead });
      // LIGHT: this adapter writes the service's light answers itself (../http/answer.ts).
      const info = { remoteAddr: req.socket.remoteAddress ?? null, [LIGHT]: true };
      const response = await handler(request, info);
      if (draining) res.shouldKeepAlive = false;
      await send(req, res, response, withheld);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end('{"code":"ERR_INTERNAL","message":"unexpected service failure","time":0}');
    } finally {
      if (--inFlight === 0 && onIdle !== null) onIdle();
    }
  };
  const server = createServer((req, res) => void onRequest(req, res, false));
  server.on("checkContinue", (req, res) => void onRequest(req, res, true));
  server.on("clientError", answerClientError);
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
