// Key sources: a JWKS fetched from a URL (cache for max-age, refetch on an unknown kid at most
// once per 30 s, stale set on failure, nothing from token headers) and service key rotation.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { mintSessionToken } from "../../adapters/crypto/mint.ts";
import {
  createKeyring,
  keyringJwks,
  pruneKeyring,
  rotateKeyring,
} from "../../adapters/keys/keyring.ts";
import { parseMaxAge, remoteKeySet } from "../../adapters/keys/remote.ts";
import { keySourceFor } from "../../adapters/keys/resolve.ts";
import { webCrypto } from "../../adapters/crypto/webcrypto.ts";
import { generateServiceKey } from "../../adapters/keys/service-key.ts";
import { verifySessionToken } from "../../verify.ts";
import { CLIENT, ISSUER, world } from "./support.ts";

const URL_ = "https://risk.example.com/.well-known/jwks.json";
const codeOf = async (p: Promise<unknown>): Promise<string | null> => {
  try {
    await p;
    return null;
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, String(e));
    return e.code;
  }
};

/** A fake fetch serving `body()`; records each URL asked for. */
function server(body: () => unknown, init: { status?: number; cacheControl?: string } = {}) {
  const calls: string[] = [];
  const fetch = (url: string): Promise<Response> => {
    calls.push(url);
    return Promise.resolve(
      new Response(JSON.stringify(body()), {
        status: init.status ?? 200,
        headers: {
          "content-type": "application/json",
          "cache-control": init.cacheControl ?? "public, max-age=300",
        },
      }),
    );
  };
  return { calls, fetch };
}

