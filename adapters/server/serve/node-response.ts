/**
 * Writes a web `Response` to Node's `ServerResponse`: the service's light answers
 * (../http/answer.ts) and any body that is one chunk go out with their `Content-Length` in one
 * write together with the head; a longer body streams with backpressure. An answer given before the request body was read is framed so the
 * connection ends cleanly.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerParts } from "../http/answer.ts";

/** Most bytes of an unwanted body read and discarded after an early answer, and for how long. */
const DISCARD_MAX_BYTES = 16 * 1024 * 1024;
const DISCARD_MAX_MS = 5_000;

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

// Node's `Response` (undici) keeps a body made from a string or bytes as its `source` beside the
// stream, under a symbol described "state": writing that source skips a reader and two reads
// (more than a hello world's whole handler). Anything unexpected reads the stream as before.
const STATE = Object.getOwnPropertySymbols(new Response("")).find((s) => s.description === "state");

/** The body of `response` as the string or bytes it was made from, unread; else `null`. */
function bodySource(response: Response): string | Uint8Array | null {
  if (STATE === undefined || response.bodyUsed) return null;
  const body = (response as unknown as Record<symbol, { body?: unknown } | undefined>)[STATE]
    ?.body as { source?: unknown; stream?: ReadableStream; length?: unknown } | null | undefined;
  if (body === null || body === undefined || body.stream?.locked !== false) return null;
  const source = body.source;
  if (typeof source === "string") return source;
  return source instanceof Uint8Array && source.byteLength === body.length ? source : null;
}

/** The response head as Node's flat `[name, value, …]` list. */
function head(response: Response): string[] {
  const out: string[] = [];
  response.headers.forEach((v, k) => out.push(k, v));
  return out;
}

/**
 * Sends `response` on `res`. `withheld`: the client is still waiting for `100 Continue`, so it
 * will never send its body (the connection closes after the answer).
 *
 * @example
 * ```ts
 * import type { IncomingMessage, ServerResponse } from "node:http";
 * declare const req: IncomingMessage, res: ServerResponse;
 * await send(req, res, new Response("ok"), false);
 * ```
 */
export async function send(
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
  const light = answerParts(response);
  if (light !== null) {
    const out: string[] = [];
    for (const k in light.headers) out.push(k, light.headers[k]!);
    out.push("content-length", String(Buffer.byteLength(light.body)));
    res.writeHead(light.status, out);
    res.end(light.body);
    return;
  }
  const headers = head(response);
  const source = bodySource(response);
  if (source !== null) {
    if (!response.headers.has("content-length")) {
      headers.push("content-length", String(Buffer.byteLength(source)));
    }
    res.writeHead(response.status, headers);
    res.end(source);
    return;
  }
  if (response.body === null) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    const first = await reader.read();
    const second = first.done ? first : await reader.read();
    if (second.done) {
      // The whole body in hand: one write with its length (no chunked framing).
      const body = first.value ?? new Uint8Array(0);
      if (!response.headers.has("content-length")) {
        headers.push("content-length", String(body.byteLength));
      }
      res.writeHead(response.status, headers);
      res.end(body);
      return;
    }
    res.writeHead(response.status, headers);
    res.write(first.value);
    let chunk: ReadableStreamReadResult<Uint8Array> = second;
    while (!chunk.done) {
      if (!res.write(chunk.value)) await new Promise<void>((r) => res.once("drain", () => r()));
      chunk = await reader.read();
    }
    res.end();
  } catch {
    res.destroy();
  }
}
