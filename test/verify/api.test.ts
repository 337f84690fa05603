// The device-session/verify entry: options validation, typed results and errors, never burning
// a secure token on an invalid presentation, 1,000 concurrent presentations of one token.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { parseJws } from "../../core/token/mod.ts";
import {
  createMemoryReplayStore,
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "../../verify.ts";
import { webCrypto } from "../../adapters/crypto/webcrypto.ts";
import { CLIENT, HTU, ISSUER, NONCE, world } from "./support.ts";

const codeOf = async (p: Promise<unknown>): Promise<string | null> => {
  try {
    await p;
    return null;
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, String(e));
    return e.code;
  }
};

describe("verify entry", () => {
  it("returns typed results for every kind", async () => {
    const w = await world();
    const o = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks };
    const s = await verifySessionToken(w.tokens.session, o);
    assert.deepEqual(
      [s.kind, s.sessionId, s.deviceId, s.clientId, s.jkt],
      ["session", "s_test", "d_test", CLIENT, w.device.jkt],
    );
    assert.equal(s.expiresAt - s.issuedAt, 900);
    const replayStore = createMemoryReplayStore();
    const sec = await verifySecureSessionToken(w.tokens.secure, {
      ...o,
      action: "login",
      replayStore,
    });
    assert.deepEqual([sec.kind, sec.action, sec.jkt], ["secure", "login", w.device.jkt]);
    assert.equal(sec.secureExpiresAt - sec.secureIssuedAt, 300);
    const a = await verifyActionToken(w.tokens.action, o);
    assert.deepEqual([a.kind, a.actionId, a.action], ["action", "a_test", "login"]);
    const x = await verifyAccessToken(w.tokens.access, { issuer: ISSUER, jwks: w.jwks });
    assert.deepEqual([x.kind, x.clientId, x.scope], ["access", CLIENT, "backend"]);
    const p = await verifyDeviceProof(w.tokens.proof, {
      method: "POST",
      url: HTU,
      isNonceValid: (n) => n === NONCE,
      replayStore,
    });
    assert.deepEqual([p.kind, p.jkt, p.method, p.url], ["proof", w.device.jkt, "POST", HTU]);
  });

  it("rejects invalid options with ERR_INVALID_INPUT, as a rejected promise", async () => {
    const w = await world();
    const good = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks };
    const bad: unknown[] = [
      { ...good, issuer: "" },
      { ...good, audience: "bad client" },
      { ...good, clockTolerance: 301 },
      { ...good, clockTolerance: 1.5 },
      { ...good, algorithms: ["HS256"] },
      { ...good, algorithms: [] },
      { ...good, now: -1 },
      { ...good, jwks: 42 },
      { ...good, crypto: {} },
      { audience: CLIENT, jwks: w.jwks },
    ];
    for (const o of bad) {
      const p = verifySessionToken(w.tokens.session, o as never);
      assert.ok(p instanceof Promise);
      assert.equal(await codeOf(p), "ERR_INVALID_INPUT", JSON.stringify(o));
    }
    assert.equal(await codeOf(verifySessionToken(42 as never, good)), "ERR_INVALID_INPUT");
    const replayStore = createMemoryReplayStore();
    for (
      const extra of [{ action: "Login", replayStore }, { action: "login" }, {
        action: "login",
        replayStore,
        maxLifetime: 3601,
      }]
    ) {
      assert.equal(
        await codeOf(verifySecureSessionToken(w.tokens.secure, { ...good, ...extra } as never)),
        "ERR_INVALID_INPUT",
      );
    }
    assert.equal(
      await codeOf(
        verifyDeviceProof(w.tokens.proof, { method: "POST", url: HTU, replayStore } as never),
      ),
      "ERR_INVALID_INPUT",
    );
  });

  it("rejects an invalid JWKS: kid not the thumbprint, private members, too many keys", async () => {
    const w = await world();
    const o = { issuer: ISSUER, audience: CLIENT };
    const k = w.service.jwk;
    for (
      const keys of [[{ ...k, kid: "A".repeat(43) }], [{ ...k, d: "AAAA" }], [k, k, k], [k, k]]
    ) {
      assert.equal(
        await codeOf(verifySessionToken(w.tokens.session, { ...o, jwks: { keys } as never })),
        "ERR_INVALID_INPUT",
      );
    }
  });

  it("sees a JWKS object changed in place", async () => {
    const w = await world();
    const other = await world();
    const jwks = { keys: [other.service.jwk] };
    const o = { issuer: ISSUER, audience: CLIENT, jwks };
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), "ERR_KEY_UNKNOWN");
    jwks.keys.push(w.service.jwk);
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), null);
  });

  it("an invalid presentation never burns a secure token (SPEC §5.7.3)", async () => {
    const w = await world();
    const replayStore = createMemoryReplayStore();
    const o = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks, replayStore };
    assert.equal(
      await codeOf(verifySecureSessionToken(w.tokens.secure, { ...o, action: "transaction" })),
      "ERR_ACTION_MISMATCH",
    );
    assert.equal(
      await codeOf(verifySecureSessionToken(w.tokens.secure, { ...o, action: "login" })),
      null,
    );
    assert.equal(
      await codeOf(verifySecureSessionToken(w.tokens.secure, { ...o, action: "login" })),
      "ERR_REPLAYED",
    );
  });

  it("1,000 concurrent verifications of one secure token accept exactly one", async () => {
    const w = await world();
    const replayStore = createMemoryReplayStore();
    const o = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks, action: "login", replayStore };
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, () => verifySecureSessionToken(w.tokens.secure, o)),
    );
    const accepted = results.filter((r) => r.status === "fulfilled");
    assert.equal(accepted.length, 1);
    for (const r of results) {
      if (r.status === "rejected") {
        assert.equal((r.reason as DeviceSessionError).code, "ERR_REPLAYED");
      }
    }
  });

  it("separate replay stores each count one use (backend and service, SPEC §5.7.3)", async () => {
    const w = await world();
    const o = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks, action: "login" };
    const backend = createMemoryReplayStore();
    const service = createMemoryReplayStore();
    assert.equal(
      await codeOf(verifySecureSessionToken(w.tokens.secure, { ...o, replayStore: backend })),
      null,
    );
    assert.equal(
      await codeOf(verifySecureSessionToken(w.tokens.secure, { ...o, replayStore: service })),
      null,
    );
    assert.equal(
      await codeOf(verifySecureSessionToken(w.tokens.secure, { ...o, replayStore: service })),
      "ERR_REPLAYED",
    );
  });

  it("a proof's jti is consumed for 120 s", async () => {
    let now = 1_800_000_000;
    const w = await world("EdDSA", now);
    const replayStore = createMemoryReplayStore({ now: () => now });
    const o = { method: "POST", url: HTU, isNonceValid: () => true, replayStore, now };
    assert.equal(await codeOf(verifyDeviceProof(w.tokens.proof, o)), null);
    assert.equal(await codeOf(verifyDeviceProof(w.tokens.proof, o)), "ERR_REPLAYED");
    now += 121; // the replay window has passed; the proof is now too old anyway
    assert.equal(
      await codeOf(verifyDeviceProof(w.tokens.proof, { ...o, now })),
      "ERR_TOKEN_EXPIRED",
    );
  });
});

