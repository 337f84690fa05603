/**
 * WebCrypto (`globalThis.crypto.subtle`) on every runtime: Ed25519 and ES256 (P-256, raw
 * `r || s` signatures, which is what WebCrypto produces), non-extractable key generation,
 * public JWK import/export.
 *
 * @module
 */
import { errorOf } from "../../core/errors/mod.ts";
import type { Alg, DevicePublicJwk } from "../../core/wire/mod.ts";
import type { PublicJwk } from "../../core/token/mod.ts";
import type { TokenSigner, VerifyCrypto } from "./types.ts";

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
let encoder: TextEncoder | undefined;
// Verify parameters, one object each: WebCrypto reads them during the call.
const ED25519 = { name: "Ed25519" }, ECDSA = { name: "ECDSA", hash: "SHA-256" };

// The signing input is ASCII; the host's TextEncoder (made on first use: a module that never
// verifies loads on engines without one) is several times faster than the core's. A session
// token recurs, and the verifier's memory hands out its signing input as the same string, so
// the bytes of the input encoded last are kept (never written to: WebCrypto copies its input).
let lastInput = "";
let lastBytes = /* @__PURE__ */ new Uint8Array(0);
function bytesOf(input: string): Uint8Array<ArrayBuffer> {
  if (input !== lastInput) {
    lastBytes = (encoder ??= new TextEncoder()).encode(input);
    lastInput = input;
  }
  return buf(lastBytes);
}

// WebCrypto's BufferSource excludes views of SharedArrayBuffer; ours never are.
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

/** WebCrypto import/generate parameters of each algorithm. */
export function keyAlgorithm(alg: Alg): EcKeyImportParams | Algorithm {
  return alg === "EdDSA" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
}

/** WebCrypto sign/verify parameters of each algorithm. */
export function signAlgorithm(alg: Alg): EcdsaParams | Algorithm {
  return alg === "EdDSA" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
}

/** The RFC 7638 members of a public key: what is imported, exported and hashed. */
export function publicMembers(jwk: PublicJwk | JsonWebKey): DevicePublicJwk {
  return jwk.kty === "OKP"
    ? { kty: "OKP", crv: "Ed25519", x: jwk.x as string }
    : { kty: "EC", crv: "P-256", x: jwk.x as string, y: (jwk as { y: string }).y };
}

/**
 * Verification with WebCrypto. Key imports and verifies are asynchronous.
 *
 * @example
 * ```ts
 * import { verifySessionToken } from "device-session/verify";
 * declare const token: string;
 * await verifySessionToken(token, {
 *   issuer: "https://risk.example.com",
 *   audience: "demo",
 *   jwks: "https://risk.example.com/.well-known/jwks.json",
 *   crypto: webCrypto,
 * });
 * ```
 */
export const webCrypto: VerifyCrypto<CryptoKey> = {
  async importKey(jwk: PublicJwk, alg: Alg): Promise<CryptoKey | null> {
    try {
      return await subtle().importKey("jwk", publicMembers(jwk), keyAlgorithm(alg), true, [
        "verify",
      ]);
    } catch {
      return null;
    }
  },
  async verify(alg: Alg, key: CryptoKey, input: string, signature: Uint8Array) {
    try {
      return await subtle().verify(
        alg === "EdDSA" ? ED25519 : ECDSA,
        key,
        buf(signature),
        bytesOf(input),
      );
    } catch {
      return false;
    }
  },
  sha256: webSha256,
};

/**
 * SHA-256 with WebCrypto: `webCrypto.sha256` on its own, so that code hashing a thumbprint
 * (a device key's `jkt`) does not carry the verifier.
 *
 * @example
 * ```ts
 * const digest = await webSha256(new TextEncoder().encode("abc")); // 32 bytes
 * ```
 */
export async function webSha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest("SHA-256", buf(data)));
}

/**
 * Generates a key pair; the private key is non-extractable unless asked otherwise.
 *
 * @example
 * ```ts
 * const pair = await generateKeyPair("EdDSA"); // pair.privateKey.extractable === false
 * ```
 */
export async function generateKeyPair(
  alg: Alg,
  options: { readonly extractable?: boolean } = {},
): Promise<CryptoKeyPair> {
  try {
    return await subtle().generateKey(keyAlgorithm(alg), options.extractable ?? false, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
  } catch (e) {
    throw errorOf("ERR_CONFIG", `${alg} key generation is not supported here`, { cause: e });
  }
}

/**
 * Exports the public members of a public CryptoKey.
 *
 * @example
 * ```ts
 * const pair = await generateKeyPair("EdDSA");
 * const jwk = await exportPublicJwk(pair.publicKey); // { kty: "OKP", crv: "Ed25519", x }
 * ```
 */
export async function exportPublicJwk(publicKey: CryptoKey): Promise<DevicePublicJwk> {
  return publicMembers(await subtle().exportKey("jwk", publicKey));
}

/**
 * Imports a private JWK (with `d`) as a signing CryptoKey, non-extractable by default, and its
 * public half.
 *
 * @example
 * ```ts
 * declare const jwk: JsonWebKey; // a private Ed25519 JWK
 * const { privateKey, publicKey } = await importPrivateJwk(jwk, "EdDSA");
 * ```
 */
export async function importPrivateJwk(
  jwk: JsonWebKey,
  alg: Alg,
  options: { readonly extractable?: boolean } = {},
): Promise<CryptoKeyPair> {
  const pub = publicMembers(jwk);
  const privateJwk = { ...pub, d: jwk.d };
  const privateKey = await subtle().importKey(
    "jwk",
    privateJwk,
    keyAlgorithm(alg),
    options.extractable ?? false,
    ["sign"],
  );
  const publicKey = await subtle().importKey("jwk", pub, keyAlgorithm(alg), true, ["verify"]);
  return { privateKey, publicKey };
}

/**
 * A signer over a private CryptoKey (which stays inside WebCrypto).
 *
 * @example
 * ```ts
 * const pair = await generateKeyPair("EdDSA");
 * const signer = webCryptoSigner("EdDSA", pair.privateKey);
 * ```
 */
export function webCryptoSigner(alg: Alg, privateKey: CryptoKey): TokenSigner {
  return {
    alg,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await subtle().sign(signAlgorithm(alg), privateKey, buf(data)));
    },
  };
}
