// Real tokens for the middleware tests: a service key signs the session token, a device key
// signs the secure tokens (WebCrypto, every runtime).
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import { deviceSigner, generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { mintSecureSessionToken, mintSessionToken } from "../../adapters/crypto/mint.ts";
import { generateServiceKey } from "../../adapters/keys/service-key.ts";
import type { Jwks } from "../../core/mod.ts";

export const ISSUER = "https://risk.example.com";
export const AUDIENCE = "demo";
export const SESSION_ID = "s_AAAAAAAAAAAAAAAAAAAAAA";
export const DEVICE_ID = "d_AAAAAAAAAAAAAAAAAAAAAA";

export interface TokenFixture {
  jwks: Jwks;
  sessionToken: string;
  /** A fresh secure session token bound to `action`. */
  secure(action: string, options?: { expirationSeconds?: number; iat?: number }): Promise<string>;
}

export async function tokenFixture(): Promise<TokenFixture> {
  const service = await generateServiceKey({ alg: "EdDSA" });
  const device = await generateDeviceKey({ alg: "EdDSA" });
  const signer = deviceSigner(device);
  const sessionToken = await mintSessionToken(service.signer, {
    issuer: ISSUER,
    clientId: AUDIENCE,
    sessionId: SESSION_ID,
    deviceId: DEVICE_ID,
    jkt: await jwkThumbprint(device.jwk),
  });
  return {
    jwks: { keys: [service.jwk] },
    sessionToken,
    secure: (action, options = {}) =>
      mintSecureSessionToken(signer, { sessionToken, action, ...options }),
  };
}
