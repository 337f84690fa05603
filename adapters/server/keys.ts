/**
 * The service's signing keys at run time (SPEC §3.5–§3.6): the keyring of `adapters/keys`
 * (current + previous, JWKS), rotated on a period without blocking requests, optionally
 * persisted through a callback (the CLI writes a key file).
 *
 * @module
 */
import type { Alg, Jwks, PublicJwk } from "../../core/mod.ts";
import type { KeySource } from "../keys/key-set.ts";
import type { TokenSigner } from "../crypto/types.ts";
import {
  createKeyring,
  exportServiceKey,
  generateServiceKey,
  importServiceKey,
  type Keyring,
  keyringJwks,
  pruneKeyring,
  rotateKeyring,
  type ServiceKey,
  serviceKeyFromSigner,
} from "../keys/mod.ts";

/** A keyring as it is persisted: private JWKs and the rotation times (epoch seconds). */
export interface KeyringState {
  readonly v: 1;
  readonly current: JsonWebKey;
  readonly currentSince: number;
  readonly previous: JsonWebKey | null;
  readonly previousUntil: number;
}

/** Options of {@link KeyManager.create}. */
export interface KeyManagerOptions {
  readonly alg: Alg;
  /** Rotation period in seconds; 0 never rotates. */
  readonly rotationS: number;
  /** The longest lifetime of a token the service signs (the previous key's retention). */
  readonly maxTokenLifetimeS: number;
  /** Epoch seconds. */
  readonly now: number;
  /** A persisted keyring to resume (keys must match `alg` for new ones only). */
  readonly state?: KeyringState | null;
  /** Called with the new state after each change; when set, keys are generated extractable. */
  readonly persist?: (state: KeyringState) => Promise<void>;
  /**
   * Builds the signer of a private key (e.g. `node:crypto`'s synchronous signer, several times
   * cheaper than WebCrypto on Node); when set, keys are generated extractable to hand it over.
   */
  readonly signer?: (privateJwk: JsonWebKey, alg: Alg) => TokenSigner;
  /**
   * How long a previous key, once dropped from the JWKS, still verifies the service's own
   * telemetry tokens (SPEC §8.5 accepts expired session tokens until the session's retention
   * ends; default 0). Never published.
   */
  readonly retireForS?: number;
}

/**
 * Holds the keyring, answers key lookups (a {@link KeySource} over the service's own keys) and
 * rotates when due.
 *
 * @example
 * ```ts
 * const keys = await KeyManager.create({ alg: "EdDSA", rotationS: 0, maxTokenLifetimeS: 3600, now });
 * keys.current.signer; // signs every new token
 * ```
 */
export class KeyManager implements KeySource {
  #ring: Keyring;
  #since: number;
  #rotating: Promise<void> | null = null;
  readonly #o: KeyManagerOptions;
  /** The last background rotation failure, if any (for monitoring). */
  lastError: unknown = null;
  /** Private JWKs of resumed keys (imported non-extractable, so they cannot be exported again). */
  readonly #privates = new Map<string, JsonWebKey>();
  /** Keys dropped from the JWKS that still verify telemetry, until `until` (seconds). */
  readonly #retired = new Map<string, { readonly jwk: PublicJwk; readonly until: number }>();

  private constructor(ring: Keyring | null, since: number, o: KeyManagerOptions) {
    this.#ring = ring!; // null only while create() generates the first key
    this.#since = since;
    this.#o = o;
  }

  /** Creates or resumes the keyring. */
  static async create(o: KeyManagerOptions): Promise<KeyManager> {
    if (o.state) {
      const current = await KeyManager.#import(o, o.state.current);
      const previous = o.state.previous ? await KeyManager.#import(o, o.state.previous) : null;
      const ring: Keyring = { current, previous, previousUntil: o.state.previousUntil };
      const manager = new KeyManager(ring, o.state.currentSince, o);
      manager.#prune(o.now);
      manager.#privates.set(current.kid, o.state.current);
      if (previous !== null) manager.#privates.set(previous.kid, o.state.previous!);
      return manager;
    }
    const manager = new KeyManager(null, o.now, o);
    manager.#ring = createKeyring(await manager.#generateKey());
    await manager.#save();
    return manager;
  }