describe("remote JWKS", () => {
  it("one key source per URL, at most 256 kept: a URL built from input cannot grow it", () => {
    const url = (i: number) => `https://tenant-${i}.example.com/.well-known/jwks.json`;
    const first = keySourceFor(url(0), webCrypto);
    assert.equal(keySourceFor(url(0), webCrypto), first);
    assert.equal(keySourceFor(new URL(url(0)), webCrypto), first);
    const made = [first];
    for (let i = 1; i < 256; i++) made.push(keySourceFor(url(i), webCrypto));
    assert.equal(keySourceFor(url(0), webCrypto), first, "256 URLs fit");
    keySourceFor(url(256), webCrypto);
    // url(0) was used again; url(1), the oldest of those that were not, went first.
    assert.equal(keySourceFor(url(0), webCrypto), first, "the one in use stays");
    assert.equal(keySourceFor(url(2), webCrypto), made[2]);
    assert.notEqual(keySourceFor(url(1), webCrypto), made[1], "the oldest unused went first");
  });

  it("a URL in use outlives any number of new ones: the ones unused since are forgotten", () => {
    const hot = "https://risk.example.com/hot/.well-known/jwks.json";
    const source = keySourceFor(hot, webCrypto);
    for (let i = 0; i < 1000; i++) {
      keySourceFor(`https://churn-${i}.example.com/.well-known/jwks.json`, webCrypto);
      assert.equal(keySourceFor(hot, webCrypto), source, `after ${i + 1} new URLs`);
    }
  });

  it("a URL that is refused takes no place: bad URLs never push a good one out", () => {
    const good = "https://risk.example.com/kept/.well-known/jwks.json";
    const source = keySourceFor(good, webCrypto);
    for (let i = 0; i < 300; i++) {
      assert.throws(() => keySourceFor(`http://tenant-${i}.example.com/jwks.json`, webCrypto), {
        code: "ERR_INVALID_INPUT",
      });
    }
    assert.equal(keySourceFor(good, webCrypto), source);
  });

  it("spellings of one URL share its key source (one cached JWKS), in either order", () => {
    const spellings = [
      "https://risk.example.com/case/.well-known/jwks.json",
      "HTTPS://Risk.Example.COM/case/.well-known/jwks.json",
      "https://risk.example.com:443/case/.well-known/jwks.json",
    ];
    const first = keySourceFor(spellings[1]!, webCrypto); // an unusual spelling comes first
    for (const u of [...spellings, new URL(spellings[2]!), ...spellings]) {
      assert.equal(keySourceFor(u, webCrypto), first, String(u));
    }
    // Another path is another URL.
    assert.notEqual(
      keySourceFor("https://risk.example.com/CASE/.well-known/jwks.json", webCrypto),
      first,
    );
    // A spelling seen for the first time with another crypto shares that crypto's source.
    const liar = { ...webCrypto, sha256: () => Promise.resolve(new Uint8Array(32)) };
    const theirs = keySourceFor(spellings[0]!, liar);
    assert.notEqual(theirs, first);
    assert.equal(keySourceFor("https://RISK.example.com/case/.well-known/jwks.json", liar), theirs);
  });

  it("a URL's key source is its crypto's own: another crypto's thumbprints never decide", () => {
    const url = "https://risk.example.com/own/.well-known/jwks.json";
    const liar = { ...webCrypto, sha256: () => Promise.resolve(new Uint8Array(32)) };
    const theirs = keySourceFor(url, liar);
    assert.notEqual(keySourceFor(url, webCrypto), theirs);
    assert.equal(keySourceFor(url, liar), theirs);
  });

  it("caches for max-age and refetches once it is stale", async () => {
    const w = await world();
    let t = 1000;
    const srv = server(() => w.jwks, { cacheControl: "public, max-age=120" });
    const jwks = remoteKeySet(URL_, { fetch: srv.fetch, now: () => t });
    const o = { issuer: ISSUER, audience: CLIENT, jwks, now: w.now };
    for (let i = 0; i < 5; i++) {
      assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), null);
    }
    assert.equal(srv.calls.length, 1);
    t += 121;
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), null);
    assert.equal(srv.calls.length, 2);
  });

  it("refetches on an unknown kid at most once per 30 s, then ERR_KEY_UNKNOWN", async () => {
    const w = await world();
    const rotated = await world();
    let t = 1000;
    let served = w.jwks;
    const srv = server(() => served);
    const jwks = remoteKeySet(URL_, { fetch: srv.fetch, now: () => t });
    const o = { issuer: ISSUER, audience: CLIENT, jwks, now: rotated.now };
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, { ...o, now: w.now })), null);
    t += 10;
    // Not yet published: one refetch is too early (30 s), so unknown without a fetch.
    assert.equal(await codeOf(verifySessionToken(rotated.tokens.session, o)), "ERR_KEY_UNKNOWN");
    assert.equal(srv.calls.length, 1);
    t += 25;
    assert.equal(await codeOf(verifySessionToken(rotated.tokens.session, o)), "ERR_KEY_UNKNOWN");
    assert.equal(srv.calls.length, 2);
    served = rotated.jwks;
    for (let i = 0; i < 3; i++) await codeOf(verifySessionToken(rotated.tokens.session, o));
    assert.equal(srv.calls.length, 2);
    t += 31;
    assert.equal(await codeOf(verifySessionToken(rotated.tokens.session, o)), null);
    assert.equal(srv.calls.length, 3);
  });

  it("never fetches what a token's header names", async () => {
    const w = await world();
    const srv = server(() => w.jwks);
    const jwks = remoteKeySet(URL_, { fetch: srv.fetch, now: () => 0 });
    const attacker = await world();
    const forged = await mintSessionToken(attacker.service.signer, {
      issuer: ISSUER,
      clientId: CLIENT,
      sessionId: "s_x",
      deviceId: "d_x",
      jkt: attacker.device.jkt,
      iat: attacker.now,
    });
    assert.equal(
      await codeOf(verifySessionToken(forged, { issuer: ISSUER, audience: CLIENT, jwks })),
      "ERR_KEY_UNKNOWN",
    );
    assert.deepEqual(new Set(srv.calls), new Set([URL_]));
  });

  it("network failure: ERR_NETWORK without a cached set, the stale set with one", async () => {
    const w = await world();
    let t = 0;
    let up = false;
    const fetch = (url: string) =>
      up ? server(() => w.jwks).fetch(url) : Promise.reject(new TypeError("connection refused"));
    const jwks = remoteKeySet(URL_, { fetch, now: () => t });
    const o = { issuer: ISSUER, audience: CLIENT, jwks, now: w.now };
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), "ERR_NETWORK");
    up = true;
    t += 31;
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), null);
    up = false;
    t += 1000;
    assert.equal(await codeOf(verifySessionToken(w.tokens.session, o)), null);
  });

  it("a bad answer is ERR_SERVICE; a non-https URL is ERR_INVALID_INPUT", async () => {
    const w = await world();
    const o = { issuer: ISSUER, audience: CLIENT, now: w.now };
    const s500 = server(() => ({}), { status: 500 });
    assert.equal(
      await codeOf(
        verifySessionToken(w.tokens.session, {
          ...o,
          jwks: remoteKeySet(URL_, { fetch: s500.fetch }),
        }),
      ),
      "ERR_SERVICE",
    );
    const junk = server(() => ({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }));
    assert.equal(
      await codeOf(
        verifySessionToken(w.tokens.session, {
          ...o,
          jwks: remoteKeySet(URL_, { fetch: junk.fetch }),
        }),
      ),
      "ERR_SERVICE",
    );
    assert.throws(
      () => remoteKeySet("http://risk.example.com/jwks"),
      (e: unknown) => (e as DeviceSessionError).code === "ERR_INVALID_INPUT",
    );
    remoteKeySet("http://localhost:8787/.well-known/jwks.json");
  });

  it("parses Cache-Control max-age", () => {
    assert.equal(parseMaxAge("public, max-age=300"), 300);
    assert.equal(parseMaxAge("max-age=0"), 0);
    assert.equal(parseMaxAge("no-store"), 0);
    assert.equal(parseMaxAge("public"), null);
    assert.equal(parseMaxAge(null), null);
  });
});

