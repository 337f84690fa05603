/**
 * A fake device key store for core tests: deterministic public keys and "signatures" that
 * encode nothing secret. Only the fake service accepts them. Real key stores live in
 * `adapters/keystore/`.
 *
 * @module
 */
import { encodeBase64Url } from "../../core/token/base64url.ts";
import type { KeyStore, Signer } from "../ports.ts";

/**
 * Fake keys numbered 1, 2, …; `lose()` simulates a wiped key store.
 *
 * @example
 * ```ts
 * const keys = new FakeKeyStore();
 * const signer = await keys.generate(); // key #1
 * ```
 */
export class FakeKeyStore implements KeyStore {
  #current: Signer | null = null;
  #count = 0;
  /** When set, `sign` rejects (a key that became unusable). */
  broken = false;

  load(): Promise<Signer | null> {
    return Promise.resolve(this.#current);
  }

  generate(): Promise<Signer> {
    const n = ++this.#count;
    const x = encodeBase64Url(new Uint8Array(32).fill(n));
    const signer: Signer = {
      info: {
        alg: "EdDSA",
        jwk: { kty: "OKP", crv: "Ed25519", x },
        jkt: encodeBase64Url(new Uint8Array(32).fill(100 + n)),
        assurance: "ephemeral",
      },
      sign: () =>
        this.broken || this.#current !== signer
          ? Promise.reject(new Error("key unusable"))
          : Promise.resolve(new Uint8Array(64).fill(n)),
    };
    this.#current = signer;
    return Promise.resolve(signer);
  }

  /** Forgets the key (storage cleared). */
  lose(): void {
    this.#current = null;
  }

  /** Number of keys generated so far. */
  get generated(): number {
    return this.#count;
  }
}
