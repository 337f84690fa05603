/**
 * JWS compact serialization without crypto: building the signing input from a header and a
 * payload, and splitting a token into its verified-shape parts (SPEC §4). Signing and
 * verifying happen in adapters; the core only produces and inspects bytes.
 *
 * @module
 */
import { errorOf } from "../errors/error.ts";
import { utf8Length } from "../wire/constants.ts";
import { decodeBase64UrlInto, encodeBase64Url } from "./base64url.ts";
import { hasDuplicateMembersByQuotes, hasDuplicateMembersIn } from "./members.ts";
import { decodeUtf8, encodeUtf8 } from "./utf8.ts";

/** Token size cap in bytes (SPEC §4.2). */
export const MAX_TOKEN_BYTES = 8192;

/** Encodes a JSON value as base64url of its UTF-8 serialization. */
export function encodeJsonSegment(value: unknown): string {
  return encodeBase64Url(encodeUtf8(JSON.stringify(value)));
}

/**
 * The signing input of SPEC §4.8: `base64url(header) "." base64url(payload)`.
 *
 * @example
 * ```ts
 * import { encodeBase64Url } from "./base64url.ts";
 * import type { DevicePublicJwk, ProofClaims } from "../wire/tokens.ts";
 * declare const jwk: DevicePublicJwk;
 * declare const claims: ProofClaims;
 * declare function sign(input: string): Promise<Uint8Array>;
 * const input = signingInput({ alg: "EdDSA", typ: "ds-proof+jwt", jwk }, claims);
 * const token = `${input}.${encodeBase64Url(await sign(input))}`;
 * ```
 */
export function signingInput(header: object, payload: object): string {
  return `${encodeJsonSegment(header)}.${encodeJsonSegment(payload)}`;
}

/** Joins a signing input and raw signature bytes into a compact token. */
export function compact(input: string, signature: Uint8Array): string {
  return `${input}.${encodeBase64Url(signature)}`;
}

/** A token split into its decoded parts. */
export interface ParsedJws {
  /** Decoded protected header. */
  readonly header: Record<string, unknown>;
  /** Decoded payload. */
  readonly payload: Record<string, unknown>;
  /** The ASCII signing input (first two segments). */
  readonly signingInput: string;
  /** Raw signature bytes. */
  readonly signature: Uint8Array;
}

/**
 * Turns bytes that are all ASCII (< 0x80) into the string of one character per byte: what a
 * host does natively (e.g. `Buffer#toString("latin1")`, `TextDecoder`), many times faster than
 * `String.fromCharCode` on the bytes. It must answer exactly that string; the bytes are only
 * valid during the call.
 */
export type AsciiText = (bytes: Uint8Array) => string;

// Conversions known to answer exactly `String.fromCharCode` of the bytes (the hosts' own: Buffer,
// TextDecoder). The token memory treats them all as the core's own conversion: a parse decoded
// with one is the parse every other exact one would make, so a process whose service and
// verifier convert differently (node:crypto's Buffer and WebCrypto's TextDecoder) shares it.
const EXACT = new WeakSet<AsciiText>();

/**
 * Declares `asciiText` exact: for every ASCII byte array it answers `String.fromCharCode` of the
 * bytes, and it does not depend on `this`. For a host's native conversion (the crypto adapters
 * mark theirs); a parse decoded by an exact conversion is shared with callers of any other exact
 * one, so a conversion marked wrongly would hand its wrong text to them. Returns `asciiText`.
 *
 * @example
 * ```ts
 * const ascii = markExactAscii((bytes) => String.fromCharCode(...bytes));
 * isExactAscii(ascii); // true
 * ```
 */
export function markExactAscii(asciiText: AsciiText): AsciiText {
  EXACT.add(asciiText);
  return asciiText;
}

/**
 * Whether `asciiText` was declared exact with {@link markExactAscii}.
 *
 * @example
 * ```ts
 * isExactAscii((b) => String.fromCharCode(...b)); // false: never declared
 * ```
 */
export function isExactAscii(asciiText: AsciiText): boolean {
  return EXACT.has(asciiText);
}

// The conversion a remembered parse is answered for: one class for the core's own and every
// exact conversion, and each other conversion a class of its own.
const conversionOf = (asciiText: AsciiText | undefined): AsciiText | undefined =>
  asciiText === undefined || EXACT.has(asciiText) ? undefined : asciiText;

