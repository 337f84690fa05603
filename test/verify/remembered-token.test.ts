// Attacks on the verifier's memory of a token's parse (core/token/jws.ts, `parseJws(…, share)`):
// a remembered token is answered only for a token equal to it, and every check that depends on
// anything but the token (kind, algorithms, key, issuer, audience, clock, the signature's
// answer) still runs. The reference is the token's cold twin: the same header and payload under
// a signature never seen before (the crypto here accepts any signature, so only the memory can
// tell them apart). Tokens whose memory keys collide (the same signature, other heads) each
// answer their own parts. SPEC §4.3, §5.3, §5.5, §5.6.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeBase64Url,
  encodeJsonSegment,
  isExactAscii,
  markExactAscii,
  parseJws,
  type PublicJwk,
  type ServiceTokenRules,
} from "../../core/token/mod.ts";
import { TOKEN_TYP } from "../../core/wire/mod.ts";
import { CryptoCache } from "../../adapters/crypto/driver.ts";
import { runServiceToken } from "../../adapters/crypto/service-token.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { propertyRuns } from "../support/property-runs.ts";
import { everyClaim } from "../support/claims.ts";

const RUNS = propertyRuns(300);
const ISSUER = "https://risk.example.com";
const IAT = 1_800_000_000;
const JWK = { kty: "OKP", crv: "Ed25519", x: "A".repeat(43), kid: "k1" } as PublicJwk;
// Accepts every signature but one that starts with 0 (a signature the crypto refuses).
const crypto: VerifyCrypto = {
  importKey: (jwk) => jwk,
  verify: (_alg, _key, _input, sig) => sig[0] !== 0,
  sha256: () => new Uint8Array(32),
};
const env = () => ({
  crypto: new CryptoCache(crypto),
  keys: { getKey: (kid: string) => kid === "k1" ? JWK : null },
});
const KINDS = ["session", "action", "access"] as const;

const head = fc.record({
  kind: fc.constantFrom(...KINDS),
  alg: fc.constantFrom("EdDSA", "ES256"),
  kid: fc.constantFrom("k1", "k2"),
  iss: fc.constantFrom(ISSUER, "https://other.example.com"),
  aud: fc.constantFrom("demo", "other", ISSUER),
  lifetime: fc.constantFrom(600, 3600, 3601),
  sub: fc.constantFrom("s_1", "s_22"), // payloads of one length and of another
});
type Head = typeof head extends fc.Arbitrary<infer T> ? T : never;
const rules = fc.record({
  kind: fc.constantFrom(...KINDS),
  algorithms: fc.constantFrom<("EdDSA" | "ES256")[]>(["EdDSA", "ES256"], ["EdDSA"], ["ES256"]),
  issuer: fc.constantFrom(ISSUER, "https://other.example.com"),
  audience: fc.constantFrom("demo", "other"),
  now: fc.constantFrom(0, -100, 100, 3700).map((d) => IAT + d),
});
const HONEST = {
  kind: "session",
  alg: "EdDSA",
  kid: "k1",
  iss: ISSUER,
  aud: "demo",
  lifetime: 600,
  sub: "s_1",
} as const;
// Rules the HONEST token passes.
const SESSION_RULES = {
  kind: "session" as const,
  algorithms: ["EdDSA" as const],
  issuer: ISSUER,
  audience: "demo",
  now: IAT,
};
const signature = fc.uint8Array({ minLength: 64, maxLength: 64 });

function tokenOf(h: Head, sig: Uint8Array): string {
  const header = encodeJsonSegment({ alg: h.alg, typ: TOKEN_TYP[h.kind], kid: h.kid });
  const payload = encodeJsonSegment(
    everyClaim({ iss: h.iss, aud: h.aud, sub: h.sub, iat: IAT, lifetime: h.lifetime }),
  );
  return `${header}.${payload}.${encodeBase64Url(sig)}`;
}

const outcome = (p: Promise<unknown>): Promise<unknown> =>
  p.then((value) => ({ value }), (e: { code?: string; message?: string }) => ({
    code: e.code ?? String(e),
    message: e.message,
  }));
const verify = (
  token: string,
  r: Omit<ServiceTokenRules, "tolerance"> & { kind: (typeof KINDS)[number] },
) => outcome(runServiceToken(token, r.kind, { ...r, tolerance: 30 }, env(), (c) => c));

