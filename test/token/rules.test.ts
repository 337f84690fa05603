// Unit tests of the pure token rules (core/token): base64url, S1–S5, jwk, thumbprint input,
// times, claim comparisons, htu normalization, replay key.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DeviceSessionError } from "../../core/errors/mod.ts";
import {
  checkAction,
  checkBinding,
  checkDeviceJwk,
  checkHeader,
  checkIssuerAudience,
  checkKeyAlg,
  checkProofTarget,
  checkProofTime,
  checkTimes,
  decodeBase64Url,
  encodeBase64Url,
  hasDuplicateMembers,
  isBase64UrlOfLength,
  isP256Point,
  normalizeHtu,
  parseJws,
  publicJwkProblem,
  replayKey,
  thumbprintInput,
} from "../../core/token/mod.ts";

const code = (f: () => unknown): string | null => {
  try {
    f();
    return null;
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, String(e));
    return e.code;
  }
};
const seg = (v: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(v)));
const SIG = "A".repeat(86);
// RFC 9449's example key: a real P-256 point.
const EC = {
  kty: "EC",
  crv: "P-256",
  x: "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
  y: "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
} as const;
const OKP = {
  kty: "OKP",
  crv: "Ed25519",
  x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
} as const;

describe("base64url (SPEC §1.3)", () => {
  it("round-trips any bytes and has exactly one accepted encoding", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const s = encodeBase64Url(bytes);
      assert.deepEqual(decodeBase64Url(s), bytes);
      assert.match(s, /^[A-Za-z0-9_-]*$/);
    }));
  });

  it("rejects padding, foreign characters, length ≡ 1 (mod 4) and stray bits", () => {
    for (const bad of ["QQ==", "QQ=", "Q", "QUJDR", "a+b/", "ab c", "QR", "QUJ", "é", "QQ\n"]) {
      assert.equal(decodeBase64Url(bad), null, JSON.stringify(bad));
    }
    assert.deepEqual(decodeBase64Url("QQ"), new Uint8Array([65]));
    assert.deepEqual(decodeBase64Url("QUE"), new Uint8Array([65, 65]));
  });

  it("any non-canonical last character is rejected", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(63), (bytes, v) => {
        const s = encodeBase64Url(bytes);
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const t = s.slice(0, -1) + alphabet[v];
        const d = decodeBase64Url(t);
        if (d !== null) assert.equal(encodeBase64Url(d), t);
      }),
    );
  });

  it("isBase64UrlOfLength checks length and canonicality", () => {
    assert.ok(isBase64UrlOfLength(OKP.x, 32));
    assert.ok(!isBase64UrlOfLength(OKP.x.slice(0, 42), 32));
    assert.ok(!isBase64UrlOfLength(42, 32));
  });
});

