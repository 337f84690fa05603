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
import type { ReplayStore } from "../../adapters/replay/types.ts";
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
 * import type { Jwks } from "../../core/wire/mod.ts";
 * declare const token: string, jwks: Jwks;
 * const now = Math.floor(Date.now() / 1000);
 * const issuer = "https://risk.example.com", audience = "demo";
 * const { hello, handle } = createVerifierDriver();
 * await handle({ seq: 1, type: "verify", kind: "session", token, options: { now, issuer, audience, jwks } });
 * ```
 */
export function createVerifierDriver(o: VerifierDriverOptions = {}): Driver {
  const mutant = o.mutant === undefined ? undefined : VERIFIER_MUTANTS[o.mutant]?.wrap;
  if (o.mutant !== undefined && mutant === undefined) {
    throw new Error(`unknown verifier mutant ${o.mutant}`);
  }
  const stores = namedReplayStores();
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
        // Replay stores run on the request's clock, so vectors from any date behave alike.
        const store = stores.get(opts.replayStore, opts.now);
        const kind = req.kind as TokenKind;
        const token = String(req.token);
        const withCrypto = o.crypto === undefined ? opts : { ...opts, crypto: o.crypto };
        const run = () => runVerifyRequest(kind, token, withCrypto, store);
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

/** Replay stores of a driver: a fresh one per request, or one per name across requests. */
export interface NamedReplayStores {
  /**
   * The store for a request at `now` (seconds): a fresh one without `name`, else the named one,
   * whose clock is moved to this request's `now` (every request runs on its own time).
   */
  get(name: string | undefined, now: number): ReplayStore;
}

/**
 * The replay stores of the harness `verify` request (`options.replayStore`).
 *
 * @example
 * ```ts
 * const stores = namedReplayStores();
 * await stores.get("s", 100).consume("x", 150); // true
 * await stores.get("s", 200).consume("x", 300); // true: at 200 the first entry has expired
 * ```
 */
export function namedReplayStores(): NamedReplayStores {
  const named = new Map<string, { store: ReplayStore; clock: { now: number } }>();
  return {
    get(name, now) {
      if (name === undefined) return createMemoryReplayStore({ now: () => now });
      let entry = named.get(name);
      if (entry === undefined) {
        const clock = { now };
        entry = { clock, store: createMemoryReplayStore({ now: () => clock.now }) };
        named.set(name, entry);
      }
      entry.clock.now = now;
      return entry.store;
    },
  };
}
