/**
 * Key sources for verifiers: where a service-signed token's `kid` is looked up (SPEC §3.7).
 * Only keys of the configured set are ever returned; nothing in a token's header can add one.
 *
 * @module
 */
import { type DeviceSessionError, type ErrorCode, errorFromCode } from "../../core/errors/mod.ts";
import { JwksSchema, parseOrThrow } from "../../core/wire/mod.ts";
import {
  encodeBase64Url,
  type PublicJwk,
  publicJwkProblem,
  thumbprintInput,
} from "../../core/token/mod.ts";
import { encodeUtf8 } from "../../core/token/utf8.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import { webCrypto } from "../crypto/webcrypto.ts";

/**
 * Looks a `kid` up in a configured key set; `null` when it is not there.
 *
 * @example
 * ```ts
 * import type { PublicJwk } from "../../core/token/jwk.ts";
 * declare const myKeys: Map<string, PublicJwk>;
 * const source: KeySource = { getKey: (kid) => myKeys.get(kid) ?? null };
 * ```
 */
export interface KeySource {
  getKey(kid: string): PublicJwk | null | Promise<PublicJwk | null>;
}

/**
 * Validates a JWKS document (SPEC §3.5: one or two public keys with `kid`, `alg`,
 * `use: "sig"`; canonical coordinates on the curve; `kid` = RFC 7638 thumbprint; no duplicate
 * `kid`) and indexes it by `kid`. Failures throw `code`.
 *
 * @example
 * ```ts
 * const res = await fetch("https://risk.example.com/.well-known/jwks.json");
 * const byKid = await indexJwks(await res.json(), { code: "ERR_SERVICE" });
 * ```
 */
export async function indexJwks(
  jwks: unknown,
  options: { readonly code: ErrorCode; readonly crypto?: VerifyCrypto },
): Promise<Map<string, PublicJwk>> {
  const { keys } = parseOrThrow(JwksSchema, jwks, options.code);
  const crypto = options.crypto ?? webCrypto;
  const map = new Map<string, PublicJwk>();
  for (const key of keys) {
    const problem = publicJwkProblem(key);
    if (problem !== null) throw errorFromCode(options.code, `jwks key ${key.kid}: ${problem}`);
    if (map.has(key.kid)) throw errorFromCode(options.code, `duplicate kid ${key.kid}`);
    const input = thumbprintInput(key as unknown as Record<string, unknown>);
    const jkt = encodeBase64Url(await crypto.sha256(encodeUtf8(input)));
    if (jkt !== key.kid) {
      throw errorFromCode(options.code, `kid ${key.kid} is not the key's RFC 7638 thumbprint`);
    }
    // A frozen copy: later changes to the caller's object cannot add or swap keys.
    map.set(key.kid, Object.freeze({ ...key }) as PublicJwk);
  }
  return map;
}

/**
 * A key source over a local JWKS object, validated once (`ERR_INVALID_INPUT` if invalid). The
 * object is read when this is called; later changes to it are not seen.
 *
 * @example
 * ```ts
 * import type { Jwks } from "../../core/wire/mod.ts";
 * declare const serviceJwk: Jwks["keys"][number];
 * const keys = localKeySet({ keys: [serviceJwk] });
 * ```
 */
export function localKeySet(
  jwks: unknown,
  options: { readonly crypto?: VerifyCrypto } = {},
): KeySource {
  // Shape errors surface at once; the kid/thumbprint check needs a hash, so it is awaited lazily.
  parseOrThrow(JwksSchema, jwks, "ERR_INVALID_INPUT");
  // A JWKS that passed the schema is JSON data: a JSON round trip copies it exactly, and needs
  // no structuredClone from the host (bare engines lack it).
  const snapshot: unknown = JSON.parse(JSON.stringify(jwks));
  let index: Map<string, PublicJwk> | null = null;
  let failure: DeviceSessionError | null = null;
  const pending = indexJwks(snapshot, { code: "ERR_INVALID_INPUT", crypto: options.crypto }).then(
    (m) => (index = m),
    (e) => {
      failure = e;
      return null;
    },
  );
  return {
    getKey(kid: string): PublicJwk | null | Promise<PublicJwk | null> {
      if (index !== null) return index.get(kid) ?? null;
      if (failure !== null) throw failure;
      return pending.then((m) => {
        if (m === null) throw failure;
        return m.get(kid) ?? null;
      });
    },
  };
}