describe("the remembered token", { timeout: 300_000 }, () => {
  it("property: a token remembered under some rules answers others as its cold twin", async () => {
    await fc.assert(
      fc.asyncProperty(
        head,
        rules,
        fc.array(rules, { minLength: 1, maxLength: 3 }),
        signature,
        signature,
        async (h, warm, later, sig, twinSig) => {
          const token = tokenOf(h, sig);
          // Seen twice (kept from the second sighting on) under one set of rules…
          for (let i = 0; i < 3; i++) await verify(token, warm);
          for (const r of later) {
            // …then under others: as a token never seen (a fresh signature each time).
            const twin = tokenOf(
              h,
              twinSig.map((b, i) => i === 0 ? sig[0]! : i === 63 ? b ^ later.indexOf(r) : b),
            );
            fc.pre(twin !== token);
            assert.deepEqual(await verify(token, r), await verify(twin, r));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("property: tokens of one signature and other heads each answer their own parts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(head, { minLength: 2, maxLength: 4 }),
        signature,
        fc.array(fc.nat(), { minLength: 4, maxLength: 16 }),
        rules,
        async (heads, sig, order, r) => {
          // One signature (the memory's key and its mark alike), heads of equal or other lengths.
          const tokens = heads.map((h) => tokenOf(h, sig));
          const cold = new Map<string, unknown>();
          for (const t of tokens) {
            // The cold answer: the same token under a signature of its own, never seen before.
            const twin = `${t.slice(0, t.lastIndexOf(".") + 1)}${
              encodeBase64Url(sig.map((b, i) => i === 0 ? b : b ^ 0x5a ^ tokens.indexOf(t)))
            }`;
            if (!cold.has(t)) cold.set(t, await verify(twin, r));
          }
          for (const i of order) {
            const t = tokens[i % tokens.length]!;
            assert.deepEqual(parseJws(t, undefined, true), parseJws(t));
            assert.deepEqual(await verify(t, r), cold.get(t));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("a payload handed out cannot change what a later verification of the token answers", async () => {
    const token = tokenOf(HONEST, new Uint8Array(64).fill(7));
    for (let i = 0; i < 4; i++) {
      const got = (await verify(token, SESSION_RULES)) as { value: Record<string, unknown> };
      assert.equal(got.value.sub, "s_1");
      assert.deepEqual(got.value.cnf, { jkt: "a".repeat(43) });
      // The caller's own copy may change (the first sighting's); a remembered one may not.
      try {
        got.value.sub = "s_forged";
      } catch (e) {
        assert.ok(e instanceof TypeError);
      }
      try {
        (got.value.cnf as Record<string, unknown>).jkt = "b".repeat(43);
      } catch (e) {
        assert.ok(e instanceof TypeError);
      }
    }
  });

  it("a parse decoded by one caller's asciiText is never answered to a caller of another", async () => {
    // A token for audience "other", and a conversion that lies: it answers "demo" instead.
    const h = { ...HONEST, aud: "other" } as const;
    const token = tokenOf(h, new Uint8Array(64).fill(9));
    const liar = (bytes: Uint8Array) =>
      String.fromCharCode(...bytes).replace('"aud":"other"', '"aud":"demo"');
    const ask = (asciiText?: (b: Uint8Array) => string) =>
      outcome(
        runServiceToken(
          token,
          "session",
          { ...SESSION_RULES, tolerance: 30, asciiText },
          env(),
          (c) => c,
        ),
      );
    // The liar's own calls are its own business: seen twice, its parse is remembered.
    for (let i = 0; i < 3; i++) assert.ok("value" in (await ask(liar) as object));
    for (const honest of [undefined, (b: Uint8Array) => String.fromCharCode(...b)]) {
      assert.equal((await ask(honest) as { code?: string }).code, "ERR_AUDIENCE_MISMATCH");
      assert.equal(parseJws(token, honest, true).payload.aud, "other");
    }
  });

  it("a parse is shared by every exact conversion, and by none other", () => {
    const token = tokenOf(HONEST, new Uint8Array(64).fill(11));
    // Two hosts' exact conversions (a Buffer's latin1 and a TextDecoder, say), and an honest
    // one that was never declared exact.
    const decoder = new TextDecoder();
    const viaDecoder = markExactAscii((b) => decoder.decode(b));
    const viaChars = markExactAscii((b) => String.fromCharCode(...b));
    const undeclared = (b: Uint8Array) => String.fromCharCode(...b);
    assert.ok(isExactAscii(viaChars) && !isExactAscii(undeclared));
    parseJws(token, viaDecoder, true);
    const kept = parseJws(token, viaDecoder, true); // kept from the second sighting on
    assert.ok(Object.isFrozen(kept));
    // Alternating callers of exact conversions (and of the core's own) all get the one parse:
    // none pushes the others' out.
    for (const f of [viaChars, undefined, viaDecoder, viaChars, undefined]) {
      assert.equal(parseJws(token, f, true), kept);
    }
    // An undeclared conversion is trusted with its own calls only: it never gets the exact
    // ones' parse, nor they its.
    const own = parseJws(token, undeclared, true);
    assert.notEqual(own, kept);
    assert.deepEqual(own, kept);
    parseJws(token, undeclared, true);
    assert.notEqual(parseJws(token, viaChars, true), parseJws(token, undeclared, true));
  });
});
