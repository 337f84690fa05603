/**
 * The reference verifier driver's logic: `device-session/verify` behind the harness protocol's
 * `verify` and `thumbprint` requests. `verifier-driver.ts` puts it on stdio or HTTP.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { thumbprintInput } from "../../core/token/mod.ts";
import type { TokenKind } from "../../core/wire/mod.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { createMemoryReplayStore } from "../../adapters/replay/memory.ts";
import { runVerifyRequest, type VerifyRequestOptions } from "../verify-request.ts";

export type { VerifyRequestOptions } from "../verify-request.ts";
import type { Driver, DriverHandler } from "../harness/local.ts";
import { type Hello, PROTOCOL } from "../harness/protocol.ts";
import { VERIFIER_MUTANTS } from "../mutants/verifier.ts";

/** Options of {@link createVerifierDriver}. */
export interface VerifierDriverOptions {
  /** A broken verifier from `conformance/mutants/verifier.ts` (self-test only). */
  readonly mutant?: string;
  /** Crypto for verification and thumbprints (default WebCrypto), e.g. a host's in an embedding. */
  readonly crypto?: VerifyCrypto;
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
        const withCrypto = o.crypto === undefined ? opts : { ...opts, crypto: o.crypto };
        const run = () => runVerifyRequest(kind, token, withCrypto, store!);
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
        return { seq, ok: true, valid: true, thumbprint: await jwkThumbprint(jwk, o.crypto) };
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