describe("parseJws (S1, S2)", () => {
  const header = { alg: "EdDSA", typ: "ds-session+jwt", kid: "k" };
  const token = `${seg(header)}.${seg({ a: 1 })}.${SIG}`;

  it("splits and decodes a compact token", () => {
    const p = parseJws(token);
    assert.deepEqual(p.header, header);
    assert.deepEqual(p.payload, { a: 1 });
    assert.equal(p.signature.length, 64);
    assert.equal(p.signingInput, token.slice(0, token.lastIndexOf(".")));
  });

  it("S1: more than 8192 bytes (counted in UTF-8) is ERR_TOKEN_TOO_LARGE, before decoding", () => {
    assert.equal(code(() => parseJws("A".repeat(8193))), "ERR_TOKEN_TOO_LARGE");
    assert.equal(code(() => parseJws("é".repeat(4097))), "ERR_TOKEN_TOO_LARGE");
    assert.equal(code(() => parseJws("é".repeat(4096))), "ERR_TOKEN_MALFORMED");
  });

  it("S2: segments, encodings and JSON shape are ERR_TOKEN_MALFORMED", () => {
    for (
      const bad of [
        "",
        "a.b",
        `${token}.x`,
        `.${seg({})}.${SIG}`,
        `${seg(header)}..${SIG}`,
        `${seg(header)}.${seg({})}.`,
        `${seg(header)}.${seg([1])}.${SIG}`,
        `${seg(header)}.${seg("x")}.${SIG}`,
        `${encodeBase64Url(new Uint8Array([0xff]))}.${seg({})}.${SIG}`,
        `${seg(header)}.${seg({})}.${SIG}=`,
      ]
    ) {
      assert.equal(code(() => parseJws(bad)), "ERR_TOKEN_MALFORMED", bad);
    }
    assert.equal(code(() => parseJws(42 as unknown as string)), "ERR_TOKEN_MALFORMED");
  });

  it("decodes the same way without atob (custom runtimes)", () => {
    const g = globalThis as { atob?: unknown };
    const saved = g.atob;
    const utf8 = `${seg(header)}.${seg({ name: "Zoë ✓" })}.${SIG}`;
    const bom = `${encodeBase64Url(new TextEncoder().encode("\ufeff{}"))}.${seg({})}.${SIG}`;
    const before = [parseJws(utf8).payload, code(() => parseJws(bom))];
    g.atob = undefined;
    try {
      assert.deepEqual([parseJws(utf8).payload, code(() => parseJws(bom))], before);
      assert.deepEqual(before, [{ name: "Zoë ✓" }, "ERR_TOKEN_MALFORMED"]);
    } finally {
      g.atob = saved;
    }
  });

  it("finds duplicate member names at any depth, compared decoded", () => {
    assert.ok(hasDuplicateMembers('{"a":1,"a":2}'));
    assert.ok(hasDuplicateMembers('{"x":{"b":1,"b":2}}'));
    assert.ok(hasDuplicateMembers('{"x":[{"b":1,"b":2}]}'));
    assert.ok(hasDuplicateMembers('{"a":1,"\\u0061":2}'));
    assert.ok(!hasDuplicateMembers('{"a":{"a":1},"b":["a","a"]}'));
    assert.ok(!hasDuplicateMembers('{"a":"\\"a\\"","b":"}{,"}'));
  });

  it("never flags JSON.stringify output; always flags an injected duplicate", () => {
    fc.assert(fc.property(
      fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
      (obj) => {
        const text = JSON.stringify(obj);
        assert.equal(hasDuplicateMembers(text), false);
        const key = JSON.stringify(Object.keys(obj)[0]);
        assert.equal(hasDuplicateMembers(text.replace("{", () => `{${key}:0,`)), true);
        assert.equal(hasDuplicateMembers(`{"nested":${text},"x":[${text}]}`), false);
      },
    ));
  });
});

describe("header (S3–S5)", () => {
  it("checks typ, then crit, then alg", () => {
    const algs = ["EdDSA", "ES256"] as const;
    assert.equal(checkHeader({ typ: "ds-session+jwt", alg: "EdDSA" }, "session", algs), "EdDSA");
    assert.equal(
      code(() => checkHeader({ typ: "JWT", alg: "none", crit: [] }, "session", algs)),
      "ERR_TYP_MISMATCH",
    );
    assert.equal(
      code(() => checkHeader({ typ: "ds-session+jwt", alg: "none", crit: [] }, "session", algs)),
      "ERR_CRIT_UNSUPPORTED",
    );
    assert.equal(
      code(() => checkHeader({ typ: "ds-session+jwt", alg: "none" }, "session", algs)),
      "ERR_ALG_NOT_ALLOWED",
    );
    assert.equal(
      code(() => checkHeader({ typ: "ds-session+jwt", alg: "ES256" }, "session", ["EdDSA"])),
      "ERR_ALG_NOT_ALLOWED",
    );
    // An allow-list cannot widen v1's algorithms.
    assert.equal(
      code(() =>
        checkHeader({ typ: "ds-session+jwt", alg: "HS256" }, "session", ["HS256" as "EdDSA"])
      ),
      "ERR_ALG_NOT_ALLOWED",
    );
  });
});

