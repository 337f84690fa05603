/**
 * The crypto ports: what a verifier needs (import a public key, verify, SHA-256) and what a
 * minter needs (a signer). WebCrypto implements them on every runtime; `node.ts` implements
 * them synchronously with `node:crypto` for Node-facing entries.
 *
 * @module
 */
import type { Alg, DevicePublicJwk } from "../../core/wire/mod.ts";
import type { PublicJwk } from "../../core/token/mod.ts";

/**
 * Verification primitives. Each may answer synchronously (node:crypto) or with a promise
 * (WebCrypto); the driver only awaits when it must.
 *
 * @example
 * ```ts
 * import type { DevicePublicJwk } from "../../core/wire/tokens.ts";
 * import { webCrypto } from "./webcrypto.ts";
 * declare const jwk: DevicePublicJwk;
 * declare const input: string, signature: Uint8Array; // the JWS signing input and signature
 * const key = await webCrypto.importKey(jwk, "EdDSA");
 * const ok = key !== null && await webCrypto.verify("EdDSA", key, input, signature);
 * ```
 */
export interface VerifyCrypto<K = unknown> {
  /** Imports a public key for `alg`, or answers `null` if the runtime rejects it. */
  importKey(jwk: PublicJwk, alg: Alg): K | null | Promise<K | null>;
  /**
   * Verifies a raw 64-byte signature (ES256: `r || s`) over the ASCII JWS signing input.
   * Never throws: any failure is `false`.
   */
  verify(alg: Alg, key: K, input: string, signature: Uint8Array): boolean | Promise<boolean>;
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * Optional, for speed only: the host's native conversion of ASCII bytes to the string of one
   * character per byte (the core does it in JavaScript otherwise). Only ever given bytes < 0x80.
   */
  asciiText?(bytes: Uint8Array): string;
}

/**
 * Signs JWS signing input with a private key the signer holds (and never reveals).
 *
 * @example
 * ```ts
 * declare const signer: TokenSigner;
 * declare const input: string; // the JWS signing input
 * const sig = await signer.sign(new TextEncoder().encode(input));
 * ```
 */
export interface TokenSigner {
  /** The algorithm of the key. */
  readonly alg: Alg;
  /** A raw 64-byte signature (ES256: `r || s`, never DER). */
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * A device key's signer: its public JWK goes into the `jwk` header.
 *
 * @example
 * ```ts
 * import { mintDeviceProof } from "./mint.ts";
 * declare const deviceSigner: DeviceSigner;
 * declare const htu: string, nonce: string;
 * const token = await mintDeviceProof(deviceSigner, { htm: "POST", htu, nonce });
 * ```
 */
export interface DeviceSigner extends TokenSigner {
  /** The public key (RFC 7638 members only). */
  readonly jwk: DevicePublicJwk;
}

/**
 * A service key's signer: `kid` is its RFC 7638 thumbprint (SPEC §3.1).
 *
 * @example
 * ```ts
 * declare const serviceSigner: ServiceSigner;
 * const jwk = serviceSigner.kid; // the kid of the JWKS entry that verifies its tokens
 * ```
 */
export interface ServiceSigner extends TokenSigner {
  /** The key id published in the JWKS. */
  readonly kid: string;
}
