/**
 * Runs the steps of a service-signed token (`core/token/service-parts.ts`) without a generator
 * while the key source and the crypto answer at once (a loaded key set, a cached key,
 * node:crypto), and finishes asynchronously from the first answer that is a promise. It
 * resolves and rejects as `runVerify(serviceTokenSteps(…))` does (a property test holds them
 * together), for less: on JavaScriptCore (Bun) the generator and its resumptions cost about as
 * much as all the checks of a recurring session token.
 *
 * @module
 */
import {
  type ClaimsOf,
  type ServiceKind,
  serviceSignatureEffect,
  serviceTokenClaims,
  type ServiceTokenHead,
  serviceTokenHead,
  type ServiceTokenRules,
} from "../../core/token/mod.ts";
import { isPromise, perform, type VerifyEnv } from "./driver.ts";

/**
 * Verifies a service-signed token of `kind` and resolves with `result(claims)`; rejects with the
 * error of the first failing step (or of a port).
 *
 * @example
 * ```ts
 * import { sessionResult, type ServiceTokenRules } from "../../core/token/mod.ts";
 * import type { VerifyEnv } from "./driver.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * declare const env: VerifyEnv;
 * const session = await runServiceToken(token, "session", rules, env, sessionResult);
 * ```
 */
export function runServiceToken<K extends ServiceKind, R>(
  token: string,
  kind: K,
  rules: ServiceTokenRules,
  env: VerifyEnv,
  result: (claims: ClaimsOf[K]) => R,
): Promise<R> {
  try {
    const head = serviceTokenHead(token, kind, rules);
    const key = perform({ op: "key", kid: head.kid }, env);
    if (isPromise(key)) return afterKey(head, key, rules, env, result);
    const ok = perform(serviceSignatureEffect(head, key), env);
    // A reaction rather than an async function (cheaper to resume on JavaScriptCore); through
    // Promise.resolve, which answers a native promise itself, so any thenable works.
    if (isPromise(ok)) {
      return Promise.resolve(ok).then((answer) => result(serviceTokenClaims(head, rules, answer)));
    }
    return Promise.resolve(result(serviceTokenClaims(head, rules, ok)));
  } catch (e) {
    return Promise.reject(e);
  }
}

// From a key that is a promise: the signature is yet to be checked.
async function afterKey<K extends ServiceKind, R>(
  head: ServiceTokenHead<K>,
  key: Promise<unknown>,
  rules: ServiceTokenRules,
  env: VerifyEnv,
  result: (claims: ClaimsOf[K]) => R,
): Promise<R> {
  const ok = perform(serviceSignatureEffect(head, await key), env);
  return result(serviceTokenClaims(head, rules, isPromise(ok) ? await ok : ok));
}