/**
 * Splits and decodes a compact token per SPEC §4.2–§4.3 (steps S1–S2): size cap, three
 * canonical base64url segments, UTF-8 JSON objects without duplicate member names. Throws
 * `ERR_TOKEN_TOO_LARGE` or `ERR_TOKEN_MALFORMED`. `asciiText`, a host's native conversion,
 * only changes how fast an ASCII payload becomes text. With `share`, the result may be shared
 * with other calls (of a bounded memory) that pass the same token again with the same
 * `asciiText` (the same function object, or any two declared exact with {@link markExactAscii}),
 * for tokens that recur (session tokens): it and its payload then are frozen, and the signature
 * must only be read.
 * Without it, every part is a fresh object of the caller's own.
 *
 * @example
 * ```ts
 * declare const token: string;
 * const { header, payload } = parseJws(token);
 * ```
 */
export function parseJws(token: string, asciiText?: AsciiText, share = false): ParsedJws {
  if (typeof token !== "string") throw malformed("a token must be a string");
  if (share) {
    // A token seen before, character for character: it passed every step below then, and they
    // are a pure function of the token, so its parts are those it had (one frozen object).
    const known = payloads.get(charsKey(token, token.length - KEY_AT));
    // The same conversion too: a caller's own `asciiText` that answers wrong text must not hand
    // its parse to callers of another (a custom crypto is trusted with its own calls only).
    if (
      known !== undefined && known.token === token &&
      known.asciiText === conversionOf(asciiText)
    ) {
      return known.parsed;
    }
  }
  // S1 counts UTF-8 bytes; only a string longer than MAX/3 code units can exceed it.
  if (
    token.length > MAX_TOKEN_BYTES ||
    (token.length > MAX_TOKEN_BYTES / 3 && utf8Length(token) > MAX_TOKEN_BYTES)
  ) {
    throw errorOf("ERR_TOKEN_TOO_LARGE", `a token is at most ${MAX_TOKEN_BYTES} bytes`);
  }
  const dot1 = token.indexOf(".");
  const dot2 = dot1 < 0 ? -1 : token.indexOf(".", dot1 + 1);
  if (dot2 < 0 || token.indexOf(".", dot2 + 1) >= 0) {
    throw malformed("a compact JWS has three segments");
  }
  if (dot1 === 0 || dot2 === dot1 + 1 || dot2 === token.length - 1) {
    throw malformed("empty segment");
  }
  // Segments are read in place (offsets, not slices): faster on V8, no string per segment.
  const signature = new Uint8Array(((token.length - dot2 - 1) * 3) >> 2);
  if (decodeBase64UrlInto(token, signature, dot2 + 1) < 0) {
    throw malformed("signature is not canonical base64url");
  }
  const header = headerOf(token.slice(0, dot1));
  const payload = decodeObject(token, dot1 + 1, dot2, "payload", asciiText);
  const parsed = { header, payload, signingInput: token.slice(0, dot2), signature };
  if (share) remember(token, parsed, asciiText);
  return parsed;
}

// Headers repeat across tokens (one per service key, one per device key), so decoded headers are
// memoized by their exact segment: a pure function of the string, bounded, and frozen so that
// no caller can alter what another one receives.
const HEADER_CACHE_MAX = 256;
const headers = new Map<string, Record<string, unknown>>();
// The two headers seen last (a secure token alternates a device and a service header) are
// compared before the map: a string comparison, where a map lookup hashes the new slice.
let last = { segment: "", header: {} as Record<string, unknown> };
let previous = last;

function headerOf(segment: string): Record<string, unknown> {
  if (segment === last.segment) return last.header;
  if (segment === previous.segment) {
    const hit = previous;
    previous = last;
    last = hit;
    return hit.header;
  }
  const header = decodeHeader(segment);
  previous = last;
  last = { segment, header };
  return header;
}

function decodeHeader(segment: string): Record<string, unknown> {
  const hit = headers.get(segment);
  if (hit !== undefined) return hit;
  const header = deepFreeze(decodeObject(segment, 0, segment.length, "header"));
  if (headers.size >= HEADER_CACHE_MAX) headers.delete(headers.keys().next().value!);
  headers.set(segment, header);
  return header;
}

