/**
 * A raw HTTP/1.1 client over `node:net` (Node, Deno and Bun all have it) for what `fetch` cannot
 * send: exact framing (chunked, wrong or missing lengths, `Expect: 100-continue`), bytes a
 * header may not hold, a client that hangs up mid-body. Parses the answer (interim `1xx`
 * answers are collected apart) and fails a request that gets no end within `timeoutMs`.
 *
 * Imported dynamically by the server tests, so the browser bundle never evaluates it.
 */

/** A parsed answer. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Interim answers seen before it (e.g. 100). */
  readonly interim: number[];
}

/** What happened on the connection. */
export interface RawOutcome {
  /** The answer, or `null` when the connection ended without a whole one. */
  readonly response: RawResponse | null;
  /** The connection was reset or errored (EPIPE, ECONNRESET) before an answer was complete. */
  readonly error: string | null;
}

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  /** Fail (reject) when the exchange has not ended by then. */
  readonly timeoutMs: number;
  /**
   * More to write after `head`, each part once the previous one was flushed, stopping as soon as
   * an answer has arrived (a client that stops sending when the server answered early).
   */
  readonly parts?: () => Iterable<Uint8Array | string>;
  /** Hang up right after writing everything (a client that goes away mid-body). */
  readonly hangUp?: boolean;
  /**
   * Write every part even after an answer arrived, and only then take the answer (a client that
   * uploads first and reads afterwards: a server that resets the connection loses its answer).
   */
  readonly keepSending?: boolean;
}

const CRLF2 = "\r\n\r\n";

/**
 * Parses the answer at the start of `buf` (latin1 text), after any interim ones; `eof`: the
 * connection has ended (an answer without length or chunking ends there).
 */
function parse(buf: string, eof = false): { response: RawResponse | null; interim: number[] } {
  const interim: number[] = [];
  let at = 0;
  for (;;) {
    const end = buf.indexOf(CRLF2, at);
    if (end === -1) return { response: null, interim };
    const lines = buf.slice(at, end).split("\r\n");
    const status = Number(lines[0]!.split(" ")[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const start = end + 4;
    if (status >= 100 && status < 200) {
      interim.push(status);
      at = start;
      continue;
    }
    if (headers["content-length"] !== undefined) {
      const n = Number(headers["content-length"]);
      if (buf.length - start < n) return { response: null, interim };
      return { response: { status, headers, body: buf.slice(start, start + n), interim }, interim };
    }
    if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
      let body = "";
      let p = start;
      for (;;) {
        const eol = buf.indexOf("\r\n", p);
        if (eol === -1) return { response: null, interim };
        const size = parseInt(buf.slice(p, eol), 16);
        if (size === 0) return { response: { status, headers, body, interim }, interim };
        if (buf.length < eol + 2 + size + 2) return { response: null, interim };
        body += buf.slice(eol + 2, eol + 2 + size);
        p = eol + 2 + size + 2;
      }
    }
    // Delimited by the connection's end: complete only then.
    const response = eof ? { status, headers, body: buf.slice(start), interim } : null;
    return { response, interim };
  }
}

/**
 * Sends `head` (and `parts`) to the server at `url` and collects what comes back.
 *
 * @example
 * ```ts
 * declare const h: { url: string }; // a running server
 * const { response } = await rawRequest(h.url, "GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n", {
 *   timeoutMs: 10_000,
 * });
 * ```
 */
export async function rawRequest(
  url: string,
  head: Uint8Array | string,
  o: RawRequestOptions,
): Promise<RawOutcome> {
  const net = await import("node:net");
  const { hostname, port } = new URL(url);
  return new Promise<RawOutcome>((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let text = "";
    let error: string | null = null;
    let settled = false;
    const finish = (outcome: RawOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(`no end within ${o.timeoutMs} ms; got ${JSON.stringify(text.slice(0, 200))}`),
        ),
      o.timeoutMs,
    );
    const answered = () => parse(text).response !== null;
    let writing = true;
    const take = () => {
      const { response } = parse(text);
      if (response !== null && !o.hangUp && (!writing || !o.keepSending)) {
        finish({ response, error });
      }
    };
    socket.on("data", (chunk: Uint8Array) => {
      text += new TextDecoder("latin1").decode(chunk);
      take();
    });
    socket.on("error", (e: Error & { code?: string }) => (error = e.code ?? e.message));
    socket.on("close", () => {
      const { response } = parse(text, true);
      finish({
        response,
        error: error ?? (response !== null ? null : text === "" ? "closed" : "truncated"),
      });
    });
    socket.once("connect", async () => {
      const write = (data: Uint8Array | string) =>
        new Promise<void>((done) => {
          if (socket.destroyed || !socket.writable) return done();
          socket.write(data, (e) => {
            if (e) error ??= (e as Error & { code?: string }).code ?? e.message;
            done();
          });
        });
      await write(head);
      for (const part of o.parts?.() ?? []) {
        if (settled || socket.destroyed || (answered() && !o.keepSending)) break;
        await write(part);
      }
      writing = false;
      if (o.hangUp) socket.destroy();
      else take();
    });
  });
}
