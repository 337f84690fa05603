/**
 * The reference verifier driver's logic: `device-session/verify` behind the harness protocol's
 * `verify` and `thumbprint` requests. `verifier-driver.ts` puts it on stdio or HTTP.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { replayKey, thumbprintInput } from "../../core/token/mod.ts";
import type { Alg, Jwks, TokenKind } from "../../core/wire/mod.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import { createMemoryReplayStore } from "../../adapters/replay/memory.ts";
import type { ReplayStore } from "../../adapters/replay/types.ts";
import {
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "../../verify.ts";
import type { Driver, DriverHandler } from "../harness/local.ts";
import { type Hello, PROTOCOL } from "../harness/protocol.ts";
import { type Outcome, VERIFIER_MUTANTS } from "../mutants/verifier.ts";

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

/** Options of {@link createVerifierDriver}. */
export interface VerifierDriverOptions {
  /** A broken verifier from `conformance/mutants/verifier.ts` (self-test only). */
  readonly mutant?: string;
}

async function verify(
  kind: TokenKind,
  token: string,
  o: VerifyRequestOptions,
  store: ReplayStore & { consume(id: string, until: number): Promise<boolean> },
): Promise<Outcome> {
  const common = {
    now: o.now,
    ...(o.algorithms ? { algorithms: o.algorithms } : {}),
    ...(o.clockTolerance !== undefined ? { clockTolerance: o.clockTolerance } : {}),
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

/**
 * Our verifier as a harness driver.
 *
 * @example
 * ```ts
 * const { hello, handle } = createVerifierDriver();
 * await handle({ seq: 1, type: "verify", kind: "session", token, options: { now, issuer, audience, jwks } });
 * ```
 */
export function createVerifierDriver(o: VerifierDriverOptions = {}): Driver {
  const mutant = o.mutant === undefined ? undefined : VERIFIER_MUTANTS[o.mutant]?.wrap;
  if (o.mutant !== undefined && mutant === undefined) {
    throw new Error(`unknown verifier mutant ${o.mutant}`);
  }
  const stores = new Map<string, ReturnType<typeof createMemoryReplayStore>>();
  const hello: Hello = {
    type: "hello",
    protocol: PROTOCOL,
    role: "verifier",
    implementation: {
      name: o.mutant ? `device-session/verify (mutant ${o.mutant})` : "device-session/verify",
      version: "0.1.0",
    },
    capabilities: ["verify", "thumbprint"],
  };
  const handle: DriverHandler = async (req) => {
    const seq = req.seq;
    try {
      if (req.type === "verify") {
        const opts = req.options as VerifyRequestOptions;
        const name = opts.replayStore;
        // Replay stores run on the request's clock, so vectors from any date behave alike.
        let store = name === undefined ? undefined : stores.get(name);
        if (store === undefined) {
          store = createMemoryReplayStore({ now: () => opts.now });
          if (name !== undefined) stores.set(name, store);
        }
        const kind = req.kind as TokenKind;
        const token = String(req.token);
        const run = () => verify(kind, token, opts, store!);
        return { seq, ok: true, ...(mutant ? await mutant(kind, token, run) : await run()) };
      }
      if (req.type === "thumbprint") {
        const jwk = req.jwk as Record<string, unknown>;
        try {
          thumbprintInput(jwk);
        } catch (e) {
          if (e instanceof DeviceSessionError) return { seq, ok: true, valid: false, code: e.code };
          throw e;
        }
        return { seq, ok: true, valid: true, thumbprint: await jwkThumbprint(jwk) };
      }
      if (req.type === "shutdown") return { seq, ok: true };
      return {
        seq,
        ok: false,
        error: { code: "ERR_INVALID_INPUT", message: `unknown ${req.type}` },
      };
    } catch (e) {
      const code = e instanceof DeviceSessionError ? e.code : "ERR_INTERNAL";
      return {
        seq,
        ok: false,
        error: { code, message: e instanceof Error ? e.message : String(e) },
      };
    }
  };
  return { hello, handle };
}
