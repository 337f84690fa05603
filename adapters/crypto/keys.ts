/**
 * Device key pairs on WebCrypto (SPEC §3.2): Ed25519 where the platform has it, else ES256;
 * the private key is non-extractable; the public key is known by its JWK and `jkt`.
 *
 * @module
 */
import { errorOf } from "../../core/errors/mod.ts";
import type { Alg, DevicePublicJwk } from "../../core/wire/mod.ts";
import { jwkThumbprint } from "./thumbprint.ts";
import type { DeviceSigner } from "./types.ts";
import { exportPublicJwk, generateKeyPair, webCryptoSigner } from "./webcrypto.ts";

/** A device key pair with its public JWK and thumbprint. */
export interface DeviceKeyPair {
  readonly alg: Alg;
  /** Non-extractable where the platform allows (SPEC §3.2). */
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Public members only. */
  readonly jwk: DevicePublicJwk;
  /** RFC 7638 thumbprint of `jwk`. */
  readonly jkt: string;
}

/**
 * Generates a device key pair: `alg: "auto"` (default) tries Ed25519 and falls back to ES256
 * where the platform lacks it.
 *
 * @example
 * ```ts
 * const key = await generateDeviceKey(); // key.privateKey.extractable === false
 * ```
 */
export async function generateDeviceKey(
  options: { readonly alg?: Alg | "auto"; readonly extractable?: boolean } = {},
): Promise<DeviceKeyPair> {
  const wanted = options.alg ?? "auto";
  const extractable = options.extractable ?? false;
  if (wanted !== "auto") {
    return deviceKeyPair(wanted, await generateKeyPair(wanted, { extractable }));
  }
  try {
    return deviceKeyPair("EdDSA", await generateKeyPair("EdDSA", { extractable }));
  } catch {
    return deviceKeyPair("ES256", await generateKeyPair("ES256", { extractable }));
  }
}

/**
 * Completes a CryptoKey pair into a {@link DeviceKeyPair} (exports the public JWK, hashes it),
 * checking that the keys are of `alg`'s type.
 *
 * @example
 * ```ts
 * declare const privateKey: CryptoKey, publicKey: CryptoKey;
 * const key = await deviceKeyPair("EdDSA", { privateKey, publicKey });
 * ```
 */
export async function deviceKeyPair(alg: Alg, pair: CryptoKeyPair): Promise<DeviceKeyPair> {
  const name = alg === "EdDSA" ? "Ed25519" : "ECDSA";
  if (pair.privateKey.algorithm.name !== name || pair.publicKey.algorithm.name !== name) {
    throw errorOf("ERR_INVALID_INPUT", `the key pair is not a ${alg} key pair`);
  }
  const jwk = await exportPublicJwk(pair.publicKey);
  return {
    alg,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk,
    jkt: await jwkThumbprint(jwk),
  };
}

/**
 * The signer of a device key pair, for proofs and secure session tokens.
 *
 * @example
 * ```ts
 * import { mintDeviceProof } from "./mint.ts";
 * declare const key: DeviceKeyPair;
 * declare const htu: string, nonce: string;
 * const token = await mintDeviceProof(deviceSigner(key), { htm: "POST", htu, nonce });
 * ```
 */
export function deviceSigner(key: Pick<DeviceKeyPair, "alg" | "privateKey" | "jwk">): DeviceSigner {
  const { sign } = webCryptoSigner(key.alg, key.privateKey);
  return { alg: key.alg, jwk: key.jwk, sign };
}
