/**
 * Serves a fetch handler with Node's `http` module (also runs on Bun and Deno's Node
 * compatibility): requests are streamed into a web `Request` (so body caps apply before the body
 * is buffered), responses streamed back with backpressure, and `shutdown` is graceful. An answer
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
import type { FetchHandler, RunningServer, ServeOptions } from "./types.ts";
import { listenUrl } from "./types.ts";

export type { RunningServer, ServeOptions } from "./types.ts";

/** Most bytes of an unwanted body read and discarded after an early answer, and for how long. */
const DISCARD_MAX_BYTES = 16 * 1024 * 1024;
const DISCARD_MAX_MS = 5_000;

/**
 * The request body as a web stream with backpressure, started by the handler's first read:
 * only then does `onFirstRead` run (it sends `100 Continue` to a client waiting for it), so a
 * handler that refuses a declared length never invites the body. Cancelling (a body cap hit)
 * stops reading.
 */
function bodyStream(req: IncomingMessage, onFirstRead: () => void): ReadableStream<Uint8Array> {
  let done = false;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        onFirstRead();
        req.on("data", (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          // High-water mark 0 keeps the stream lazy (no pull before a read); still buffer a few
          // chunks before pausing the socket.
          if ((controller.desiredSize ?? 0) <= -4) req.pause();
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
      }
      req.resume();
    },
    cancel() {
      done = true;
      req.pause();
    },
  }, { highWaterMark: 0 });
}

/**
 * After an answer given before the whole body arrived: reads the rest and drops it, so the
 * connection ends cleanly (closing with unread data would reset it, and a client still
 * uploading would lose the answer). Past {@link DISCARD_MAX_BYTES} or {@link DISCARD_MAX_MS}
 * the connection is dropped: the client has had the answer long enough.
 */
function discardRest(req: IncomingMessage): void {
  let seen = 0;
  const drop = () => req.socket.destroy();
  const timer = setTimeout(drop, DISCARD_MAX_MS);
  (timer as { unref?: () => void }).unref?.();
  req.on("data", (chunk: Buffer) => {
    seen += chunk.byteLength;
    if (seen > DISCARD_MAX_BYTES) drop();
  });
  const stop = () => clearTimeout(timer);
  req.once("end", stop);
  req.once("close", stop);
  req.resume();
}

function toRequest(
  req: IncomingMessage,
  signal: AbortSignal,
  onFirstRead: () => void,
): Request {
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
    ...(hasBody ? { body: bodyStream(req, onFirstRead), duplex: "half" } : {}),
  } as RequestInit);
}

async function send(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
  withheld: boolean,
): Promise<void> {
  // An answer before the whole body was read (413, 415, …). A client still waiting for
  // `100 Continue` never sends its body: close. Otherwise the body is on its way: drain it.
  if (!req.complete) {
    if (withheld) res.shouldKeepAlive = false;
    else discardRest(req);
  }
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
    const aborter = new AbortController();
    res.once("close", () => aborter.abort());
    if (draining) res.shouldKeepAlive = false;
    // With `Expect: 100-continue`, the body is invited only when the handler reads it.
    let withheld = expect;
    const onFirstRead = () => {
      if (withheld) (withheld = false, res.writeContinue());
    };
    try {
      const response = await handler(toRequest(req, aborter.signal, onFirstRead), {
        remoteAddr: req.socket.remoteAddress ?? null,
      });
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
