/**
 * A web `Request` over Node's `IncomingMessage`, built lazily: `method`, `url` and `headers`
 * are read from the parsed message when asked for, and the WHATWG `Request`, its `AbortSignal`
 * and body stream are constructed only if the handler touches something else. Under load those
 * objects (and the `DOMException` an abort makes) cost more than the service's own work; the
 * idea is `@hono/node-server`'s, kept here with our body rules (100-continue, caps, aborts).
 *
 * A body whose length is declared and small is already buffered when the handler runs
 * (`arrayBuffer`/`text`/`json` answer from the bytes); any other body is a stream with
 * backpressure, started by the handler's first read.
 *
 * @module
 */
import { forwardToReal } from "../forward.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { lazyHeaders, realHeaders } from "./node-headers.ts";

/** A body declared this small is read before the handler runs (never with 100-continue). */
export const BUFFER_MAX_BYTES = 64 * 1024;

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
 * Reads a declared body of at most {@link BUFFER_MAX_BYTES} whole: its bytes, or the error that
 * ended it (a client hanging up mid-body), which the handler meets when it reads.
 */
export function bufferBody(req: IncomingMessage): Promise<Uint8Array | Error> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => chunks.push(c);
    const finish = (result: Uint8Array | Error) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      resolve(result);
    };
    const onEnd = () => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    const onError = (e: Error) => finish(e);
    const onClose = () => finish(new Error("the connection closed"));
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  });
}

/** The path and query of a request target (absolute-form keeps only those; garbage is `/`). */
function pathOf(raw: string): string {
  if (raw.startsWith("/")) return raw;
  try {
    const u = new URL(raw); // absolute-form (proxies)
    return u.pathname + u.search;
  } catch {
    return "/"; // "*" or garbage: "/" answers 404
  }
}

/** What the lazy request needs from the adapter. */
export interface LazyInit {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The body, already read (bytes, or the error that cut it), or `undefined`: stream it. */
  readonly buffered: Uint8Array | Error | undefined;
  /** Runs at the first read of a streamed body (sends `100 Continue` if it was withheld). */
  readonly onFirstRead: () => void;
}

const REAL = Symbol("request");

/** The `Request` the handler sees; see the module comment. */
class LazyRequest {
  readonly #i: LazyInit;
  readonly #method: string;
  #url: string | undefined;
  #headers: Headers | undefined;
  #signal: AbortSignal | undefined;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #used = false;
  #real: Request | undefined;

  constructor(init: LazyInit) {
    this.#i = init;
    this.#method = init.req.method ?? "GET";
  }

  get method(): string {
    return this.#method;
  }
  get url(): string {
    // The Host header is not trusted for anything (SPEC §5.2.1); any base works for the path.
    return this.#url ??= `http://localhost${pathOf(this.#i.req.url ?? "/")}`;
  }
  get headers(): Headers {
    return this.#headers ??= lazyHeaders(this.#i.req.rawHeaders);
  }
  /** Aborted only when the connection closes before the response was written. */
  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal;
    const aborter = new AbortController();
    const { res } = this.#i;
    const early = () => {
      if (!res.writableFinished) aborter.abort();
    };
    if (res.destroyed) early();
    else res.once("close", early);
    return this.#signal = aborter.signal;
  }
  get body(): ReadableStream<Uint8Array> | null {
    // Once the real request exists (a clone, an uncommon member), it owns the body.
    if (this.#real !== undefined) return this.#real.body;
    if (this.#body !== undefined) return this.#body;
    if (this.#method === "GET" || this.#method === "HEAD") return this.#body = null;
    const b = this.#i.buffered;
    if (b === undefined) return this.#body = bodyStream(this.#i.req, this.#i.onFirstRead);
    return this.#body = new ReadableStream<Uint8Array>({
      start(c) {
        if (b instanceof Error) c.error(b);
        else (c.enqueue(b), c.close());
      },
    });
  }
  get bodyUsed(): boolean {
    if (this.#real !== undefined) return this.#real.bodyUsed;
    return this.#used || (this.#body?.locked ?? false);
  }

  /** The buffered bytes, when the body was buffered and nothing read it yet. */
  #bytes(): Promise<Uint8Array> | null {
    const b = this.#i.buffered;
    if (b === undefined || this.#method === "GET" || this.#method === "HEAD") return null;
    if (this.#real !== undefined) return null; // the real request reads it (see `body`)
    if (this.bodyUsed) return Promise.reject(new TypeError("the body has already been read"));
    this.#used = true;
    return b instanceof Error ? Promise.reject(b) : Promise.resolve(b);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#bytes();
    if (b === null) return this[REAL]().arrayBuffer();
    return b.then((u) => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer);
  }
  bytes(): Promise<Uint8Array> {
    const b = this.#bytes();
    return b === null ? this[REAL]().arrayBuffer().then((a) => new Uint8Array(a)) : b;
  }
  text(): Promise<string> {
    const b = this.#bytes();
    return b === null ? this[REAL]().text() : b.then((u) => new TextDecoder().decode(u));
  }
  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t));
  }
  blob(): Promise<Blob> {
    return this[REAL]().blob();
  }
  formData(): Promise<FormData> {
    return this[REAL]().formData();
  }
  clone(): Request {
    return this[REAL]().clone();
  }

  /** The WHATWG `Request`, made once, for whatever the fast paths above do not cover. */
  [REAL](): Request {
    if (this.#real !== undefined) return this.#real;
    const body = this.body; // before #real is set: the lazy stream (or null)
    return this.#real = new Request(this.url, {
      method: this.#method,
      headers: realHeaders(this.headers),
      signal: this.signal,
      ...(body !== null ? { body, duplex: "half" } : {}),
    } as RequestInit);
  }
}

// Every other `Request` member (cache, mode, redirect, …) reads the real request.
forwardToReal(LazyRequest, Request, (self) => self[REAL]());

/**
 * The handler's `Request` for a Node request.
 *
 * @example
 * ```ts
 * import type { IncomingMessage, ServerResponse } from "node:http";
 * declare const req: IncomingMessage, res: ServerResponse;
 * const request = lazyRequest({ req, res, buffered: undefined, onFirstRead: () => {} });
 * ```
 */
export function lazyRequest(init: LazyInit): Request {
  return new LazyRequest(init) as unknown as Request;
}