describe("jwk (§4.5)", () => {
  it("accepts public OKP/Ed25519 and EC/P-256 keys and strips other members", () => {
    assert.deepEqual(checkDeviceJwk({ ...OKP, kid: "x", alg: "EdDSA" }, "EdDSA"), OKP);
    assert.deepEqual(checkDeviceJwk({ ...EC, use: "sig" }, "ES256"), EC);
    assert.ok(isP256Point(decodeBase64Url(EC.x)!, decodeBase64Url(EC.y)!));
  });

  it("rejects private members, bad types, lengths, encodings and off-curve points", () => {
    const bad = [
      undefined,
      null,
      "jwk",
      [],
      ...["d", "p", "q", "dp", "dq", "qi", "oth", "k"].map((m) => ({ ...OKP, [m]: "AAAA" })),
      { ...OKP, crv: "X25519" },
      { ...OKP, x: OKP.x.slice(0, 42) },
      { ...OKP, x: OKP.x.slice(0, 42) + "p" }, // stray bits
      { ...OKP, y: EC.y },
      { kty: "RSA", n: "AQAB", e: "AQAB" },
      { ...EC, y: undefined },
      { ...EC, y: EC.x },
      { ...EC, x: "_".repeat(42) + "8" },
    ];
    for (const jwk of bad) {
      assert.equal(
        code(() =>
          checkDeviceJwk(jwk, jwk && (jwk as { kty?: string }).kty === "EC" ? "ES256" : "EdDSA")
        ),
        "ERR_JWK_INVALID",
        JSON.stringify(jwk),
      );
    }
    assert.equal(publicJwkProblem(OKP), null);
  });

  it("alg must agree with the key type (a jwk header's alg/use members are ignored)", () => {
    assert.equal(code(() => checkDeviceJwk(OKP, "ES256")), "ERR_ALG_NOT_ALLOWED");
    assert.equal(code(() => checkDeviceJwk(EC, "EdDSA")), "ERR_ALG_NOT_ALLOWED");
    assert.deepEqual(checkDeviceJwk({ ...OKP, alg: "ES256", use: "enc" }, "EdDSA"), OKP);
    assert.equal(
      code(() => checkDeviceJwk({ ...OKP, alg: "ES256" }, "ES256")),
      "ERR_ALG_NOT_ALLOWED",
    );
    // A configured service key's alg member must agree too.
    assert.equal(code(() => checkKeyAlg({ ...EC, alg: "ES384" }, "ES256")), "ERR_ALG_NOT_ALLOWED");
  });
});

describe("thumbprint input (RFC 7638 §3)", () => {
  it("keeps the required members in lexicographic order, nothing else", () => {
    assert.equal(
      thumbprintInput({ x: "X", kty: "OKP", crv: "Ed25519", kid: "k", d: "D" }),
      '{"crv":"Ed25519","kty":"OKP","x":"X"}',
    );
    assert.equal(
      thumbprintInput({ ...EC, alg: "ES256" }),
      `{"crv":"P-256","kty":"EC","x":"${EC.x}","y":"${EC.y}"}`,
    );
    assert.equal(thumbprintInput({ kty: "oct", k: "K" }), '{"k":"K","kty":"oct"}');
    assert.equal(
      code(() => thumbprintInput({ kty: "EC", crv: "P-256", x: "X" })),
      "ERR_JWK_INVALID",
    );
    assert.equal(code(() => thumbprintInput({ kty: "toString" })), "ERR_JWK_INVALID");
  });
});

describe("times (§4.7, §5.2 step 6)", () => {
  const base = { iat: 1000, exp: 1900, now: 1000, tolerance: 30, maxLifetime: 3600 };
  it("lifetime, then not-yet-valid, then expiry", () => {
    assert.equal(code(() => checkTimes(base)), null);
    assert.equal(code(() => checkTimes({ ...base, exp: 1000 })), "ERR_LIFETIME_EXCEEDED");
    assert.equal(code(() => checkTimes({ ...base, exp: 4601 })), "ERR_LIFETIME_EXCEEDED");
    assert.equal(code(() => checkTimes({ ...base, exp: 4600 })), null);
    assert.equal(code(() => checkTimes({ ...base, now: 969 })), "ERR_TOKEN_NOT_YET_VALID");
    assert.equal(code(() => checkTimes({ ...base, now: 970 })), null);
    assert.equal(code(() => checkTimes({ ...base, now: 1929 })), null);
    assert.equal(code(() => checkTimes({ ...base, now: 1930 })), "ERR_TOKEN_EXPIRED");
    assert.equal(
      code(() => checkTimes({ ...base, exp: 9000, now: 99999 })),
      "ERR_LIFETIME_EXCEEDED",
    );
  });

  it("matches the SPEC formulas for any integers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: -100, max: 5000 }),
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: 0, max: 300 }),
        (iat, life, off, tol) => {
          const t = { iat, exp: iat + life, now: iat + off, tolerance: tol, maxLifetime: 3600 };
          const want = life <= 0 || life > 3600
            ? "ERR_LIFETIME_EXCEEDED"
            : t.iat > t.now + tol
            ? "ERR_TOKEN_NOT_YET_VALID"
            : t.now >= t.exp + tol
            ? "ERR_TOKEN_EXPIRED"
            : null;
          assert.equal(code(() => checkTimes(t)), want);
        },
      ),
    );
  });

  it("proof iat: 10 s ahead, 60 s behind", () => {
    assert.equal(code(() => checkProofTime(1010, 1000)), null);
    assert.equal(code(() => checkProofTime(1011, 1000)), "ERR_TOKEN_NOT_YET_VALID");
    assert.equal(code(() => checkProofTime(940, 1000)), null);
    assert.equal(code(() => checkProofTime(939, 1000)), "ERR_TOKEN_EXPIRED");
  });
});