describe("service key rotation (SPEC §3.6)", () => {
  it("a token signed before a rotation verifies until it expires; the old key leaves after max lifetime + 300 s", async () => {
    const t0 = 1_800_000_000;
    const first = await generateServiceKey();
    let ring = createKeyring(first);
    const token = await mintSessionToken(ring.current.signer, {
      issuer: ISSUER,
      clientId: CLIENT,
      sessionId: "s_r",
      deviceId: "d_r",
      jkt: first.kid,
      iat: t0,
    });
    ring = rotateKeyring(ring, await generateServiceKey({ alg: "ES256" }), {
      now: t0 + 10,
      maxTokenLifetime: 3600,
    });
    assert.deepEqual(keyringJwks(ring, t0 + 10).keys.map((k) => k.kid), [
      ring.current.kid,
      first.kid,
    ]);
    const o = { issuer: ISSUER, audience: CLIENT };
    assert.equal(
      await codeOf(
        verifySessionToken(token, { ...o, jwks: keyringJwks(ring, t0 + 899), now: t0 + 899 }),
      ),
      null,
    );
    await assert.rejects(
      async () => rotateKeyring(ring, await generateServiceKey(), { now: t0 + 20 }),
      (e) => (e as DeviceSessionError).code === "ERR_CONFLICT",
    );
    const later = t0 + 10 + 3600 + 300;
    assert.equal(keyringJwks(ring, later - 1).keys.length, 2);
    assert.equal(keyringJwks(ring, later).keys.length, 1);
    assert.equal(pruneKeyring(ring, later).previous, null);
    assert.equal(
      await codeOf(
        verifySessionToken(token, { ...o, jwks: keyringJwks(ring, later), now: t0 + 100 }),
      ),
      "ERR_KEY_UNKNOWN",
    );
  });
});
