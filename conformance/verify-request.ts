/**
 * Runs one `verify` request — a token, its kind and the verifier options of SPEC §5 — against
 * `device-session/verify`, pre-consuming the jtis an earlier presentation used. Shared by the
 * reference verifier driver and the token-vector tests, so both run vectors the same way.
 *
 * @module
 */
import { DeviceSessionError } from "../core/errors/mod.ts";
import { replayKey } from "../core/token/mod.ts";
import type { Alg, Jwks, TokenKind } from "../core/wire/mod.ts";
import type { VerifyCrypto } from "../adapters/crypto/types.ts";
import type { ReplayStore } from "../adapters/replay/types.ts";
import {
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "../adapters/verify/verify.ts";

/** The options of a `verify` request (SPEC §5 inputs; README, "verify"). */
export interface VerifyRequestOptions {
  now: number;
  issuer?: string;
  audience?: string;
  jwks?: Jwks;
  algorithms?: Alg[];
  sessionAlgorithms?: Alg[];
  clockTolerance?: number;
  action?: string;
  maxLifetime?: number;
  method?: string;
  url?: string;
  nonces?: string[];
  expectedJkt?: string;
  /** jtis an earlier accepted presentation to this verifier consumed. */
  consumed?: string[];
  /** Name of a replay store kept across requests (absent: a fresh store per request). */
  replayStore?: string;
}

/** What a verify request produced: the result, or the error code (and inner cause). */
export type VerifyOutcome =
  | { valid: true; result: Record<string, unknown> }
  | { valid: false; code: string; cause?: string };

/**
 * Verifies `token` as a `kind` token; a verification failure is returned as its code.
 *
 * @example
 * ```ts
 * import type { Jwks } from "../core/wire/mod.ts";
 * import { createMemoryReplayStore } from "../adapters/replay/memory.ts";
 * declare const token: string, jwks: Jwks;
 * const now = Math.floor(Date.now() / 1000);
 * const issuer = "https://risk.example.com", audience = "demo";
 * const store = createMemoryReplayStore();
 * const out = await runVerifyRequest("session", token, { now, issuer, audience, jwks }, store);
 * ```
 */
export async function runVerifyRequest(
  kind: TokenKind,
  token: string,
  o: VerifyRequestOptions & { readonly crypto?: VerifyCrypto },
  store: ReplayStore & { consume(id: string, until: number): Promise<boolean> },
): Promise<VerifyOutcome> {
  const common = {
    now: o.now,
    ...(o.algorithms ? { algorithms: o.algorithms } : {}),
    ...(o.clockTolerance !== undefined ? { clockTolerance: o.clockTolerance } : {}),
    ...(o.crypto ? { crypto: o.crypto } : {}),
  };
  const service = { ...common, issuer: o.issuer!, jwks: o.jwks! };
  for (const jti of o.consumed ?? []) {
    const scope = kind === "proof"
      ? { issuer: "", audience: "" }
      : { issuer: o.issuer!, audience: o.audience! };
    await store.consume(replayKey({ kind, ...scope, jti }), o.now + 86400);
  }
  try {
    let value: object;
    switch (kind) {
      case "session":
        value = await verifySessionToken(token, { ...service, audience: o.audience! });
        break;
      case "action":
        value = await verifyActionToken(token, { ...service, audience: o.audience! });
        break;
      case "access":
        value = await verifyAccessToken(token, service);
        break;
      case "secure":
        value = await verifySecureSessionToken(token, {
          ...service,
          audience: o.audience!,
          action: o.action!,
          replayStore: store,
          ...(o.maxLifetime !== undefined ? { maxLifetime: o.maxLifetime } : {}),
          ...(o.sessionAlgorithms ? { sessionAlgorithms: o.sessionAlgorithms } : {}),
        });
        break;
      case "proof": {
        const nonces = new Set(o.nonces ?? []);
        value = await verifyDeviceProof(token, {
          ...common,
          method: o.method!,
          url: o.url!,
          isNonceValid: (n) => nonces.has(n),
          replayStore: store,
          ...(o.expectedJkt !== undefined ? { expectedJkt: o.expectedJkt } : {}),
        });
        break;
      }
      default:
        throw new DeviceSessionError("ERR_INVALID_INPUT", `unknown kind ${kind}`);
    }
    return { valid: true, result: value as Record<string, unknown> };
  } catch (e) {
    if (!(e instanceof DeviceSessionError)) throw e;
    const cause = e.details?.cause;
    return typeof cause === "string"
      ? { valid: false, code: e.code, cause }
      : { valid: false, code: e.code };
  }
}
