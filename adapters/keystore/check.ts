/**
 * Checks that a loaded key pair is what it claims to be: the private key signs what the
 * public key verifies (a swapped or foreign half fails), and the public JWK matches.
 *
 * @module
 */
import { algOfKey } from "../../core/token/mod.ts";
import type { Alg } from "../../core/wire/mod.ts";
import { type DeviceKeyPair, deviceKeyPair } from "../crypto/keys.ts";
import { signAlgorithm } from "../crypto/webcrypto.ts";

const PROBE = new TextEncoder().encode("device-session key store probe");

/**
 * A {@link DeviceKeyPair} from two CryptoKeys, or the reason they are unusable.
 *
 * @example
 * ```ts
 * import { errorOf } from "../../core/errors/error.ts";
 * declare const privateKey: unknown, publicKey: unknown; // as read back from storage
 * const r = await checkKeyPair("EdDSA", privateKey, publicKey);
 * if (typeof r === "string") throw errorOf("ERR_KEY_STORE", r);
 * ```
 */
export async function checkKeyPair(
  alg: Alg,
  privateKey: unknown,
  publicKey: unknown,
): Promise<DeviceKeyPair | string> {
  if (!isCryptoKey(privateKey) || privateKey.type !== "private") return "no private CryptoKey";
  if (!isCryptoKey(publicKey) || publicKey.type !== "public") return "no public CryptoKey";
  let pair: DeviceKeyPair;
  try {
    pair = await deviceKeyPair(alg, { privateKey, publicKey });
  } catch {
    return `not an ${alg} key pair`;
  }
  if (algOfKey(pair.jwk) !== alg) return "public key of another type";
  try {
    const subtle = globalThis.crypto.subtle;
    const sig = await subtle.sign(signAlgorithm(alg), privateKey, PROBE);
    if (!(await subtle.verify(signAlgorithm(alg), publicKey, sig, PROBE))) {
      return "the private and public keys do not belong together";
    }
  } catch {
    return "the key pair cannot sign";
  }
  return pair;
}

function isCryptoKey(x: unknown): x is CryptoKey {
  return typeof x === "object" && x !== null && typeof (x as CryptoKey).type === "string" &&
    typeof (x as CryptoKey).algorithm === "object";
}
