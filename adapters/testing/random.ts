/**
 * Seeded randomness for reproducible tests and trace vectors (never for production keys).
 *
 * @module
 */
import type { Random } from "../ports.ts";

/**
 * A deterministic byte source (SplitMix32) from a 32-bit seed.
 *
 * @example
 * ```ts
 * const r = new SeededRandom(42);
 * r.bytes(32); // the same 32 bytes for seed 42, every run, every runtime
 * ```
 */
export class SeededRandom implements Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit value. */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.next();
      out[i] = v >>> 24;
      if (i + 1 < n) out[i + 1] = (v >>> 16) & 255;
      if (i + 2 < n) out[i + 2] = (v >>> 8) & 255;
      if (i + 3 < n) out[i + 3] = v & 255;
    }
    return out;
  }
}
