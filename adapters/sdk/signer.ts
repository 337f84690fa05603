/**
 * The driver's signer over a WebCrypto device key pair. A module of its own so that the key
 * port (`keystore/port.ts`), which the browser loads as a chunk, does not reach the clock and
 * timer ports of the entry (`ports-time.ts`) and split them into a chunk of their own.
 *
 * @module
 */
import { deviceSigner } from "../crypto/keys.ts";
import type { DeviceKeyPair } from "../crypto/keys.ts";
import type { KeyAssurance } from "../../core/wire/primitives.ts";
import type { Signer } from "../ports.ts";

/**
 * A signer for the driver from a WebCrypto device key pair.
 *
 * @example
 * ```ts
 * import { generateDeviceKey } from "../crypto/keys.ts";
 * const signer = signerFor(await generateDeviceKey(), "ephemeral");
 * ```
 */
export function signerFor(key: DeviceKeyPair, assurance: KeyAssurance): Signer {
  const s = deviceSigner(key);
  const encoder = new TextEncoder();
  return {
    info: { alg: key.alg, jwk: key.jwk, jkt: key.jkt, assurance },
    sign: async (input) => await s.sign(encoder.encode(input)),
  };
}
