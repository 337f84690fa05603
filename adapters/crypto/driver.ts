/**
 * Runs a core verification procedure (a generator of effects, `core/token/effects.ts`): performs
 * each effect with the injected crypto, key source, nonce check and replay store, and resumes
 * the procedure. It stays synchronous while the effects answer synchronously (node:crypto, cached
 * keys), so the hot path pays for no promise it does not need.
 *
 * @module
 */
import type { Alg } from "../../core/wire/mod.ts";
import type { PublicJwk, VerifyEffect, VerifySteps } from "../../core/token/mod.ts";
import type { KeySource } from "../keys/key-set.ts";
import type { ReplayStore } from "../replay/types.ts";
import type { VerifyCrypto } from "./types.ts";
import { encodeUtf8 } from "../../core/token/utf8.ts";

/** What the driver needs to answer effects; a missing port fails loudly when asked for. */
export interface VerifyEnv {
  /** The crypto implementation, with its caches. */
  readonly crypto: CryptoCache;
  readonly keys?: KeySource;
  readonly replayStore?: ReplayStore;
  readonly isNonceValid?: (nonce: string) => boolean | Promise<boolean>;
}

/**
 A crypto implementation with bounded caches of imported keys and key thumbprints (oldest
 * entry goes first). Importing a key costs more than verifying with it, and keys recur.
 *
 * @example
 * ```ts
 * import { webCrypto } from "./webcrypto.ts";
 * const crypto = new CryptoCache(webCrypto);
 * ```
 */
export class CryptoCache {
  /** The implementation the cached keys belong to. */
  readonly crypto: VerifyCrypto;
  readonly #max: number;
  readonly #keys = new Map<string, unknown>();
  readonly #digests = new Map<string, Uint8Array>();
  /**
   * Signatures that verified (only for `memo` effects), by their first six bytes; the entry
   * holds the whole signature, the input and the key, all compared on a hit. A number key
   * hashes nothing: an id string of the input would cost as much as verifying's JavaScript.
   */
  readonly #verified = new Map<number, Verified>();

  constructor(crypto: VerifyCrypto, max = 1024) {
    this.crypto = crypto;
    this.#max = max;
  }

  /**
   * Keys by frozen JWK object (key sets and decoded headers hand out frozen objects, which
   * cannot change): a lookup without building the string id.
   */
  readonly #byObject = new WeakMap<object, { alg: Alg; key: unknown }>();

  /** The imported key for `jwk`, importing (and remembering) it on a miss. */
  key(jwk: PublicJwk, alg: Alg): unknown {
    const known = this.#byObject.get(jwk);
    if (known !== undefined && known.alg === alg) return known.key;
    const key = this.#keyById(jwk, alg);
    if (!isPromise(key) && key !== null && Object.isFrozen(jwk)) {
      this.#byObject.set(jwk, { alg, key });
    }
    return key;
  }

