/**
 * Request bodies, capped before they are read whole (SPEC §6.0, §14): a declared
 * `Content-Length` above the cap is refused at once, and the stream is read chunk by chunk and
 * cancelled as soon as it passes the cap. Then media type, UTF-8 and JSON are checked.
 *
 * @module
 */
import { errorFromCode } from "../../../core/mod.ts";
import { jsonScan, MAX_JSON_DEPTH } from "../../../core/wire/primitives.ts";

/** The media types the APIs accept. */
export type MediaType = "json" | "text" | "form";

const MEDIA: Record<string, MediaType> = {
  "application/json": "json",
  "text/plain": "text",
  "application/x-www-form-urlencoded": "form",
};

/**
 * The request's media type among `accepted`; `ERR_UNSUPPORTED_MEDIA_TYPE` otherwise. No
 * `Content-Type` is `"empty"` when `allowEmpty` ({@link readJson} then refuses a body with it).
 *
 * @example
 * ```ts
 * declare const request: Request;
 * mediaType(request, ["json", "text"]); // "text" for a sendBeacon
 * ```
 */
export function mediaType(
  request: Request,
  accepted: readonly MediaType[],
  allowEmpty = false,
): MediaType | "empty" {
  const header = request.headers.get("content-type");
  if (header === null) {
    if (allowEmpty) return "empty";
    throw errorFromCode(
      "ERR_UNSUPPORTED_MEDIA_TYPE",
      `Content-Type must be one of ${names(accepted)}`,
    );
  }
  const [type, ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  const kind = MEDIA[type!];
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/"/g, "");
  if (
    kind === undefined || !accepted.includes(kind) || (charset !== undefined && charset !== "utf-8")
  ) {
    throw errorFromCode(
      "ERR_UNSUPPORTED_MEDIA_TYPE",
      `Content-Type must be one of ${names(accepted)} (UTF-8)`,
    );
  }
  return kind;
}

/** Whether the request declares a body: a `Content-Length` other than 0. */
function declaresBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return length !== null && length.trim() !== "0";
}

function untypedBody(): Error {
  return errorFromCode(
    "ERR_UNSUPPORTED_MEDIA_TYPE",
    "a request body needs its Content-Type (application/json)",
  );
}

function names(kinds: readonly MediaType[]): string {
  return kinds.map((k) => Object.keys(MEDIA).find((m) => MEDIA[m] === k)).join(", ");
}

/**
 * The body's bytes, at most `maxBytes`; `ERR_BODY_TOO_LARGE` (413) as soon as it is known to be
 * larger, without reading the rest.
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const bytes = await readCapped(request, 65536);
 * ```
 */
