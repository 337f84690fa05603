/**
 * Test helpers: a service key, a device key and one fresh token of every kind, minted with the
 * real minting functions (WebCrypto, so they run on every runtime).
 *
 * @module
 */
import type { Alg } from "../../core/wire/mod.ts";
import { type DeviceKeyPair, deviceSigner, generateDeviceKey } from "../../adapters/crypto/keys.ts";
import {
  mintAccessToken,
  mintActionToken,
  mintDeviceProof,
  mintSecureSessionToken,
  mintSessionToken,
} from "../../adapters/crypto/mint.ts";
import { generateServiceKey, type ServiceKey } from "../../adapters/keys/service-key.ts";
import type { Jwks } from "../../core/wire/mod.ts";

export const ISSUER = "https://risk.example.com";
export const CLIENT = "demo";
export const HTU = "https://risk.example.com/v1/device/sessions";
export const NONCE = "n0nce-test";

export interface World {
  service: ServiceKey;
  device: DeviceKeyPair;
  jwks: Jwks;
  now: number;
  tokens: { session: string; secure: string; proof: string; action: string; access: string };
}

/** Fresh keys (of `alg`) and one token of each kind, all issued at `now`. */
export async function world(
  alg: Alg = "EdDSA",
  now = Math.floor(Date.now() / 1000),
): Promise<World> {
  const service = await generateServiceKey({ alg });
  const device = await generateDeviceKey({ alg });
  const session = await mintSessionToken(service.signer, {
    issuer: ISSUER,
    clientId: CLIENT,
    sessionId: "s_test",
    deviceId: "d_test",
    jkt: device.jkt,
    iat: now,
  });
  const signer = deviceSigner(device);
  return {
    service,
    device,
    jwks: { keys: [service.jwk] },
    now,
    tokens: {
      session,
      secure: await mintSecureSessionToken(signer, {
        sessionToken: session,
        action: "login",
        iat: now,
      }),
      proof: await mintDeviceProof(signer, { htm: "POST", htu: HTU, nonce: NONCE, iat: now }),
      action: await mintActionToken(service.signer, {
        issuer: ISSUER,
        clientId: CLIENT,
        sessionId: "s_test",
        actionId: "a_test",
        action: "login",
        iat: now,
      }),
      access: await mintAccessToken(service.signer, { issuer: ISSUER, clientId: CLIENT, iat: now }),
    },
  };
}
