/**
 * The service's tokens: minted with the current key (`adapters/crypto` mint functions) and
 * verified with the verifier of `device-session/verify` against the service's own keyring. The
 * service consumes secure-token and proof `jti`s in its store under its own key prefix (SPEC
 * §5.7.3: a distinct namespace from any backend's).
 *
 * @module
 */
import { type Alg, errorFromCode } from "../../core/mod.ts";
import type { ProofResult, SecureTokenResult, SessionTokenResult } from "../../core/mod.ts";
import type { AccessTokenResult, ActionTokenResult } from "../../core/mod.ts";
import { mintAccessToken, mintActionToken, mintSessionToken } from "../crypto/mint.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import type { ReplayStore } from "../replay/types.ts";
import type { Store } from "../store/types.ts";
import {
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "../verify/verify.ts";
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

  constructor(deps: ServiceTokensDeps & { readonly cacheSize?: number }) {
    this.#d = deps;
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
    const key = `${kind === "telemetry" ? "session" : kind}\n${audience}\n${token}`;
    const hit = this.#verified.get<T>(key, time);
    if (hit !== undefined) return hit;
    const result = await verify();
    this.#verified.set(key, result);
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

  #common(now: number) {
    const { opts, keys, crypto } = this.#d;
    return {
      issuer: opts.issuer,
      jwks: keys,
      now,
      clockTolerance: opts.limits.clockToleranceS,
      crypto,
      // Keys come only from the service's own keyring (kid lookup), whatever the alg.
      algorithms: SERVICE_ALGORITHMS,
    };
  }

  /** A session token (SPEC §5.3). */
  async mintSession(o: {
    clientId: string;
    sessionId: string;
    deviceId: string;
    jkt: string;
    now: number;
  }): Promise<Minted> {
    const lifetime = this.#d.opts.limits.tokenLifetimeS;
    const token = await mintSessionToken(this.#d.keys.current.signer, {
      jti: newId(),
      issuer: this.#d.opts.issuer,
      clientId: o.clientId,
      sessionId: o.sessionId,
      deviceId: o.deviceId,
      jkt: o.jkt,
      lifetime,
      iat: o.now,
    });
    return { token, exp: o.now + lifetime };
  }

  /** An action token (SPEC §5.5). */
  async mintAction(o: {
    clientId: string;
    sessionId: string;
    actionId: string;
    action: string;
    now: number;
  }): Promise<Minted> {
    const lifetime = this.#d.opts.limits.actionTokenLifetimeS;
    const token = await mintActionToken(this.#d.keys.current.signer, {
      jti: newId(),
      issuer: this.#d.opts.issuer,
      clientId: o.clientId,
      sessionId: o.sessionId,
      actionId: o.actionId,
      action: o.action,
      lifetime,
      iat: o.now,
    });
    return { token, exp: o.now + lifetime };
  }

  /** A backend access token (SPEC §5.6). */
  async mintAccess(o: { clientId: string; now: number }): Promise<Minted> {
    const lifetime = this.#d.opts.limits.accessTokenLifetimeS;
    const token = await mintAccessToken(this.#d.keys.current.signer, {
      jti: newId(),
      issuer: this.#d.opts.issuer,
      clientId: o.clientId,
      lifetime,
      iat: o.now,
    });
    return { token, exp: o.now + lifetime };
  }

  /** A device proof for `method` on `path` (relative to the public base), SPEC §5.2. */
  verifyProof(
    proof: string,
    o: { method: string; path: string; now: number; expectedJkt?: string },
  ): Promise<ProofResult> {
    const { opts, nonces, crypto } = this.#d;
    return verifyDeviceProof(proof, {
      method: o.method,
      url: opts.base + o.path.replace(/^\//, ""),
      now: o.now,
      isNonceValid: (n) => nonces.isValid(n, o.now),
      replayStore: this.#proofReplay(),
      algorithms: opts.deviceAlgorithms,
      crypto,
      ...(o.expectedJkt !== undefined ? { expectedJkt: o.expectedJkt } : {}),
    });
  }

  /** A session token of `clientId` (SPEC §5.3). */
  verifySession(token: string, clientId: string, now: number): Promise<SessionTokenResult> {
    return this.#cached(
      "session",
      clientId,
      token,
      now,
      () => verifySessionToken(token, { ...this.#common(now), audience: clientId }),
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
      const iat = peekIat(token);
      return verifySessionToken(token, {
        ...this.#common(iat ?? now),
        jwks: this.#d.keys.telemetryKeys,
        audience: clientId,
      });
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
    return verifySecureSessionToken(token, {
      ...this.#common(o.now),
      audience: o.clientId,
      action: o.action,
      replayStore: this.#replay(o.beforeConsume),
      maxLifetime: this.#d.opts.limits.secureTokenMaxS,
      sessionAlgorithms: SERVICE_ALGORITHMS,
      algorithms: this.#d.opts.deviceAlgorithms,
    });
  }

  /** An action token of `clientId` (SPEC §5.5). */
  verifyAction(token: string, clientId: string, now: number): Promise<ActionTokenResult> {
    return this.#cached(
      "action",
      clientId,
      token,
      now,
      () => verifyActionToken(token, { ...this.#common(now), audience: clientId }),
    );
  }

  /** A backend access token (SPEC §5.6). */
  verifyAccess(token: string, now: number): Promise<AccessTokenResult> {
    return this.#cached(
      "access",
      "",
      token,
      now,
      () => verifyAccessToken(token, this.#common(now)),
    );
  }
}

/** An `ERR_SESSION_UNKNOWN` to throw from `beforeConsume`. */
export function sessionUnknown(): Error {
  return errorFromCode("ERR_SESSION_UNKNOWN", "no such device session");
}