describe("a port that fails", () => {
  // The caller's own error, thrown or rejected, is what the verify call rejects with: never a
  // verdict on the token, never a wrapped or a plain TypeError of ours.
  const ways = ["throws", "rejects"] as const;
  const failing = (way: (typeof ways)[number], e: Error) => (..._: unknown[]): never => {
    if (way === "throws") throw e;
    return Promise.reject(e) as never;
  };

  for (const way of ways) {
    it(`${way}: crypto, key source, replay store and nonce check reach the caller unchanged`, async () => {
      const w = await world();
      const boom = new Error(`port ${way}`);
      const base = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks };
      const sha256 = (b: Uint8Array) => webCrypto.sha256(b);
      const crypto = { importKey: failing(way, boom), verify: () => true, sha256 };
      const keys = { getKey: failing(way, boom) };
      const replayStore = { consume: failing(way, boom) };
      const calls: [string, () => Promise<unknown>][] = [
        ["crypto", () => verifySessionToken(w.tokens.session, { ...base, crypto })],
        ["key source", () => verifyActionToken(w.tokens.action, { ...base, jwks: keys })],
        [
          "replay store",
          () =>
            verifySecureSessionToken(w.tokens.secure, { ...base, action: "login", replayStore }),
        ],
        [
          "nonce check",
          () =>
            verifyDeviceProof(w.tokens.proof, {
              method: "POST",
              url: HTU,
              isNonceValid: failing(way, boom),
              replayStore: createMemoryReplayStore(),
            }),
        ],
      ];
      for (const [port, call] of calls) {
        await assert.rejects(call(), (e) => e === boom, port);
      }
      // A crypto stripped of `verify` after its options were validated and remembered: its own
      // TypeError, as a rejection (never a synchronous throw).
      const mutable: Record<string, unknown> = {
        importKey: (jwk: unknown) => jwk,
        verify: () => true,
        sha256,
      };
      const o = { ...base, crypto: mutable as never };
      assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), null);
      delete mutable.verify;
      const p = verifySessionToken(`${w.tokens.session.slice(0, -2)}AA`, o);
      await assert.rejects(p, TypeError);
    });
  }
});

describe("a crypto that fails behind a JWKS URL", () => {
  it("its own error reaches the caller unchanged, not as a network error", async () => {
    const w = await world();
    const boom = new Error("hash down");
    const crypto = { ...webCrypto, sha256: () => Promise.reject(boom) };
    const real = globalThis.fetch;
    globalThis.fetch = () => Promise.resolve(Response.json(w.jwks));
    try {
      const jwks = "https://risk.example.com/failing-hash/.well-known/jwks.json";
      const p = verifySessionToken(w.tokens.session, {
        issuer: ISSUER,
        audience: CLIENT,
        jwks,
        crypto,
      });
      await assert.rejects(p, (e) => e === boom);
    } finally {
      globalThis.fetch = real;
    }
  });
});