describe("claim comparisons", () => {
  it("issuer then audience, byte for byte", () => {
    const exp = { issuer: "https://i", audience: "demo" };
    assert.equal(code(() => checkIssuerAudience({ iss: "https://i", aud: "demo" }, exp)), null);
    assert.equal(
      code(() => checkIssuerAudience({ iss: "https://I", aud: "x" }, exp)),
      "ERR_ISSUER_MISMATCH",
    );
    assert.equal(
      code(() => checkIssuerAudience({ iss: "https://i", aud: "Demo" }, exp)),
      "ERR_AUDIENCE_MISMATCH",
    );
  });

  it("action and binding are exact", () => {
    assert.equal(code(() => checkAction("login", "login")), null);
    for (const act of ["Login", "login ", "LOGIN", "l\u043egin", "logi"]) {
      assert.equal(code(() => checkAction(act, "login")), "ERR_ACTION_MISMATCH");
    }
    assert.equal(code(() => checkBinding("a", "a")), null);
    assert.equal(code(() => checkBinding("a", "b")), "ERR_BINDING_MISMATCH");
  });

  it("normalizes htu per §5.2.1", () => {
    assert.equal(
      normalizeHtu("HTTPS://Risk.Example.COM:443/v1/x?q=1#f"),
      "https://risk.example.com/v1/x",
    );
    assert.equal(normalizeHtu("http://h:80"), "http://h/");
    assert.equal(normalizeHtu("http://h:8080/a"), "http://h:8080/a");
    assert.equal(normalizeHtu("ftp://h/"), null);
    assert.equal(normalizeHtu("https://u:p@h/"), null);
    assert.equal(normalizeHtu("/relative"), null);
  });

  it("proof target: method exact, htu query-free and equal after normalization", () => {
    const req = { method: "POST", url: "https://h/v1/device/sessions?client_id=demo" };
    assert.equal(
      code(() => checkProofTarget({ htm: "POST", htu: "https://H:443/v1/device/sessions" }, req)),
      null,
    );
    assert.equal(
      code(() => checkProofTarget({ htm: "GET", htu: "https://h/v1/device/sessions" }, req)),
      "ERR_PROOF_TARGET_MISMATCH",
    );
    assert.equal(
      code(() => checkProofTarget({ htm: "POST", htu: "https://h/v1/device/sessions?x" }, req)),
      "ERR_PROOF_TARGET_MISMATCH",
    );
    assert.equal(
      code(() => checkProofTarget({ htm: "POST", htu: "https://h/v1/device" }, req)),
      "ERR_PROOF_TARGET_MISMATCH",
    );
  });

  it("replay keys separate kinds, issuers and audiences unambiguously", () => {
    const a = replayKey({ kind: "secure", issuer: "i:a", audience: "b", jti: "j" });
    const b = replayKey({ kind: "secure", issuer: "i", audience: "a:b", jti: "j" });
    const c = replayKey({ kind: "proof", issuer: "i:a", audience: "b", jti: "j" });
    assert.equal(new Set([a, b, c]).size, 3);
  });
});
