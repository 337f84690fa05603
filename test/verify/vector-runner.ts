/**
 * Runs one token vector (`vectors/tokens/verify.json`) against our verifier. Shared by the
 * vector tests (every runtime) and the generator (tools/vectors/gen-tokens.ts), which checks
 * each expectation against the implementation as it writes it.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import type { Alg, Jwks, TokenKind } from "../../core/wire/mod.ts";
import { replayKey } from "../../core/token/mod.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { createMemoryReplayStore } from "../../adapters/replay/memory.ts";
import {
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "../../verify.ts";

/** One test of a token vector group. */
export interface TokenVector {
  tcId: number;
  comment: string;
  flags: string[];
  token: string;
  now: number;
  issuer?: string;
  audience?: string;
  jwks?: Jwks;
  algorithms?: Alg[];
  sessionAlgorithms?: Alg[];
  clockTolerance?: number;
  action?: string;
  maxLifetime?: number;
  consumed?: string[];
  method?: string;
  url?: string;
  nonces?: string[];
  expectedJkt?: string;
  result: "valid" | "invalid";
  code?: string;
  cause?: string;
  expected?: Record<string, unknown>;
}

/** What a vector run produced. */
export type Outcome =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly code: string; readonly cause?: string };

/**
 * Verifies `t.token` as a `kind` token with the vector's options; errors are returned as codes.
 * Options a vector leaves out take the verifier's defaults.
 */
export async function runTokenVector(
  kind: TokenKind,
  t: TokenVector,
  crypto?: VerifyCrypto,
): Promise<Outcome> {
  const common = {
    now: t.now,
    ...(t.algorithms ? { algorithms: t.algorithms } : {}),
    ...(t.clockTolerance !== undefined ? { clockTolerance: t.clockTolerance } : {}),
    ...(crypto ? { crypto } : {}),
  };
  const service = { ...common, issuer: t.issuer!, jwks: t.jwks! };
  // Pre-consumed jtis: an earlier accepted presentation to this same verifier.
  const replayStore = createMemoryReplayStore({ now: () => t.now });
  for (const jti of t.consumed ?? []) {
    const scope = kind === "proof"
      ? { issuer: "", audience: "" }
      : { issuer: t.issuer!, audience: t.audience! };
    await replayStore.consume(replayKey({ kind, ...scope, jti }), t.now + 86400);
  }
  try {
    let value: object;
    switch (kind) {
      case "session":
        value = await verifySessionToken(t.token, { ...service, audience: t.audience! });
        break;
      case "action":
        value = await verifyActionToken(t.token, { ...service, audience: t.audience! });
        break;
      case "access":
        value = await verifyAccessToken(t.token, service);
        break;
      case "secure":
        value = await verifySecureSessionToken(t.token, {
          ...service,
          audience: t.audience!,
          action: t.action!,
          replayStore,
          ...(t.maxLifetime !== undefined ? { maxLifetime: t.maxLifetime } : {}),
          ...(t.sessionAlgorithms ? { sessionAlgorithms: t.sessionAlgorithms } : {}),
        });
        break;
      case "proof": {
        const nonces = new Set(t.nonces ?? []);
        value = await verifyDeviceProof(t.token, {
          ...common,
          method: t.method!,
          url: t.url!,
          isNonceValid: (n) => nonces.has(n),
          replayStore,
          ...(t.expectedJkt !== undefined ? { expectedJkt: t.expectedJkt } : {}),
        });
        break;
      }
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch (e) {
    if (!(e instanceof DeviceSessionError)) throw e;
    const cause = e.details?.cause;
    return typeof cause === "string"
      ? { ok: false, code: e.code, cause }
      : { ok: false, code: e.code };
  }
}

/** Why an outcome does not match the vector's expectation, or `null` if it does. */
export function mismatch(t: TokenVector, got: Outcome): string | null {
  if (t.result === "valid") {
    if (!got.ok) return `expected valid, got ${got.code}${got.cause ? ` (${got.cause})` : ""}`;
    for (const [k, want] of Object.entries(t.expected ?? {})) {
      if (JSON.stringify(got.value[k]) !== JSON.stringify(want)) {
        return `result.${k}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got.value[k])}`;
      }
    }
    return null;
  }
  if (got.ok) return `expected ${t.code}, got valid`;
  if (got.code !== t.code) return `expected ${t.code}, got ${got.code}`;
  if (t.cause !== undefined && got.cause !== t.cause) {
    return `expected cause ${t.cause}, got ${got.cause ?? "none"}`;
  }
  return null;
}
