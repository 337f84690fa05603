/**
 * Signing the service's own tokens on the hot path (an action token per trigger): the same
 * compact JWS as `signToken` of `adapters/crypto/mint.ts` — byte for byte, a property test holds
 * it to that (test/server/service/sign.test.ts) — built for less. The header segment is the same
 * for every token of a key and kind, so it is encoded once; the payload and the signature go
 * through the runtime's native base64url where there is one (`Buffer`, on Node and Bun), and
 * the UTF-8 comes from the faster of `Buffer` and `TextEncoder` on each runtime.
 *
 * @module
 */
import { encodeBase64Url, errorFromCode } from "../../core/mod.ts";
import type { TokenSigner } from "../crypto/types.ts";

const encoder = new TextEncoder();

type NativeBuffer = {
  from(s: string, enc: "utf8"): Uint8Array & { toString(enc: "base64url"): string };
  from(b: ArrayBufferLike, offset: number, length: number): { toString(enc: "base64url"): string };
};
const Native = (globalThis as { Buffer?: NativeBuffer }).Buffer;

/** base64url of the UTF-8 of `text`, no padding. */
const textSegment: (text: string) => string = Native !== undefined
  ? (text) => Native.from(text, "utf8").toString("base64url")
  : (text) => encodeBase64Url(encoder.encode(text));

/** base64url of `bytes`, no padding. */
const bytesSegment: (bytes: Uint8Array) => string = Native !== undefined
  ? (b) => Native.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url")
  : encodeBase64Url;

/**
 * UTF-8 of `text`, to sign. Node's TextEncoder costs ~2 µs on a signing input, its Buffer a
 * quarter of that; on Bun (a Buffer too) and Deno TextEncoder is the faster.
 */
const utf8Bytes: (text: string) => Uint8Array =
  Native !== undefined && (globalThis as { Bun?: unknown }).Bun === undefined
    ? (text) => Native.from(text, "utf8")
    : (text) => encoder.encode(text);

/** Header segments by their JSON (a service has a few keys and four token kinds). */
const headers = new Map<string, string>();
const MAX_HEADERS = 64;

function headerSegment(header: object): string {
  const json = JSON.stringify(header);
  let segment = headers.get(json);
  if (segment === undefined) {
    if (headers.size >= MAX_HEADERS) headers.delete(headers.keys().next().value!);
    segment = textSegment(json);
    headers.set(json, segment);
  }
  return segment;
}

/**
 * Signs `header` and `claims` (the service's own, built by the core token builders) as a compact
 * JWS, as `signToken` does.
 *
 * @example
 * ```ts
 * import { actionToken } from "../../core/token/mod.ts";
 * import type { ServiceSigner } from "../crypto/types.ts";
 * declare const signer: ServiceSigner;
 * const { header, claims } = actionToken({
 *   alg: signer.alg, kid: signer.kid, iss: "https://risk.example.com", aud: "shop", sub: "s_1",
 *   aid: "a_1", act: "login", iat: 1795000000, lifetime: 3600, jti: "j".repeat(22),
 * });
 * const token = await signServiceToken(signer, header, claims);
 * ```
 */
export async function signServiceToken(
  signer: TokenSigner,
  header: object,
  claims: object,
): Promise<string> {
  const input = `${headerSegment(header)}.${textSegment(JSON.stringify(claims))}`;
  const signature = await signer.sign(utf8Bytes(input));
  if (signature.length !== 64) throw errorFromCode("ERR_INTERNAL", "a signature is 64 bytes");
  return `${input}.${bytesSegment(signature)}`;
}
