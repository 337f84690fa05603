/**
 * Proof nonces (SPEC §6.1, §5.2 step 7): stateless, `<issued-at base36>.<HMAC-SHA-256 tag>`, so
 * any process holding the secret can check one and nothing is stored per nonce. Valid for 300 s,
 * not single-use (the proof `jti` is). One nonce per second is minted and reused.
 *
 * @module
 */
import { encodeBase64Url } from "../../core/mod.ts";
import { NONCE_VALIDITY_S } from "../../core/service/limits.ts";

const encoder = new TextEncoder();
/** Tolerated clock difference between processes sharing the secret, seconds. */
const FUTURE_SKEW_S = 5;
const NONCE = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

/**
 * Issues and checks nonces.
 *
 * @example
 * ```ts
 * const now = Math.floor(Date.now() / 1000);
 * const nonces = await NonceIssuer.create("a shared secret of 16+ chars");
 * const n = await nonces.issue(now);
 * await nonces.isValid(n, now); // true for 300 s
 * ```
 */
export class NonceIssuer {
  readonly #key: CryptoKey;
  /** Recent tags by issue second (bounded): issuing and checking rarely recompute. */
  readonly #tags = new Map<number, Promise<string>>();

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** With `secret` (share it between processes) or a random one. */
  static async create(secret: string | null): Promise<NonceIssuer> {
    const raw = secret !== null
      ? encoder.encode(secret)
      : globalThis.crypto.getRandomValues(new Uint8Array(32));
    const key = await globalThis.crypto.subtle.importKey(
      "raw",
      raw,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return new NonceIssuer(key);
  }

  #tag(t: number): Promise<string> {
    let tag = this.#tags.get(t);
    if (tag === undefined) {
      tag = globalThis.crypto.subtle.sign("HMAC", this.#key, encoder.encode(`ds-nonce:${t}`))
        .then((mac) => encodeBase64Url(new Uint8Array(mac).subarray(0, 16)));
      this.#tags.set(t, tag);
      if (this.#tags.size > NONCE_VALIDITY_S + 64) {
        this.#tags.delete(this.#tags.keys().next().value!);
      }
    }
    return tag;
  }

  /** A nonce issued at `now` (epoch seconds). */
  async issue(now: number): Promise<string> {
    return `${now.toString(36)}.${await this.#tag(now)}`;
  }

  /** Whether `nonce` was issued by this secret within the last 300 s. */
  async isValid(nonce: string, now: number): Promise<boolean> {
    const m = NONCE.exec(nonce);
    if (m === null) return false;
    const t = parseInt(m[1]!, 36);
    if (!(t > now - NONCE_VALIDITY_S && t <= now + FUTURE_SKEW_S)) return false;
    const tag = await this.#tag(t);
    let diff = 0; // constant time, like any MAC check
    for (let i = 0; i < 22; i++) diff |= tag.charCodeAt(i) ^ m[2]!.charCodeAt(i);
    return diff === 0;
  }
}
