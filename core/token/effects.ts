/**
 * The requests a verification procedure makes of its driver (sans-I/O, DESIGN §2). A
 * procedure is a generator: it yields an {@link VerifyEffect}, the driver performs it (crypto, key
 * lookup, replay store) and resumes the generator with the answer. The order of the SPEC §5
 * steps therefore lives here in the pure core, and crypto and I/O stay in adapters.
 *
 * @module
 */
import type { Alg } from "../wire/primitives.ts";
import type { PublicJwk } from "./jwk.ts";

/**
 * One request of a procedure; the comment of each says what the driver answers with.
 * Answers of the wrong type are treated as failures.
 */
export type VerifyEffect =
  /** Look a service key up by `kid` in the configured set → `PublicJwk | null`. */
  | { readonly op: "key"; readonly kid: string }
  /**
   * Verify `signature` over the ASCII signing `input` with the public `jwk` → `boolean`. With
   * `memo`, the driver may answer `true` again for the same key, input and signature without
   * verifying (a signature's validity never changes); it never remembers a `false`.
   */
  | {
    readonly op: "verify";
    readonly alg: Alg;
    readonly jwk: PublicJwk;
    readonly input: string;
    readonly signature: Uint8Array;
    readonly memo?: boolean;
  }
  /** SHA-256 of the UTF-8 `text` → 32-byte `Uint8Array`. */
  | { readonly op: "sha256"; readonly text: string }
  /** Is this proof nonce one the service issued and still fresh? → `boolean`. */
  | { readonly op: "nonce"; readonly nonce: string }
  /** Atomically consume `id` until `until` (seconds) → `true` iff it was not consumed. */
  | { readonly op: "consume"; readonly id: string; readonly until: number };

/**
 * A verification procedure yielding {@link VerifyEffect}s and returning `T`, or throwing the
 * `DeviceSessionError` of the first failing step.
 *
 * @example
 * ```ts
 * import type { SessionTokenResult } from "./results.ts";
 * import { type ServiceTokenRules, sessionTokenSteps } from "./service-steps.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * const steps: VerifySteps<SessionTokenResult> = sessionTokenSteps(token, rules);
 * ```
 */
export type VerifySteps<T> = Generator<VerifyEffect, T, unknown>;