  static #import(o: KeyManagerOptions, privateJwk: JsonWebKey): Promise<ServiceKey> {
    if (o.signer === undefined) return importServiceKey(privateJwk);
    const alg = privateJwk.kty === "OKP" ? "EdDSA" : "ES256";
    return serviceKeyFromSigner(o.signer(privateJwk, alg), privateJwk);
  }

  async #generateKey(): Promise<ServiceKey> {
    const o = this.#o;
    const extractable = o.persist !== undefined || o.signer !== undefined;
    const key = await generateServiceKey({ alg: o.alg, extractable });
    if (o.signer === undefined) return key;
    const privateJwk = await exportServiceKey(key);
    this.#privates.set(key.kid, privateJwk);
    return { ...key, signer: { ...o.signer(privateJwk, o.alg), kid: key.kid } };
  }

  /** The key that signs new tokens. */
  get current(): ServiceKey {
    return this.#ring.current;
  }

  /** The JWKS to publish at `now` (SPEC §3.5). */
  jwks(now: number): Jwks {
    return keyringJwks(this.#ring, now);
  }

  /** {@link KeySource}: the current or previous key by `kid`, nothing else. */
  getKey(kid: string): PublicJwk | null {
    const r = this.#ring;
    if (r.current.kid === kid) return r.current.jwk as unknown as PublicJwk;
    if (r.previous !== null && r.previous.kid === kid) {
      return r.previous.jwk as unknown as PublicJwk;
    }
    return null;
  }

  /**
   * Starts a rotation in the background when one is due at `now` (requests keep signing with the
   * current key meanwhile) and drops a previous key whose retention passed.
   */
  maintain(now: number): void {
    this.#prune(now);
    const { rotationS } = this.#o;
    if (rotationS === 0 || this.#rotating !== null || now < this.#since + rotationS) return;
    this.#rotating = this.rotate(now)
      .catch((e) => {
        // Keep signing with the current key; the next request tries again.
        this.lastError = e;
      })
      .finally(() => (this.#rotating = null));
  }

  #prune(now: number): void {
    const r = this.#ring;
    if (r.previous !== null && now >= r.previousUntil && (this.#o.retireForS ?? 0) > 0) {
      this.#retired.set(r.previous.kid, {
        jwk: r.previous.jwk as unknown as PublicJwk,
        until: r.previousUntil + this.#o.retireForS!,
      });
    }
    this.#ring = pruneKeyring(r, now);
    for (const [kid, k] of this.#retired) if (now >= k.until) this.#retired.delete(kid);
  }

  /**
   * A {@link KeySource} for the service's own telemetry check: the published keys, plus keys
   * dropped from the JWKS within `retireForS` (a device offline across a rotation still
   * delivers the events queued under its old token).
   */
  readonly telemetryKeys: KeySource = {
    getKey: (kid: string): PublicJwk | null =>
      this.getKey(kid) ?? this.#retired.get(kid)?.jwk ?? null,
  };

  /** Rotates now (SPEC §3.6); `ERR_CONFLICT` while the previous key is still needed. */
  async rotate(now: number): Promise<void> {
    const next = await this.#generateKey();
    this.#ring = rotateKeyring(this.#ring, next, {
      now,
      maxTokenLifetime: this.#o.maxTokenLifetimeS,
    });
    this.#since = now;
    await this.#save();
  }

  /** Waits for a rotation in progress. */
  async settled(): Promise<void> {
    await this.#rotating;
  }

  async #save(): Promise<void> {
    if (this.#o.persist === undefined) return;
    const r = this.#ring;
    const privateJwk = (k: ServiceKey): Promise<JsonWebKey> | JsonWebKey =>
      this.#privates.get(k.kid) ?? exportServiceKey(k as ServiceKey & { privateKey: CryptoKey });
    const state: KeyringState = {
      v: 1,
      current: await privateJwk(r.current),
      currentSince: this.#since,
      previous: r.previous === null ? null : await privateJwk(r.previous),
      previousUntil: r.previousUntil,
    };
    await this.#o.persist(state);
  }
}