// Tokens a verifier sees again and again (a session token on every request of its session, and
// inside every secure token of it), decoded once: base64url, UTF-8, JSON and the duplicate-name
// checks are a pure function of the token, so a hit answers exactly what decoding would. Bounded,
// oldest out first; only successes are kept. Every claim check still runs on each verification,
// and the signature is still verified.
//   Keyed by four characters near the end of the signature (uniformly random; the very last
// carry padding bits): a small integer hashes at once, where a string key would hash the whole
// token on every call. The whole token is then compared: a memcmp, or nothing when the caller
// passes the same string again. Tokens whose keys collide, by chance or by a forger's choice of
// signature, only push each other out. A hit hands out the same frozen parts, the signing input
// the same string, so a host can recognise the bytes it encoded last (adapters/crypto/node.ts).
//   A token is kept from its second sighting on: a token seen once (a stream of one-off tokens)
// would cost a frozen copy and garbage collector work for nothing. The first sighting leaves a
// mark of its signature in a fixed table.
const PAYLOAD_CACHE_MAX = 1024;
const SEEN = /* @__PURE__ */ new Int32Array(4096);
const payloads = new Map<number, Known>();
// Where the key's four characters start, counted from the token's end.
const KEY_AT = 8;
interface Known {
  readonly token: string;
  /** The conversion that decoded the payload (`undefined` for the core's own or an exact one). */
  readonly asciiText: AsciiText | undefined;
  /** Shared by every hit: deeply frozen but the signature, which is only ever read. */
  readonly parsed: ParsedJws;
}

// Four characters of the signature from `at`, 7 bits each (they are ASCII when valid; an invalid
// one, or one outside a short token, only makes a key that no valid entry matches).
function charsKey(token: string, at: number): number {
  return ((token.charCodeAt(at) & 127) << 21) | ((token.charCodeAt(at + 1) & 127) << 14) |
    ((token.charCodeAt(at + 2) & 127) << 7) | (token.charCodeAt(at + 3) & 127);
}

function remember(token: string, parsed: ParsedJws, asciiText: AsciiText | undefined): void {
  const key = charsKey(token, token.length - KEY_AT);
  const mark = charsKey(token, token.length - KEY_AT - 4) | 1 << 30;
  if (SEEN[key & 4095] !== mark) {
    SEEN[key & 4095] = mark;
    return;
  }
  deepFreeze(parsed.payload);
  if (!payloads.has(key) && payloads.size >= PAYLOAD_CACHE_MAX) {
    payloads.delete(payloads.keys().next().value!);
  }
  payloads.set(key, { token, asciiText: conversionOf(asciiText), parsed: Object.freeze(parsed) });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// Segments decode into one scratch buffer (a token is at most MAX_TOKEN_BYTES, and decoding is
// synchronous), counting the quotes and backslashes of the text on the way.
const SCRATCH = /* @__PURE__ */ new Uint8Array(MAX_TOKEN_BYTES);
const COUNTS = /* @__PURE__ */ new Int32Array(3);

function decodeObject(
  s: string,
  from: number,
  to: number,
  what: string,
  asciiText?: AsciiText,
): Record<string, unknown> {
  const n = decodeBase64UrlInto(s, SCRATCH, from, to, COUNTS);
  if (n < 0) throw malformed(`${what} is not canonical base64url`);
  const bytes = SCRATCH.subarray(0, n);
  let text: string | null;
  if (COUNTS[2]! < 0x80) text = asciiText === undefined ? asciiString(bytes) : asciiText(bytes);
  else {
    // A leading U+FEFF stays in the text (decodeUtf8 keeps a BOM), so JSON.parse rejects it:
    // one token, one encoding.
    text = decodeUtf8(bytes);
    if (text === null) throw malformed(`${what} is not UTF-8`);
  }
  const quotes = COUNTS[0]!, backslashes = COUNTS[1]!;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(`${what} is not a JSON object`);
  }
  // Without escapes the quotes decoding counted settle it; with them, the names are read.
  if (
    backslashes === 0
      ? hasDuplicateMembersByQuotes(quotes, value)
      : hasDuplicateMembersIn(text, value)
  ) throw malformed(`${what} has duplicate member names`);
  return value as Record<string, unknown>;
}

// ASCII bytes as a string: String.fromCharCode reads a plain array of small integers about twice
// as fast as a typed array on V8 (no element-kind conversion), in chunks its arguments allow.
function asciiString(bytes: Uint8Array): string {
  let s = "";
  for (let at = 0; at < bytes.length; at += 4096) {
    const end = Math.min(at + 4096, bytes.length);
    const units: number[] = new Array(end - at);
    for (let i = at; i < end; i++) units[i - at] = bytes[i]!;
    s += String.fromCharCode.apply(null, units);
  }
  return s;
}

function malformed(message: string): Error {
  return errorOf("ERR_TOKEN_MALFORMED", message);
}