describe("replay window (SPEC §5.7.1): independent of the consumer's tolerance and clock", () => {
  const secureAt = (
    w: Awaited<ReturnType<typeof world>>,
    o: {
      now: number;
      clockTolerance: number;
      replayStore: ReturnType<typeof createMemoryReplayStore>;
    },
  ) =>
    codeOf(verifySecureSessionToken(w.tokens.secure, {
      issuer: ISSUER,
      audience: CLIENT,
      jwks: w.jwks,
      action: "login",
      ...o,
    }));

  it("one store shared by verifiers with tolerances 0 and 300: accepted once", async () => {
    const w = await world(); // the secure token expires at now + 300
    const exp = w.now + 300;
    let storeNow = w.now;
    const replayStore = createMemoryReplayStore({ now: () => storeNow, sweepIntervalSeconds: 0 });
    // The strict verifier accepts just before exp …
    storeNow = exp - 1;
    assert.equal(await secureAt(w, { now: exp - 1, clockTolerance: 0, replayStore }), null);
    // … and the lenient one, 299 s after exp, must still see it consumed.
    storeNow = exp + 299;
    assert.equal(
      await secureAt(w, { now: exp + 299, clockTolerance: 300, replayStore }),
      "ERR_REPLAYED",
    );
  });

  it("a store whose clock runs 10 s ahead of the verifier: accepted once", async () => {
    const w = await world();
    const exp = w.now + 300;
    let verifierNow = w.now;
    const replayStore = createMemoryReplayStore({
      now: () => verifierNow + 10,
      sweepIntervalSeconds: 0,
    });
    const o = { clockTolerance: 300, replayStore };
    assert.equal(await secureAt(w, { ...o, now: verifierNow }), null);
    for (const t of [exp, exp + 290, exp + 299]) {
      verifierNow = t;
      assert.equal(await secureAt(w, { ...o, now: t }), "ERR_REPLAYED", `at exp + ${t - exp}`);
    }
  });
});

describe("a token presented again and again", () => {
  // Its decoded payload and the shape of its claims are remembered (core/token/jws.ts,
  // service-steps.ts); everything that depends on the call still runs every time.
  it("is still checked against each call's issuer, audience, clock, algorithms and keys", async () => {
    const w = await world();
    const o = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks };
    for (let i = 0; i < 4; i++) {
      const s = await verifySessionToken(w.tokens.session, o);
      assert.equal(s.sessionId, "s_test");
    }
    const { exp, iat } = await verifySessionToken(w.tokens.session, o).then((s) => ({
      exp: s.expiresAt,
      iat: s.issuedAt,
    }));
    const alg = parseJws(w.tokens.session).header.alg;
    const otherAlg = alg === "EdDSA" ? "ES256" as const : "EdDSA" as const;
    const codes = [
      await codeOf(verifySessionToken(w.tokens.session, { ...o, audience: "other" })),
      await codeOf(verifySessionToken(w.tokens.session, { ...o, issuer: "https://other" })),
      await codeOf(verifySessionToken(w.tokens.session, { ...o, now: exp + 60 })),
      await codeOf(verifySessionToken(w.tokens.session, { ...o, now: iat - 3600 })),
      await codeOf(verifySessionToken(w.tokens.session, { ...o, jwks: { getKey: () => null } })),
      await codeOf(verifySessionToken(w.tokens.session, { ...o, algorithms: [otherAlg] })),
      await codeOf(verifySessionToken(w.tokens.session, o)),
    ];
    assert.deepEqual(codes, [
      "ERR_AUDIENCE_MISMATCH",
      "ERR_ISSUER_MISMATCH",
      "ERR_TOKEN_EXPIRED",
      "ERR_TOKEN_NOT_YET_VALID",
      "ERR_KEY_UNKNOWN",
      "ERR_ALG_NOT_ALLOWED",
      null,
    ]);
  });

  it("with its signature changed is rejected, however often the token verified before", async () => {
    const w = await world();
    const o = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks };
    for (let i = 0; i < 3; i++) await verifySessionToken(w.tokens.session, o);
    const [h, p, sig] = w.tokens.session.split(".") as [string, string, string];
    // The same first signature bytes (the payload memory's key), the last ones changed.
    const last = sig.at(-2) === "A" ? "B" : "A";
    const forged = `${h}.${p}.${sig.slice(0, -2)}${last}${sig.at(-1)}`;
    assert.equal(await codeOf(verifySessionToken(forged, o)), "ERR_SIGNATURE_INVALID");
  });
});

describe("memory replay store", () => {
  it("consumes once until the deadline, then forgets and sweeps", async () => {
    let now = 100;
    const store = createMemoryReplayStore({ now: () => now, sweepIntervalSeconds: 10 });
    assert.equal(await store.consume("a", 150), true);
    assert.equal(await store.consume("a", 150), false);
    now = 150;
    assert.equal(await store.consume("a", 200), true);
    for (let i = 0; i < 50; i++) await store.consume(`x${i}`, 160);
    assert.equal(store.size, 51);
    now = 170;
    await store.consume("b", 300);
    assert.equal(store.size, 2); // "a" (until 200) and "b"
  });
});
