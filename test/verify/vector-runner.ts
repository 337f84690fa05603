/**
 * Runs one token vector (`vectors/tokens/verify.json`) against our verifier through the
 * conformance suite's `runVerifyRequest` (one way to run a vector). Shared by the
 * vector tests (every runtime) and the generator (tools/vectors/gen-tokens.ts), which checks
 * each expectation against the implementation as it writes it.
 *
 * @module
 */
import type { Alg, Jwks, TokenKind } from "../../core/wire/mod.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { createMemoryReplayStore } from "../../adapters/replay/memory.ts";
import { runVerifyRequest } from "../../conformance/verify-request.ts";

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
  // Pre-consumed jtis: an earlier accepted presentation to this same verifier.
  const replayStore = createMemoryReplayStore({ now: () => t.now });
  const { token: _token, ...options } = t;
  const out = await runVerifyRequest(
    kind,
    t.token,
    { ...options, ...(crypto ? { crypto } : {}) },
    replayStore,
  );
  if (out.valid) return { ok: true, value: out.result };
  return out.cause === undefined
    ? { ok: false, code: out.code }
    : { ok: false, code: out.code, cause: out.cause };
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