  #keyById(jwk: PublicJwk, alg: Alg): unknown {
    const crypto = this.crypto;
    const id = `${alg}.${jwk.x}.${jwk.kty === "EC" ? jwk.y : ""}`;
    const hit = this.#keys.get(id);
    if (hit !== undefined) return hit;
    const imported = crypto.importKey(jwk, alg);
    this.#put(this.#keys, id, imported);
    if (isPromise(imported)) {
      // Concurrent verifications share one import; the settled key replaces the promise, and a
      // failed import is forgotten so that the next verification tries again.
      imported.then(
        (k) => this.#keys.get(id) === imported && this.#keys.set(id, k),
        () => this.#keys.get(id) === imported && this.#keys.delete(id),
      );
    }
    return imported;
  }

  /** SHA-256 of `text`, remembered. */
  digest(text: string): Uint8Array | Promise<Uint8Array> {
    const crypto = this.crypto;
    const hit = this.#digests.get(text);
    if (hit !== undefined) return hit;
    const d = crypto.sha256(encodeUtf8(text));
    if (!isPromise(d)) {
      this.#put(this.#digests, text, d);
      return d;
    }
    return d.then((v) => (this.#put(this.#digests, text, v), v));
  }

  /**
   * Verifies, or answers `true` for a key, input and signature that verified before. Only
   * successes are remembered; a key that left the key set never gets here (its lookup fails).
   */
  verifyMemo(
    e: { alg: Alg; jwk: PublicJwk; input: string; signature: Uint8Array },
    verify: () => boolean | Promise<boolean>,
  ): boolean | Promise<boolean> {
    const sig = e.signature;
    // Signatures are uniformly random bytes (Ed25519's R, ECDSA's r): six of them spread well.
    // Colliding signatures only evict each other.
    const id = sig.length < 6 ? -1 : sig[0]! * 2 ** 40 + sig[1]! * 2 ** 32 +
      (((sig[2]! << 24) | (sig[3]! << 16) | (sig[4]! << 8) | sig[5]!) >>> 0);
    const hit = this.#verified.get(id);
    if (hit !== undefined && sameVerified(hit, e)) return true;
    const ok = verify();
    const entry = (): Verified => ({
      alg: e.alg,
      x: e.jwk.x,
      y: e.jwk.kty === "EC" ? e.jwk.y : "",
      input: e.input,
      signature: sig.slice(),
    });
    if (ok === true) this.#put(this.#verified, id, entry());
    else if (isPromise(ok)) {
      return ok.then((v) => (v === true && this.#put(this.#verified, id, entry()), v));
    }
    return ok;
  }

  #put<K, V>(map: Map<K, V>, id: K, value: V): void {
    if (map.size >= this.#max) map.delete(map.keys().next().value!);
    map.set(id, value);
  }
}

/** A remembered successful verification. */
interface Verified {
  readonly alg: Alg;
  readonly x: string;
  readonly y: string;
  readonly input: string;
  readonly signature: Uint8Array;
}

function sameVerified(
  v: Verified,
  e: { alg: Alg; jwk: PublicJwk; input: string; signature: Uint8Array },
): boolean {
  const sig = e.signature;
  if (
    v.alg !== e.alg || v.x !== e.jwk.x || v.y !== (e.jwk.kty === "EC" ? e.jwk.y : "") ||
    v.signature.length !== sig.length || v.input !== e.input
  ) return false;
  for (let i = 0; i < sig.length; i++) if (v.signature[i] !== sig[i]) return false;
  return true;
}

/** Whether an answer is a promise (a thenable) rather than the value itself. */
export function isPromise(x: unknown): x is Promise<unknown> {
  return typeof x === "object" && x !== null &&
    typeof (x as { then?: unknown }).then === "function";
}

/**
 * Performs one effect with the ports of `env`: its answer, or a promise of it.
 *
 * @example
 * ```ts
 * declare const env: VerifyEnv;
 * const key = perform({ op: "key", kid: "…" }, env); // a JWK, null, or a promise of either
 * ```
 */
export function perform(effect: VerifyEffect, env: VerifyEnv): unknown {
  switch (effect.op) {
    case "verify":
      // No closure on the common path: verification is the hot path.
      return effect.memo === true
        ? env.crypto.verifyMemo(effect, () => verifyEffect(env, effect))
        : verifyEffect(env, effect);
    case "key":
      return need(env.keys, "a key source").getKey(effect.kid);
    case "sha256":
      return env.crypto.digest(effect.text);
    case "nonce":
      return need(env.isNonceValid, "a nonce check")(effect.nonce);
    case "consume":
      return need(env.replayStore, "a replay store").consume(effect.id, effect.until);
  }
}

function verifyEffect(
  env: VerifyEnv,
  effect: Extract<VerifyEffect, { op: "verify" }>,
): boolean | Promise<boolean> {
  const key = env.crypto.key(effect.jwk, effect.alg);
  return isPromise(key)
    ? key.then((k) => verifyWith(env, effect, k))
    : verifyWith(env, effect, key);
}

function verifyWith(
  env: VerifyEnv,
  e: Extract<VerifyEffect, { op: "verify" }>,
  key: unknown,
): boolean | Promise<boolean> {
  return key === null ? false : env.crypto.crypto.verify(e.alg, key, e.input, e.signature);
}

function need<T>(port: T | undefined, what: string): T {
  if (port === undefined) throw new TypeError(`verification needs ${what}`);
  return port;
}

/**
 * Runs `steps` to completion. Resolves with the procedure's result or rejects with the error of
 * the first failing step (or of a port, e.g. `ERR_NETWORK` from a JWKS fetch).
 *
 * @example
 * ```ts
 * import { type ServiceTokenRules, sessionTokenSteps } from "device-session/core";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * declare const env: VerifyEnv;
 * const result = await runVerify(sessionTokenSteps(token, rules), env);
 * ```
 */
export function runVerify<T>(steps: VerifySteps<T>, env: VerifyEnv): Promise<T> {
  try {
    let r = steps.next();
    while (!r.done) {
      const answer = perform(r.value, env);
      if (isPromise(answer)) return finish(steps, answer, env);
      r = steps.next(answer);
    }
    return Promise.resolve(r.value);
  } catch (e) {
    return Promise.reject(e);
  }
}

async function finish<T>(
  steps: VerifySteps<T>,
  first: Promise<unknown>,
  env: VerifyEnv,
): Promise<T> {
  let r = steps.next(await first);
  while (!r.done) {
    const answer = perform(r.value, env);
    r = steps.next(isPromise(answer) ? await answer : answer);
  }
  return r.value;
}
