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

/**
 * A keyring kept where every instance of the service reads it (the Redis store): one truth for
 * the signing keys, surviving restarts. Rotation is a compare-and-set on the current key, so
 * when several instances race to rotate exactly one new key wins and the others adopt it.
 */
export interface SharedKeyring {
  /** The stored keyring, or `null` when none is stored yet. */
  load(): Promise<KeyringState | null>;
  /**
   * Stores `next` if the stored current key is `expectedKid` (`null`: nothing stored yet), and
   * answers the keyring stored afterwards: `next`, or the one another instance stored first.
   */
  swap(expectedKid: string | null, next: KeyringState, nextKid: string): Promise<KeyringState>;
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
  /** Keep the keyring in a {@link SharedKeyring} (instead of `state`/`persist`). */
  readonly shared?: SharedKeyring;
  /** How often a shared keyring is read again, seconds (default 30): the JWKS of every
   * instance agrees within this long after a rotation. */
  readonly refreshS?: number;
}

/**
 * Holds the keyring, answers key lookups (a {@link KeySource} over the service's own keys) and
 * rotates when due.
 *
 * @example
 * ```ts
 * const now = Math.floor(Date.now() / 1000);
 * const keys = await KeyManager.create({ alg: "EdDSA", rotationS: 0, maxTokenLifetimeS: 3600, now });
 * keys.current.signer; // signs every new token
 * ```
 */
export class KeyManager implements KeySource {
  #ring: Keyring;
  #since: number;
  #rotating: Promise<unknown> | null = null;
  #refreshedAt = 0;
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

  /** Creates or resumes the keyring (from `state`, or from the shared keyring). */
  static async create(o: KeyManagerOptions): Promise<KeyManager> {
    let state = o.state ?? null;
    if (o.shared !== undefined) {
      state = await o.shared.load();
      if (state === null) {
        const first = new KeyManager(null, o.now, o);
        first.#ring = createKeyring(await first.#generateKey());
        state = await o.shared.swap(null, await first.#state(), first.#ring.current.kid);
      }
    }
    if (state) {
      const manager = new KeyManager(null, state.currentSince, o);
      await manager.#adopt(state, o.now);
      manager.#refreshedAt = o.now;
      return manager;
    }
    const manager = new KeyManager(null, o.now, o);
    manager.#ring = createKeyring(await manager.#generateKey());
    await manager.#save();
    return manager;
  }

  /** Takes `state` as the keyring (keys already held are not imported again). */
  async #adopt(state: KeyringState, now: number): Promise<void> {
    const o = this.#o;
    const have = (jwk: JsonWebKey): ServiceKey | null => {
      const r = this.#ring as Keyring | null;
      for (const k of r === null ? [] : [r.current, r.previous]) {
        const mine = k === null ? undefined : this.#privates.get(k.kid);
        if (k !== null && mine !== undefined && mine.x === jwk.x && mine.y === jwk.y) return k;
      }
      return null;
    };
    const current = have(state.current) ?? await KeyManager.#import(o, state.current);
    const previous = state.previous === null
      ? null
      : have(state.previous) ?? await KeyManager.#import(o, state.previous);
    this.#privates.set(current.kid, state.current);
    if (previous !== null) this.#privates.set(previous.kid, state.previous!);
    this.#ring = { current, previous, previousUntil: state.previousUntil };
    this.#since = state.currentSince;
    this.#prune(now);
  }

  static #import(o: KeyManagerOptions, privateJwk: JsonWebKey): Promise<ServiceKey> {
    if (o.signer === undefined) return importServiceKey(privateJwk);
    const alg = privateJwk.kty === "OKP" ? "EdDSA" : "ES256";
    return serviceKeyFromSigner(o.signer(privateJwk, alg), privateJwk);
  }

  async #generateKey(): Promise<ServiceKey> {
    const o = this.#o;
    const extractable = o.persist !== undefined || o.signer !== undefined ||
      o.shared !== undefined;
    const key = await generateServiceKey({ alg: o.alg, extractable });
    if (!extractable) return key;
    const privateJwk = await exportServiceKey(key);
    this.#privates.set(key.kid, privateJwk);
    if (o.signer === undefined) return key;
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
    const { rotationS, shared } = this.#o;
    if (
      shared !== undefined && this.#rotating === null &&
      now >= this.#refreshedAt + (this.#o.refreshS ?? 30)
    ) {
      this.#refreshedAt = now;
      this.#rotating = this.refresh(now)
        .catch((e) => (this.lastError = e))
        .finally(() => (this.#rotating = null));
      return;
    }
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

  /**
   * Rotates now (SPEC §3.6); `ERR_CONFLICT` while the previous key is still needed. With a
   * shared keyring, only the instance whose compare-and-set lands makes the new key; the others
   * adopt it.
   */
  async rotate(now: number): Promise<void> {
    const next = await this.#generateKey();
    const ring = rotateKeyring(this.#ring, next, {
      now,
      maxTokenLifetime: this.#o.maxTokenLifetimeS,
    });
    const shared = this.#o.shared;
    if (shared !== undefined) {
      const before = this.#ring.current.kid;
      const stored = await shared.swap(before, await this.#state(ring, now), next.kid);
      await this.#adopt(stored, now);
      return;
    }
    this.#ring = ring;
    this.#since = now;
    await this.#save();
  }

  /** Reads the shared keyring again and adopts it (every instance's JWKS then agrees). */
  async refresh(now: number): Promise<void> {
    const stored = await this.#o.shared?.load();
    if (stored) await this.#adopt(stored, now);
  }

  /** Waits for a rotation in progress. */
  async settled(): Promise<void> {
    await this.#rotating;
  }

  async #save(): Promise<void> {
    if (this.#o.persist === undefined) return;
    await this.#o.persist(await this.#state());
  }

  /** The persisted form of `ring` (default: the current one) made current at `since`. */
  async #state(ring: Keyring = this.#ring, since: number = this.#since): Promise<KeyringState> {
    const privateJwk = (k: ServiceKey): Promise<JsonWebKey> | JsonWebKey =>
      this.#privates.get(k.kid) ?? exportServiceKey(k as ServiceKey & { privateKey: CryptoKey });
    return {
      v: 1,
      current: await privateJwk(ring.current),
      currentSince: since,
      previous: ring.previous === null ? null : await privateJwk(ring.previous),
      previousUntil: ring.previousUntil,
    };
  }
}
