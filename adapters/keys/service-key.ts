/**
 * Service signing keys (SPEC §3.1): Ed25519 by default or ES256, `kid` = RFC 7638 thumbprint,
 * published as a public JWK with `kid`, `alg` and `use: "sig"`.
 *
 * @module
 */
import { errorFromCode } from "../../core/errors/mod.ts";
import type { Alg, ServiceJwk } from "../../core/wire/mod.ts";
import { algOfKey, publicJwkProblem } from "../../core/token/mod.ts";
import { jwkThumbprint } from "../crypto/thumbprint.ts";
import type { ServiceSigner, TokenSigner } from "../crypto/types.ts";
import {
  exportPublicJwk,
  generateKeyPair,
  importPrivateJwk,
  publicMembers,
  webCryptoSigner,
} from "../crypto/webcrypto.ts";

/** A service signing key: its signer and its JWKS entry. */
export interface ServiceKey {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly alg: Alg;
  /** The JWKS entry: public members, `kid`, `alg`, `use: "sig"`. */
  readonly jwk: ServiceJwk;
  /** Signs with the private key (which it never reveals). */
  readonly signer: ServiceSigner;
}

/**
 * Wraps any signer and its public JWK as a service key (e.g. a `node:crypto` or HSM signer).
 *
 * @example
 * ```ts
 * import { nodeSigner, type PrivateJwk } from "../crypto/node.ts";
 * declare const privateJwk: PrivateJwk;
 * declare const publicJwk: JsonWebKey;
 * const key = await serviceKeyFromSigner(nodeSigner("EdDSA", privateJwk), publicJwk);
 * ```
 */
export async function serviceKeyFromSigner(
  signer: TokenSigner,
  publicJwk: JsonWebKey | ServiceJwk,
): Promise<ServiceKey> {
  const problem = publicJwkProblem(publicMembers(publicJwk as JsonWebKey));
  if (problem !== null || algOfKey(publicJwk as { kty?: unknown; crv?: unknown }) !== signer.alg) {
    throw errorFromCode("ERR_INVALID_INPUT", `service key: ${problem ?? "alg/key mismatch"}`);
  }
  const pub = publicMembers(publicJwk as JsonWebKey);
  const kid = await jwkThumbprint(pub);
  const jwk = { ...pub, kid, alg: signer.alg, use: "sig" } as ServiceJwk;
  return { kid, alg: signer.alg, jwk, signer: { alg: signer.alg, kid, sign: signer.sign } };
}

/**
 * Generates a service key on WebCrypto. Non-extractable unless `extractable` (needed only to
 * persist it with {@link exportServiceKey}).
 *
 * @example
 * ```ts
 * const key = await generateServiceKey({ alg: "EdDSA" });
 * ```
 */
export async function generateServiceKey(
  options: { readonly alg?: Alg; readonly extractable?: boolean } = {},
): Promise<ServiceKey & { readonly privateKey: CryptoKey }> {
  const alg = options.alg ?? "EdDSA";
  const pair = await generateKeyPair(alg, { extractable: options.extractable ?? false });
  const key = await serviceKeyFromSigner(
    webCryptoSigner(alg, pair.privateKey),
    await exportPublicJwk(pair.publicKey),
  );
  return { ...key, privateKey: pair.privateKey };
}

/**
 * Imports a service key from its private JWK (with `d`), as a non-extractable CryptoKey.
 *
 * @example
 * ```ts
 * const key = await importServiceKey(JSON.parse(process.env.DS_SIGNING_KEY!));
 * ```
 */
export async function importServiceKey(privateJwk: JsonWebKey): Promise<ServiceKey> {
  const alg = algOfKey(privateJwk);
  if (alg === null || typeof privateJwk.d !== "string") {
    throw errorFromCode("ERR_INVALID_INPUT", "a private OKP/Ed25519 or EC/P-256 JWK is required");
  }
  let pair: CryptoKeyPair;
  try {
    pair = await importPrivateJwk(privateJwk, alg);
  } catch (e) {
    throw errorFromCode("ERR_INVALID_INPUT", "the private JWK does not import", { cause: e });
  }
  return serviceKeyFromSigner(webCryptoSigner(alg, pair.privateKey), privateJwk);
}

/**
 * The private JWK of an extractable service key (for persistence); `ERR_INVALID_INPUT` if the
 * key is non-extractable.
 *
 * @example
 * ```ts
 * declare function writeSecret(json: string): Promise<void>; // your secret store
 * const key = await generateServiceKey({ extractable: true });
 * await writeSecret(JSON.stringify(await exportServiceKey(key)));
 * ```
 */
export async function exportServiceKey(
  key: { readonly privateKey: CryptoKey },
): Promise<JsonWebKey> {
  if (!key.privateKey.extractable) {
    throw errorFromCode("ERR_INVALID_INPUT", "the service key is not extractable");
  }
  const jwk = await globalThis.crypto.subtle.exportKey("jwk", key.privateKey);
  return { ...publicMembers(jwk), d: jwk.d };
}
