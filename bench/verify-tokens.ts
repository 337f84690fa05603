/**
 * The tokens the verification benchmarks verify (bench/verify.ts, bench/verify-ab.ts): a
 * service key and a device key of one algorithm, a session token, a secure token over it, and
 * session tokens never seen before — far more of them than a verifier's payload memory holds.
 *
 * @module
 */
import type { Alg } from "../core/wire/mod.ts";
import { deviceSigner, generateDeviceKey } from "../adapters/crypto/keys.ts";
import { mintSecureSessionToken, mintSessionToken } from "../adapters/crypto/mint.ts";
import { generateServiceKey, type ServiceKey } from "../adapters/keys/service-key.ts";

/** The issuer of every benchmark token. */
export const ISSUER = "https://risk.example.com";

/** Tokens and the service key that signed them. */
export interface BenchTokens {
  readonly service: ServiceKey;
  readonly session: string;
  readonly secure: string;
  /** Session tokens of as many sessions, each for a first sight. */
  readonly fresh: readonly string[];
}

/**
 * Mints the benchmark's tokens, valid for an hour, audience `demo`.
 *
 * @example
 * ```ts
 * const { session, secure, fresh } = await benchTokens("EdDSA", 16384);
 * ```
 */
export async function benchTokens(alg: Alg, freshCount: number): Promise<BenchTokens> {
  const service = await generateServiceKey({ alg, extractable: true });
  const device = await generateDeviceKey({ alg });
  const now = Math.floor(Date.now() / 1000);
  const claims = (sessionId: string) => ({
    issuer: ISSUER,
    clientId: "demo",
    sessionId,
    deviceId: "d_bench",
    jkt: device.jkt,
    iat: now,
    lifetime: 3600,
  });
  const session = await mintSessionToken(service.signer, claims("s_bench"));
  const secure = await mintSecureSessionToken(deviceSigner(device), {
    sessionToken: session,
    action: "login",
    iat: now,
    expirationSeconds: 3600,
  });
  const fresh: string[] = [];
  for (let i = 0; i < freshCount; i++) {
    fresh.push(await mintSessionToken(service.signer, claims(`s_bench_${i}`)));
  }
  return { service, session, secure, fresh };
}
