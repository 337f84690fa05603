/**
 * The service's signing keys at run time (SPEC §3.5–§3.6): the keyring of `adapters/keys`
 * (current + previous, JWKS), rotated on a period without blocking requests, optionally
 * persisted through a callback (the CLI writes a key file).
 *
 * @module
 */
import type { Alg, Jwks, PublicJwk } from "../../core/mod.ts";
import type { KeySource } from "../keys/key-set.ts";
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

  private constructor(ring: Keyring, since: number, o: KeyManagerOptions) {
    this.#ring = ring;
    this.#since = since;
    this.#o = o;
  }

  /** Creates or resumes the keyring. */
  static async create(o: KeyManagerOptions): Promise<KeyManager> {
    if (o.state) {
      const current = await importServiceKey(o.state.current);
      const previous = o.state.previous ? await importServiceKey(o.state.previous) : null;
      const ring: Keyring = { current, previous, previousUntil: o.state.previousUntil };
      const manager = new KeyManager(pruneKeyring(ring, o.now), o.state.currentSince, o);
      manager.#privates.set(current.kid, o.state.current);
      if (previous !== null) manager.#privates.set(previous.kid, o.state.previous!);
      return manager;
    }
    const manager = new KeyManager(createKeyring(await KeyManager.#generate(o)), o.now, o);
    await manager.#save();
    return manager;
  }

  static #generate(o: KeyManagerOptions): Promise<ServiceKey> {
    return generateServiceKey({ alg: o.alg, extractable: o.persist !== undefined });
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
    this.#ring = pruneKeyring(this.#ring, now);
    const { rotationS } = this.#o;
    if (rotationS === 0 || this.#rotating !== null || now < this.#since + rotationS) return;
    this.#rotating = this.rotate(now)
      .catch((e) => {
        // Keep signing with the current key; the next request tries again.
        this.lastError = e;
      })
      .finally(() => (this.#rotating = null));
  }

  /** Rotates now (SPEC §3.6); `ERR_CONFLICT` while the previous key is still needed. */
  async rotate(now: number): Promise<void> {
    const next = await KeyManager.#generate(this.#o);
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
