/**
 * The steps of a service-signed token (SPEC §5.3 session, §5.5 action, §5.6 access) in three
 * parts, cut where the procedure waits for its driver: up to the key lookup, from the key to the
 * signature check, from the signature's answer to the claims. The generator of
 * `service-steps.ts` runs them with a `yield` between; a driver whose answers are at hand may run
 * them directly, without a generator (`adapters/crypto/service-token.ts`): the same steps in the
 * same order, with the same errors.
 *
 * @module
 */
import type * as v from "valibot";
import { errorFromCode } from "../errors/error.ts";
import { parseClaims } from "../wire/parse.ts";
import type { Alg } from "../wire/primitives.ts";
import {
  type AccessClaims,
  type ActionClaims,
  CLAIMS_SCHEMA,
  MAX_LIFETIME_S,
  type SessionClaims,
} from "../wire/tokens.ts";
import { checkIssuerAudience } from "./checks.ts";
import { checkSignatureAnswer, signatureEffect } from "./common-steps.ts";
import type { VerifyEffect } from "./effects.ts";
import { checkHeader } from "./header.ts";
import { checkKeyAlg, type PublicJwk } from "./jwk.ts";
import { type ParsedJws, parseJws } from "./jws.ts";
import { isSessionClaims } from "./session-claims.ts";
import type { ServiceTokenRules } from "./service-steps.ts";
import { checkTimes } from "./time.ts";

/** The kinds of token the service signs. */
export type ServiceKind = "session" | "action" | "access";

/** The claims of each service-signed kind. */
export interface ClaimsOf {
  session: SessionClaims;
  action: ActionClaims;
  access: AccessClaims;
}

/** A token through steps 1 and 2 up to its key lookup: what the later parts need. */
export interface ServiceTokenHead<K extends ServiceKind> {
  readonly kind: K;
  readonly parsed: ParsedJws;
  readonly alg: Alg;
  /** The `kid` to look up (the driver's `key` effect). */
  readonly kid: string;
}

/**
 * Steps 1 (S1–S5) and 2 up to the lookup: `kid` present. Session and access tokens recur (one
 * per session or client, presented again and again): their decoded parts are shared (frozen), an
 * action token's are its own.
 *
 * @example
 * ```ts
 * import type { ServiceTokenRules } from "./service-steps.ts";
 * declare const token: string;
 * declare const rules: ServiceTokenRules;
 * const head = serviceTokenHead(token, "session", rules);
 * head.kid; // look it up in the configured key set
 * ```
 */
export function serviceTokenHead<K extends ServiceKind>(
  token: string,
  kind: K,
  rules: ServiceTokenRules,
): ServiceTokenHead<K> {
  const parsed = parseJws(token, rules.asciiText, kind !== "action");
  const alg = checkHeader(parsed.header, kind, rules.algorithms);
  // kid names a configured key (never jku/x5u/jwk/x5c from the header), agreeing with alg.
  const kid = parsed.header.kid;
  if (typeof kid !== "string" || kid === "") {
    throw errorFromCode("ERR_KEY_UNKNOWN", "kid is required");
  }
  return { kind, parsed, alg, kid };
}

/**
 * The rest of step 2 with the key set's answer (a key, or not), and step 3's request: the
 * signature effect. `memo` as in {@link signatureEffect}.
 *
 * @example
 * ```ts
 * declare const head: ServiceTokenHead<"session">;
 * declare const answer: unknown; // the key set's answer for head.kid
 * const effect = serviceSignatureEffect(head, answer); // { op: "verify", … }
 * ```
 */
export function serviceSignatureEffect(
  head: ServiceTokenHead<ServiceKind>,
  key: unknown,
  memo = false,
): VerifyEffect {
  if (typeof key !== "object" || key === null) {
    throw errorFromCode("ERR_KEY_UNKNOWN", "kid is not in the configured key set", {
      details: { kid: head.kid.slice(0, 64) },
    });
  }
  checkKeyAlg(key as PublicJwk, head.alg);
  return signatureEffect(head.parsed, head.alg, key as PublicJwk, memo);
}

/**
 * Step 3's answer, then steps 4–6: claims present and typed (`ver` 1), `iss` and `aud`, times.
 * Returns the validated claims.
 *
 * @example
 * ```ts
 * import type { ServiceTokenRules } from "./service-steps.ts";
 * declare const head: ServiceTokenHead<"session">;
 * declare const rules: ServiceTokenRules;
 * const claims = serviceTokenClaims(head, rules, true); // true: the signature verified
 * claims.sub;
 * ```
 */
export function serviceTokenClaims<K extends ServiceKind>(
  head: ServiceTokenHead<K>,
  rules: ServiceTokenRules,
  signatureAnswer: unknown,
): ClaimsOf[K] {
  checkSignatureAnswer(signatureAnswer);
  const kind = head.kind, payload = head.parsed.payload;
  // Session claims (also the inner token of every secure token) take the one-function check;
  // anything it rejects goes to parseClaims, which gives the error.
  const claims = kind === "session" && sessionClaimsOk(payload)
    ? payload as unknown as ClaimsOf[K]
    : parseClaims(CLAIMS_SCHEMA[kind] as v.GenericSchema<ClaimsOf[K]>, kind, payload);
  checkIssuerAudience(claims, rules);
  checkTimes({
    iat: claims.iat,
    exp: claims.exp,
    now: rules.now,
    tolerance: rules.tolerance,
    maxLifetime: MAX_LIFETIME_S[kind],
  });
  return claims;
}

// A shared payload (parseJws) is deeply frozen, so whether it holds valid session claims never
// changes: that is checked once per payload object. Fresh payloads are checked every time.
const validSessionClaims = new WeakSet<object>();
function sessionClaimsOk(p: Record<string, unknown>): boolean {
  if (validSessionClaims.has(p)) return true;
  if (!isSessionClaims(p)) return false;
  if (Object.isFrozen(p) && Object.isFrozen(p.cnf)) validSessionClaims.add(p);
  return true;
}
