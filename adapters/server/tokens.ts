/**
 * The service's tokens: minted with the current key and verified against the service's own
 * keyring by the same core procedures as `device-session/verify` (`core/token` steps run by the
 * `adapters/crypto` driver). The service consumes secure-token and proof `jti`s in its store
 * under its own key prefix (SPEC §5.7.3: a distinct namespace from any backend's).
 *
 * Why not the public entry points (`verifySessionToken`, `mintActionToken`, …): they validate
 * their options and inputs with valibot on every call, which is right for a caller's values but
 * costs the service, on every trigger, about as much as the claims checks themselves. Here every
 * input is the service's own (options validated once at start-up, ids it generated, a client id
 * from its registry, an action type its request schema checked), so the steps run directly.
 *
 * @module
 */
import { type Alg, errorFromCode } from "../../core/mod.ts";
import type { ProofResult, SecureTokenResult, SessionTokenResult } from "../../core/mod.ts";
import type { AccessTokenResult, ActionTokenResult } from "../../core/mod.ts";
import {
  accessToken,
  accessTokenSteps,
  actionToken,
  actionTokenSteps,
  type AsciiText,
  proofSteps,
  secureTokenSteps,
  type ServiceTokenRules,
  sessionToken,
  sessionTokenSteps,
  type VerifySteps,
} from "../../core/token/mod.ts";
import { signServiceToken } from "./sign.ts";
import { runVerify } from "../crypto/driver.ts";
import { asciiTextOf } from "../crypto/ascii.ts";
import { cacheFor } from "../keys/resolve.ts";
import type { KeySource } from "../keys/key-set.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import type { ReplayStore } from "../replay/types.ts";
import type { Store } from "../store/types.ts";
import type { KeyManager } from "./keys.ts";
import { newId } from "./ids.ts";
import { peekIat } from "./jws-peek.ts";
import { VerifiedCache } from "./verified-cache.ts";
import { MAX_LIFETIME_S } from "../../core/wire/tokens.ts";
import type { NonceIssuer } from "./nonce.ts";
import type { ResolvedOptions } from "./options.ts";

const SERVICE_ALGORITHMS: readonly Alg[] = ["EdDSA", "ES256"];

/** Key prefix of the service's consumed ids in the store. */
export const REPLAY_PREFIX = "ds:svc:";

/** A minted token and its `exp`. */
export interface Minted {
  readonly token: string;
  readonly exp: number;
}

/** What {@link ServiceTokens} needs. */
export interface ServiceTokensDeps {
  readonly opts: ResolvedOptions;
  readonly keys: KeyManager;
  readonly nonces: NonceIssuer;
  readonly store: Store;
  readonly crypto: VerifyCrypto;
}

/**
 * Mints and verifies the service's tokens.
 *
 * @example
 * ```ts
 * declare const tokens: ServiceTokens;
 * declare const clientId: string, sessionId: string, deviceId: string, jkt: string;
 * const now = Math.floor(Date.now() / 1000);
 * const { token } = await tokens.mintSession({ clientId, sessionId, deviceId, jkt, now });
 * ```
 */
export class ServiceTokens {
  readonly #d: ServiceTokensDeps;
  readonly #verified: VerifiedCache;
  /** The crypto's native ASCII conversion, for the token parser (as the public verifiers). */
  readonly #ascii: AsciiText | undefined;

  constructor(deps: ServiceTokensDeps & { readonly cacheSize?: number }) {
    this.#d = deps;
    this.#ascii = asciiTextOf(deps.crypto);
    // Bounded: a few MB whatever the number of sessions (a token is ~0.6 KB).
    this.#verified = new VerifiedCache(deps.cacheSize ?? 4096);
  }

