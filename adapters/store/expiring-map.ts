/**
 * A Map whose entries expire, with bounded size: what every in-memory table of the store is
 * built on. No timers: expired entries are invisible at once (checked on read) and removed by an
 * incremental sweep that every write advances a few steps, so memory is reclaimed even for keys
 * nobody reads again, and a process with no traffic holds no timer. Expiries are kept in whole
 * seconds, rounded up (never earlier than asked).
 *
 * @module
 */

/** Entries examined per write by the incremental sweep. */
const SWEEP_STEP = 8;

/** Options of {@link ExpiringMap}. */
export interface ExpiringMapOptions {
  /** Most entries; inserting beyond evicts the oldest inserted entry. */
  readonly maxSize: number;
  /** The clock, epoch milliseconds. */
  readonly now: () => number;
}

/**
 * An expiring, size-bounded map.
 *
 * @example
 * ```ts
 * const m = new ExpiringMap<string, number>({ maxSize: 1000, now: Date.now });
 * m.set("a", 1, Date.now() + 60_000);
 * m.get("a"); // 1
 * ```
 */
export class ExpiringMap<K, V> {
  readonly #values = new Map<K, V>();
  /** Expiry in whole seconds, rounded up: small integers are stored unboxed by the engine. */
  readonly #expiry = new Map<K, number>();
  readonly #max: number;
  readonly #now: () => number;
  #cursor: Iterator<[K, number]> | null = null;
  /** When {@link ExpiringMap.add} last swept the whole map to make room (seconds). */
  #fullSweepAt = -Infinity;
  /** Entries evicted because the map was full (monitoring). */
  evicted = 0;

  constructor(options: ExpiringMapOptions) {
    this.#max = options.maxSize;
    this.#now = options.now;
  }

  /** Live entries plus expired ones not swept yet. */
  get size(): number {
    return this.#values.size;
  }

  /** The value, or `undefined` when absent or expired. */
  #nowS(): number {
    return this.#now() / 1000;
  }

  get(key: K): V | undefined {
    const exp = this.#expiry.get(key);
    if (exp === undefined) return undefined;
    if (exp <= this.#nowS()) {
      this.delete(key);
      return undefined;
    }
    return this.#values.get(key);
  }

  /** Expiry of a live entry, or `undefined`. */
  expiresAt(key: K): number | undefined {
    const exp = this.#expiry.get(key);
    return exp !== undefined && exp > this.#nowS() ? exp * 1000 : undefined;
  }

  /** Sets `key` until `expiresAtMs` (an existing key keeps its insertion position). */
  set(key: K, value: V, expiresAtMs: number): void {
    this.sweep(SWEEP_STEP);
    if (!this.#values.has(key) && this.#values.size >= this.#max) {
      const oldest = this.#values.keys().next();
      if (!oldest.done) {
        this.delete(oldest.value);
        this.evicted++;
      }
    }
    this.#values.set(key, value);
    this.#expiry.set(key, Math.ceil(expiresAtMs / 1000));
  }

  /**
   * Sets a new `key` until `expiresAtMs` unless the map is full of live entries: unlike
   * {@link ExpiringMap.set} it never evicts a live entry. When full it first removes expired
   * entries (from the oldest inserted, then a whole sweep at most once a second, so a full map
   * under load costs no more than one scan per second). `false` when nothing was stored.
   */
  add(key: K, value: V, expiresAtMs: number): boolean {
    this.sweep(SWEEP_STEP);
    if (!this.#values.has(key) && this.#values.size >= this.#max && !this.#makeRoom()) {
      return false;
    }
    this.#values.set(key, value);
    this.#expiry.set(key, Math.ceil(expiresAtMs / 1000));
    return true;
  }

  #makeRoom(): boolean {
    const now = this.#nowS();
    // Insertion order is close to expiry order for single-use ids: the head expires first.
    for (const [key, exp] of this.#expiry) {
      if (exp > now) break;
      this.delete(key);
    }
    if (this.#values.size < this.#max) return true;
    if (now - this.#fullSweepAt >= 1) {
      this.#fullSweepAt = now;
      this.sweep();
    }
    return this.#values.size < this.#max;
  }

  /** Seconds until the oldest inserted live entry expires (a retry hint for a full map). */
  secondsToOldestExpiry(): number {
    const now = this.#nowS();
    for (const exp of this.#expiry.values()) if (exp > now) return exp - now;
    return 0;
  }

  /** Moves a live entry's expiry. */
  touch(key: K, expiresAtMs: number): void {
    if (this.#values.has(key)) this.#expiry.set(key, Math.ceil(expiresAtMs / 1000));
  }

  /** Removes `key`; `true` if it was present (expired or not). */
  delete(key: K): boolean {
    this.#expiry.delete(key);
    return this.#values.delete(key);
  }

  /**
   * Examines up to `steps` entries (all with `Infinity`) and removes the expired ones. The
   * cursor survives between calls (Map iterators tolerate deletion), so repeated small sweeps
   * cover the whole map.
   */
  sweep(steps: number = Infinity): number {
    const now = this.#nowS();
    let removed = 0;
    if (steps === Infinity) this.#cursor = null; // a full sweep starts from the beginning
    for (let i = 0; i < steps; i++) {
      this.#cursor ??= this.#expiry.entries();
      const next = this.#cursor.next();
      if (next.done) {
        this.#cursor = null; // the next sweep starts over
        break;
      }
      const [key, exp] = next.value;
      if (exp <= now) {
        this.delete(key);
        removed++;
      }
    }
    return removed;
  }
}
