/**
 * Vectors of weak Ed25519 device keys (SPEC §4.5): the 8 small-order points in their canonical
 * encodings, the `x = 0` points with the sign bit set, and non-canonical `y ≥ p` encodings — as
 * the `jwk` of a secure session token (whose inner session token is bound to that very key, as a
 * service that accepted it would have issued) and of a device proof. Each is signed the way an
 * attacker without any private key would: `R` = the identity, `S` = 0, which verifies for every
 * message under the identity key and under the others for a fraction of messages. All are
 * `ERR_JWK_INVALID` at step 2, before any signature check.
 */
import { createHash } from "node:crypto";
import { encodeBase64Url, thumbprintInput } from "../../core/token/mod.ts";
import type { Case } from "./token-kinds.ts";
import { proof, secure, session } from "./token-kinds.ts";
import type { Fixtures } from "./token-fixtures.ts";

const P = (1n << 255n) - 19n;

/** 32-byte little-endian encoding of `y` with the sign bit of `x`. */
function encode(y: bigint, sign: 0 | 1): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((y >> BigInt(8 * i)) & 0xffn);
  out[31] = out[31]! | (sign << 7);
  return out;
}

const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));

/** [comment, encoded point]. */
const WEAK: readonly [string, Uint8Array][] = [
  ["the identity (order 1)", encode(1n, 0)],
  ["the order-2 point (y = −1)", encode(P - 1n, 0)],
  ["an order-4 point (y = 0, x even)", encode(0n, 0)],
  ["an order-4 point (y = 0, x odd)", encode(0n, 1)],
  [
    "an order-8 point (26e8…fc05)",
    hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
  ],
  [
    "an order-8 point (26e8…fc85)",
    hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
  ],
  [
    "an order-8 point (c717…037a)",
    hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
  ],
  [
    "an order-8 point (c717…03fa)",
    hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
  ],
  ["the identity with the sign bit set (x = 0 has no sign)", encode(1n, 1)],
  ["the order-2 point with the sign bit set (x = 0 has no sign)", encode(P - 1n, 1)],
  ["non-canonical y = p (an alias of y = 0)", encode(P, 0)],
  ["non-canonical y = p + 1 (an alias of the identity)", encode(P + 1n, 0)],
  ["non-canonical y = p + 3 (an alias of the large-order point y = 3)", encode(P + 3n, 0)],
  ["non-canonical y = 2^255 − 1, sign bit set", encode((1n << 255n) - 1n, 1)],
];

/** `R` = the identity (01 00…00), `S` = 0: a "signature" made with no private key. */
const FORGED = encodeBase64Url(Uint8Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0)));

function jkt(jwk: Record<string, string>): string {
  const digest = createHash("sha256").update(thumbprintInput(jwk)).digest();
  return encodeBase64Url(new Uint8Array(digest));
}

/** Replaces the signature segment of `token`. */
const forge = (token: string): string => token.slice(0, token.lastIndexOf(".") + 1) + FORGED;

export function weakKeyCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  for (const [what, point] of WEAK) {
    const jwk = { kty: "OKP", crv: "Ed25519", x: encodeBase64Url(point) };
    const tok = session(f, { claims: { cnf: { jkt: jkt(jwk) } } });
    c.push({
      kind: "secure",
      comment: `jwk is ${what}; inner token bound to it; forged signature`,
      flags: ["WeakKey", "Jwk"],
      token: forge(secure(f, { tok, header: { jwk } })),
      expect: "ERR_JWK_INVALID",
    });
    c.push({
      kind: "proof",
      comment: `jwk is ${what}; forged signature`,
      flags: ["WeakKey", "Jwk"],
      token: forge(proof(f, { header: { jwk } })),
      expect: "ERR_JWK_INVALID",
    });
  }
  return c;
}
