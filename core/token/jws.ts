/**
 * JWS compact serialization without crypto: building the signing input from a header and a
 * payload, and splitting a token into its verified-shape parts (SPEC §4). Signing and
 * verifying happen in adapters; the core only produces and inspects bytes.
 *
 * @module
 */
import { errorFromCode } from "../errors/error.ts";
import { decodeBase64Url, encodeBase64Url } from "./base64url.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Token size cap in bytes (SPEC §4.2). */
export const MAX_TOKEN_BYTES = 8192;

/** Encodes a JSON value as base64url of its UTF-8 serialization. */
export function encodeJsonSegment(value: unknown): string {
  return encodeBase64Url(encoder.encode(JSON.stringify(value)));
}

/**
 * The signing input of SPEC §4.8: `base64url(header) "." base64url(payload)`.
 *
 * @example
 * ```ts
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
 * Splits and decodes a compact token per SPEC §4.2–§4.3 (steps S1–S2): size cap, three
 * canonical base64url segments, UTF-8 JSON objects without duplicate member names. Throws
 * `ERR_TOKEN_TOO_LARGE` or `ERR_TOKEN_MALFORMED`.
 *
 * @example
 * ```ts
 * const { header, payload } = parseJws(token);
 * ```
 */
export function parseJws(token: string): ParsedJws {
  if (typeof token !== "string") throw malformed("a token must be a string");
  if (token.length > MAX_TOKEN_BYTES) throw errorFromCode("ERR_TOKEN_TOO_LARGE");
  const parts = token.split(".");
  if (parts.length !== 3) throw malformed("a compact JWS has three segments");
  const [h, p, s] = parts as [string, string, string];
  if (h === "" || p === "" || s === "") throw malformed("empty segment");
  const signature = decodeBase64Url(s);
  if (signature === null) throw malformed("signature is not canonical base64url");
  return {
    header: decodeObject(h, "header"),
    payload: decodeObject(p, "payload"),
    signingInput: `${h}.${p}`,
    signature,
  };
}

function decodeObject(segment: string, what: string): Record<string, unknown> {
  const bytes = decodeBase64Url(segment);
  if (bytes === null) throw malformed(`${what} is not canonical base64url`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw malformed(`${what} is not UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed(`${what} is not a JSON object`);
  }
  if (hasDuplicateMembers(text)) throw malformed(`${what} has duplicate member names`);
  return value as Record<string, unknown>;
}

/**
 * Whether a (valid) JSON text has an object with two members of the same name, at any depth.
 * `JSON.parse` silently keeps the last one, which lets two parsers disagree about a claim.
 */
export function hasDuplicateMembers(text: string): boolean {
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "{") {
      stack.push(new Set());
      expectKey = true;
      i++;
    } else if (c === "[") {
      stack.push(null);
      expectKey = false;
      i++;
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
      i++;
    } else if (c === ",") {
      expectKey = stack[stack.length - 1] instanceof Set;
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey) {
        // Compare decoded names: "a" and "\u0061" are the same member.
        const name = JSON.parse(text.slice(i, j + 1)) as string;
        const keys = stack[stack.length - 1] as Set<string>;
        if (keys.has(name)) return true;
        keys.add(name);
        expectKey = false;
      }
      i = j + 1;
    } else i++;
  }
  return false;
}

function malformed(message: string) {
  return errorFromCode("ERR_TOKEN_MALFORMED", message);
}
