/**
 * The options of the verifier (`device-session/verify`, SPEC §5): their types, their valibot
 * schemas, and a validation cache keyed on the options object (callers pass the same object on
 * every call, and validating costs as much as the claims checks).
 *
 * @module
 */
import * as v from "valibot";
import {
  ActionType,
  type Alg,
  AlgSchema,
  ClientId,
  parseOrThrow,
  Thumbprint,
} from "../../core/wire/mod.ts";
import { MAX_CLOCK_TOLERANCE } from "../../core/token/mod.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import type { KeySource } from "../keys/key-set.ts";
import type { JwksOption } from "../keys/resolve.ts";
import type { ReplayStore } from "../replay/types.ts";

/** Options shared by the verify functions of service-signed tokens. */
export interface ServiceVerifyOptions {
  /** Expected `iss`: the service's issuer URL. */
  issuer: string;
  /** The service's keys: a JWKS object, its URL (fetched and cached), or a {@link KeySource}. */
  jwks: JwksOption;
  /** Allow-list of `alg` for the token (default `["EdDSA", "ES256"]`). */
  algorithms?: readonly Alg[];
  /** Verifier time in epoch seconds (default: the system clock). */
  now?: number;
  /** Clock tolerance in seconds, 0–300 (default 30). */
  clockTolerance?: number;
  /**
   * Crypto implementation (default WebCrypto; on Node, `nodeCrypto` is faster). Imported keys,
   * and the keys fetched from a `jwks` URL, are kept per crypto object: pass the same object on
   * every call (a new one per call imports, and fetches the JWKS, every time).
   */
  crypto?: VerifyCrypto;
}

/** Options of {@link verifySessionToken} and {@link verifyActionToken}. */
export interface TokenVerifyOptions extends ServiceVerifyOptions {
  /** Expected `aud`: your client id. */
  audience: string;
}

/** Options of {@link verifySecureSessionToken}. */
export interface SecureVerifyOptions extends TokenVerifyOptions {
  /** The action type the token must be bound to, e.g. `"login"`. */
  action: string;
  /** Where consumed `jti`s are remembered (single use, SPEC §5.7). */
  replayStore: ReplayStore;
  /** Largest `exp − iat` accepted, 1–3600 s (default 3600). */
  maxLifetime?: number;
  /** Allow-list of the inner session token's `alg` (default `["EdDSA", "ES256"]`). */
  sessionAlgorithms?: readonly Alg[];
}

/** Options of {@link verifyDeviceProof} (the service side of SPEC §5.2). */
export interface ProofVerifyOptions {
  /** The request method. */
  method: string;
  /** The request URL as the service's configured public base URL sees it (§5.2.1). */
  url: string;
  /** Whether a nonce is one the service issued within the last 300 s. */
  isNonceValid: (nonce: string) => boolean | Promise<boolean>;
  /** Where consumed proof `jti`s are remembered (120 s). */
  replayStore: ReplayStore;
  /** For a refresh: the jkt registered for the session. */
  expectedJkt?: string;
  /** Allow-list of the proof's `alg` (default `["EdDSA", "ES256"]`). */
  algorithms?: readonly Alg[];
  /** Service time in epoch seconds (default: the system clock). */
  now?: number;
  crypto?: VerifyCrypto;
}

const isFn = (name: string) =>
  v.custom<never>((x) => typeof x === "function", `${name} must be a function`);
const hasMethods = (...names: string[]) =>
  v.custom<never>(
    (x) =>
      typeof x === "object" && x !== null &&
      names.every((n) => typeof (x as Record<string, unknown>)[n] === "function"),
    `an object with ${names.join(", ")}`,
  );
const Algs = v.optional(v.pipe(v.array(AlgSchema), v.minLength(1)));
const Now = v.optional(v.pipe(v.number(), v.finite(), v.minValue(0)));
const ServiceShape = {
  issuer: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  // v.custom keeps the caller's object (the key-source cache is keyed on it).
  jwks: v.custom<never>(
    (x) =>
      typeof x === "string" || x instanceof URL ||
      (typeof x === "object" && x !== null &&
        (typeof (x as KeySource).getKey === "function" ||
          Array.isArray((x as { keys?: unknown }).keys))),
    "a JWKS object, its URL, or a key source",
  ),
  algorithms: Algs,
  now: Now,
  clockTolerance: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CLOCK_TOLERANCE)),
  ),
  crypto: v.optional(hasMethods("importKey", "verify", "sha256")),
};
export const ServiceOptions = v.object(ServiceShape);
export const TokenOptions = v.object({ ...ServiceShape, audience: ClientId });
export const SecureOptions = v.object({
  ...ServiceShape,
  audience: ClientId,
  action: ActionType,
  replayStore: hasMethods("consume"),
  maxLifetime: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))),
  sessionAlgorithms: Algs,
});
export const ProofOptions = v.object({
  method: v.picklist(["GET", "POST", "PUT", "DELETE", "PATCH"]),
  url: v.string(),
  isNonceValid: isFn("isNonceValid"),
  replayStore: hasMethods("consume"),
  expectedJkt: v.optional(Thumbprint),
  algorithms: Algs,
  now: Now,
  crypto: v.optional(hasMethods("importKey", "verify", "sha256")),
});

// Options are usually one object passed on every call: its validated form is remembered, keyed
// by the object, with the values of the members its schema reads (arrays copied), which must
// still match — an object changed since is validated again. Validating costs as much as the
// claims checks. The members are read by name, own or inherited, as valibot's `v.object` reads
// them (others never change its output): enumerating the object's keys instead (for…in) stays in
// JavaScriptCore's baseline tier, and cost Bun ~0.5 µs per verification.
interface Validated {
  readonly schema: OptionsSchema;
  readonly names: readonly string[];
  readonly values: readonly unknown[];
  readonly output: unknown;
}
type OptionsSchema = v.ObjectSchema<v.ObjectEntries, undefined>;
const validated = new WeakMap<object, Validated>();
// `b` is `a`'s copy when `a` was an array: equal elements, or else both the same non-array.
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}
function unchanged(o: Record<string, unknown>, hit: Validated): boolean {
  const names = hit.names, values = hit.values;
  for (let i = 0; i < names.length; i++) if (!same(o[names[i]!], values[i])) return false;
  return true;
}
/** Validates `options` against `schema` (`ERR_INVALID_INPUT`), remembering the result per object. */
export function checkOptions<T>(schema: OptionsSchema, options: unknown): T {
  const key = typeof options === "object" && options !== null ? options : null;
  const hit = key === null ? undefined : validated.get(key);
  if (hit !== undefined && hit.schema === schema && unchanged(key as never, hit)) {
    return hit.output as T;
  }
  if (key === null) return parseOrThrow(schema, options, "ERR_INVALID_INPUT") as T;
  // Each member is read once, and what that read answered is both validated and remembered: a
  // getter, a Proxy or an array's own iterator cannot show validation one value and the memory
  // another. A null-prototype copy: nothing inherited from Object.prototype becomes a member.
  const names = Object.keys(schema.entries), read = Object.create(null), values: unknown[] = [];
  for (const n of names) {
    const has = n in key;
    let x = has ? (key as Record<string, unknown>)[n] : undefined;
    if (Array.isArray(x)) x = Array.from({ length: x.length }, (_, j) => (x as unknown[])[j]);
    if (has) read[n] = x;
    values.push(x);
  }
  const output = parseOrThrow(schema, read, "ERR_INVALID_INPUT");
  validated.set(key, { schema, names, values, output });
  return output as T;
}