  /** A cached verification of `token` as `kind` for `audience`, else `verify()` (then cached). */
  async #cached<T extends { issuedAt: number; expiresAt: number }>(
    kind: "session" | "telemetry" | "action" | "access",
    audience: string,
    token: string,
    now: number,
    verify: () => Promise<T>,
  ): Promise<T> {
    const maxLifetime = MAX_LIFETIME_S[kind === "telemetry" ? "session" : kind];
    const time = {
      now,
      tolerance: this.#d.opts.limits.clockToleranceS,
      maxLifetime,
      checkTime: kind !== "telemetry",
    };
    // Telemetry shares the session entries: a session token verified either way is the same.
    const as = kind === "telemetry" ? "session" : kind;
    const hit = this.#verified.get<T>(token, as, audience, time);
    if (hit !== undefined) return hit;
    const result = await verify();
    this.#verified.set(token, as, audience, result);
    return result;
  }

  #replay(before?: () => void): ReplayStore {
    const store = this.#d.store;
    return {
      consume(id: string, untilS: number): Promise<boolean> {
        // Runs only after every other check passed: the last chance to refuse without burning.
        before?.();
        return store.consume(REPLAY_PREFIX + id, untilS * 1000);
      },
    };
  }

  /** Proof `jti`s live in their own table (SPEC §5.7.5). */
  #proofReplay(): ReplayStore {
    const store = this.#d.store;
    return {
      consume: (id: string, untilS: number): Promise<boolean> =>
        store.consumeProof(REPLAY_PREFIX + id, untilS * 1000),
    };
  }

  /** The SPEC §5.3–5.6 rules of a service token for `audience` at `now`. */
  #rules(audience: string, now: number): ServiceTokenRules {
    return {
      // Keys come only from the service's own keyring (kid lookup), whatever the alg.
      algorithms: SERVICE_ALGORITHMS,
      issuer: this.#d.opts.issuer,
      audience,
      now: Math.floor(now),
      tolerance: this.#d.opts.limits.clockToleranceS,
      asciiText: this.#ascii,
    };
  }

  /** Runs verification steps with the service's crypto and `keys` (default: its keyring). */
  #run<T>(steps: VerifySteps<T>, keys: KeySource, replayStore?: ReplayStore): Promise<T> {
    const crypto = cacheFor(this.#d.crypto);
    return runVerify(
      steps,
      replayStore === undefined ? { crypto, keys } : { crypto, keys, replayStore },
    );
  }

  /** Signs a token of the service's current key. */
  async #sign(
    unsigned: { header: object; claims: object },
    exp: number,
  ): Promise<Minted> {
    const token = await signServiceToken(
      this.#d.keys.current.signer,
      unsigned.header,
      unsigned.claims,
    );
    return { token, exp };
  }

  /** A session token (SPEC §5.3). */
  mintSession(o: {
    clientId: string;
    sessionId: string;
    deviceId: string;
    jkt: string;
    now: number;
  }): Promise<Minted> {
    const lifetime = this.#d.opts.limits.tokenLifetimeS;
    const { alg, kid } = this.#d.keys.current.signer;
    return this.#sign(
      sessionToken({
        alg,
        kid,
        iss: this.#d.opts.issuer,
        aud: o.clientId,
        sub: o.sessionId,
        did: o.deviceId,
        jkt: o.jkt,
        iat: o.now,
        lifetime,
        jti: newId(),
      }),
      o.now + lifetime,
    );
  }

  /** An action token (SPEC §5.5). */
  mintAction(o: {
    clientId: string;
    sessionId: string;
    actionId: string;
    action: string;
    now: number;
  }): Promise<Minted> {
    const lifetime = this.#d.opts.limits.actionTokenLifetimeS;
    // Named members, no object spread: on Node 20 each member after a spread costs a slow
    // runtime call, ~15 µs per trigger here (half the signature's cost).
    const { alg, kid } = this.#d.keys.current.signer;
    return this.#sign(
      actionToken({
        alg,
        kid,
        iss: this.#d.opts.issuer,
        aud: o.clientId,
        sub: o.sessionId,
        aid: o.actionId,
        act: o.action,
        iat: o.now,
        lifetime,
        jti: newId(),
      }),
      o.now + lifetime,
    );
  }

  /** A backend access token (SPEC §5.6). */
  mintAccess(o: { clientId: string; now: number }): Promise<Minted> {
    const lifetime = this.#d.opts.limits.accessTokenLifetimeS;
    const { alg, kid } = this.#d.keys.current.signer;
    return this.#sign(
      accessToken({
        alg,
        kid,
        iss: this.#d.opts.issuer,
        clientId: o.clientId,
        iat: o.now,
        lifetime,
        jti: newId(),
      }),
      o.now + lifetime,
    );
  }

  /** A device proof for `method` on `path` (relative to the public base), SPEC §5.2. */
  verifyProof(
    proof: string,
    o: { method: string; path: string; now: number; expectedJkt?: string },
  ): Promise<ProofResult> {
    const { opts, nonces, crypto } = this.#d;
    const steps = proofSteps(proof, {
      algorithms: opts.deviceAlgorithms,
      method: o.method,
      url: opts.base + o.path.replace(/^\//, ""),
      now: Math.floor(o.now),
      ...(o.expectedJkt !== undefined ? { expectedJkt: o.expectedJkt } : {}),
    });
    return runVerify(steps, {
      crypto: cacheFor(crypto),
      replayStore: this.#proofReplay(),
      isNonceValid: (n) => nonces.isValid(n, o.now),
    });
  }

  /** A session token of `clientId` (SPEC §5.3). */
  verifySession(token: string, clientId: string, now: number): Promise<SessionTokenResult> {
    return this.#cached(
      "session",
      clientId,
      token,
      now,
      () => this.#run(sessionTokenSteps(token, this.#rules(clientId, now)), this.#d.keys),
    );
  }

  /**
   * A session token authenticating telemetry (SPEC §8.5): signature, issuer and audience, but
   * not expiry, so events queued offline are delivered after the token expired. The time
   * checks are run at the token's own `iat` (lifetime bounds still apply).
   */
  verifySessionForTelemetry(
    token: string,
    clientId: string,
    now: number,
  ): Promise<SessionTokenResult> {
    return this.#cached("telemetry", clientId, token, now, () => {
      const at = peekIat(token) ?? now;
      return this.#run(
        sessionTokenSteps(token, this.#rules(clientId, at)),
        this.#d.keys.telemetryKeys,
      );
    });
  }

  /**
   * A secure session token bound to `action` (SPEC §5.4), consumed in the service's replay
   * store. `beforeConsume` may throw to refuse after every token check passed, without burning
   * the token (e.g. its session is unknown).
   */
  verifySecure(
    token: string,
    o: { clientId: string; action: string; now: number; beforeConsume?: () => void },
  ): Promise<SecureTokenResult> {
    // Every member named, no spread of #rules: on Node 20 each member after a spread costs a
    // slow runtime call (~1 µs each here).
    const steps = secureTokenSteps(token, {
      algorithms: this.#d.opts.deviceAlgorithms,
      issuer: this.#d.opts.issuer,
      audience: o.clientId,
      now: Math.floor(o.now),
      tolerance: this.#d.opts.limits.clockToleranceS,
      sessionAlgorithms: SERVICE_ALGORITHMS,
      action: o.action,
      maxLifetime: this.#d.opts.limits.secureTokenMaxS,
      asciiText: this.#ascii,
    });
    return this.#run(steps, this.#d.keys, this.#replay(o.beforeConsume));
  }

  /** An action token of `clientId` (SPEC §5.5). */
  verifyAction(token: string, clientId: string, now: number): Promise<ActionTokenResult> {
    return this.#cached(
      "action",
      clientId,
      token,
      now,
      () => this.#run(actionTokenSteps(token, this.#rules(clientId, now)), this.#d.keys),
    );
  }

  /** A backend access token (SPEC §5.6). */
  verifyAccess(token: string, now: number): Promise<AccessTokenResult> {
    return this.#cached(
      "access",
      "",
      token,
      now,
      () => this.#run(accessTokenSteps(token, this.#rules("", now)), this.#d.keys),
    );
  }
}

/** An `ERR_SESSION_UNKNOWN` to throw from `beforeConsume`. */
export function sessionUnknown(): Error {
  return errorFromCode("ERR_SESSION_UNKNOWN", "no such device session");
}