export async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d{1,15}$/.test(declared.trim()) || Number(declared) > maxBytes)) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (declared !== null) {
    // A server frames the body by its Content-Length, so at most that many bytes arrive: read
    // it in one go (cheaper than chunk by chunk), and still refuse a larger in-process body.
    // Not through `request.body`: the Node adapter answers `bytes()` from its buffer, without
    // making a stream.
    const bytes = await bodyRead(whole(request));
    if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
    return bytes;
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await bodyRead(reader.read());
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** The whole body: `bytes()` where the runtime has it (no copy), else `arrayBuffer()`. */
function whole(request: Request): Promise<Uint8Array> {
  const r = request as Request & { bytes?: () => Promise<Uint8Array> };
  return typeof r.bytes === "function"
    ? r.bytes()
    : request.arrayBuffer().then((b) => new Uint8Array(b));
}

/**
 * The request body stopped arriving: the client hung up or the connection broke mid-body. Not a
 * service failure, and nobody is left to answer (logged as an aborted request).
 */
export class BodyAborted extends Error {
  constructor(cause: unknown) {
    super("the request body ended early: the client went away", { cause });
    this.name = "BodyAborted";
  }
}

/** Awaits a read of the request body, turning a transport failure into {@link BodyAborted}. */
async function bodyRead<T>(read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (e) {
    throw new BodyAborted(e);
  }
}

function tooLarge(max: number) {
  return errorFromCode("ERR_BODY_TOO_LARGE", `the body must be at most ${max} bytes`, {
    details: { max_bytes: max },
  });
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const replacing = new TextDecoder("utf-8", { ignoreBOM: false });

/**
 * UTF-8 text of `bytes`; `ERR_INVALID_BODY` for invalid UTF-8. Decoded first by the replacing
 * decoder (Deno's fatal one costs ~6× as much: 1.6 µs against 0.3 µs on a 3 KB batch; Node and
 * Bun the same): valid UTF-8 decodes the same either way, and a text without U+FFFD had nothing
 * replaced, so only one with U+FFFD (replaced, or sent as such) goes to the fatal decoder.
 */
export function utf8(bytes: Uint8Array): string {
  const text = replacing.decode(bytes);
  if (!text.includes("\uFFFD")) return text;
  try {
    return decoder.decode(bytes);
  } catch {
    throw errorFromCode("ERR_INVALID_BODY", "the body is not valid UTF-8");
  }
}

/**
 * Parses a JSON body; `ERR_INVALID_BODY` when it is not JSON (or empty and `emptyAs` unset) or
 * nests deeper than {@link MAX_JSON_DEPTH} (SPEC §12), checked before parsing.
 *
 * @example
 * ```ts
 * declare const bytes: Uint8Array;
 * const body = parseJson(utf8(bytes));
 * ```
 */
export function parseJson(text: string, emptyAs?: unknown): unknown {
  return scanAndParse(text, emptyAs, 0, false).value;
}

/** {@link parseJson}, with the bound the scan found for containers at `spanDepth`. */
function scanAndParse(
  text: string,
  emptyAs: unknown,
  spanDepth: number,
  ascii: boolean,
): { value: unknown; spanBound: number } {
  if (emptyAs !== undefined && text.trim() === "") return { value: emptyAs, spanBound: 0 };
  const scan = jsonScan(text, MAX_JSON_DEPTH, spanDepth, ascii);
  if (scan.tooDeep) {
    throw errorFromCode("ERR_INVALID_BODY", `the body nests deeper than ${MAX_JSON_DEPTH} levels`, {
      details: { max_depth: MAX_JSON_DEPTH },
    });
  }
  try {
    return { value: JSON.parse(text), spanBound: scan.spanBound };
  } catch {
    throw errorFromCode("ERR_INVALID_BODY", "the body is not valid JSON");
  }
}

/**
 * Reads a capped JSON body (media types `accepted`). With `spanDepth`, `spanBound` bounds the
 * serialized size of every array and object that deep (core `jsonScan`; else 0).
 *
 * @example
 * ```ts
 * declare const request: Request;
 * const { value, bytes } = await readJson(request, { maxBytes: 65536, accepted: ["json"] });
 * ```
 */
export async function readJson(
  request: Request,
  o: { maxBytes: number; accepted: readonly MediaType[]; emptyAs?: unknown; spanDepth?: number },
): Promise<{ value: unknown; bytes: number; spanBound: number }> {
  const kind = mediaType(request, o.accepted, o.emptyAs !== undefined);
  // No Content-Type passes only without a body (SPEC §6.0): a declared length says so before
  // the body is read; chunks (which may be none) and a request made in process show it once read,
  // and a body too large to read has one all the same (the media type is checked first, §6.6.1).
  if (kind === "empty" && declaresBody(request)) throw untypedBody();
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(request, o.maxBytes);
  } catch (e) {
    if (kind === "empty" && (e as { code?: unknown }).code === "ERR_BODY_TOO_LARGE") {
      throw untypedBody();
    }
    throw e;
  }
  if (kind === "empty" && bytes.byteLength > 0) throw untypedBody();
  const text = utf8(bytes);
  // As many UTF-8 bytes as UTF-16 units: every character is ASCII (jsonScan need not look).
  const ascii = bytes.byteLength === text.length;
  const { value, spanBound } = scanAndParse(text, o.emptyAs, o.spanDepth ?? 0, ascii);
  return { value, bytes: bytes.byteLength, spanBound };
}
