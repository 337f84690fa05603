// The verified-token cache of the service (adapters/server/verified-cache.ts): a hit still has
// its times checked; an expired entry is a miss for telemetry; the cache is bounded; a token
// answers only as what it was verified for, and never for another token, whatever its key.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { VerifiedCache } from "../../../adapters/server/verified-cache.ts";

const time = (now: number, checkTime = true) => ({
  now,
  tolerance: 30,
  maxLifetime: 3600,
  checkTime,
});

/** A token-like string: three segments, `sig` its signature. */
const token = (sig: string, head = "eyJhbGciOiJFZERTQSJ9") => `${head}.eyJzdWIiOiJzXzEifQ.${sig}`;
const SIG = "q3Zr0l9c2Yb1Yx0vVZ8b5Aq3Zr0l9c2Yb1Yx0vVZ8b5A";

describe("VerifiedCache", () => {
  it("answers a remembered result while its times hold, and the verifier's code after", () => {
    const c = new VerifiedCache(10);
    const k = token(SIG);
    c.set(k, "session", "shop", { issuedAt: 1000, expiresAt: 1900 });
    assert.deepEqual(c.get(k, "session", "shop", time(1500)), { issuedAt: 1000, expiresAt: 1900 });
    assert.equal(c.get(token(`x${SIG}`), "session", "shop", time(1500)), undefined);
    assert.throws(() => c.get(k, "session", "shop", time(1930)), { code: "ERR_TOKEN_EXPIRED" });
    assert.throws(() => c.get(k, "session", "shop", time(900)), {
      code: "ERR_TOKEN_NOT_YET_VALID",
    });
  });

  it("without time checks (telemetry), an entry past exp + tolerance is a miss, not a pass", () => {
    const c = new VerifiedCache(10);
    const k = token(SIG);
    c.set(k, "session", "shop", { issuedAt: 1000, expiresAt: 1900 });
    assert.ok(c.get(k, "session", "shop", time(1929, false)));
    assert.equal(c.get(k, "session", "shop", time(1930, false)), undefined);
  });

  it("keeps at most its size, dropping the oldest", () => {
    const c = new VerifiedCache(3);
    const ks = ["AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD"].map((s) => token(s));
    for (const k of ks) c.set(k, "access", "", { issuedAt: 0, expiresAt: 100 });
    assert.equal(c.get(ks[0]!, "access", "", time(50)), undefined);
    for (const k of ks.slice(1)) assert.ok(c.get(k, "access", "", time(50)));
  });

  it("answers a token only as the kind and audience it was verified for", () => {
    const c = new VerifiedCache(10);
    const k = token(SIG);
    c.set(k, "session", "shop", { issuedAt: 1000, expiresAt: 1900 });
    assert.equal(c.get(k, "action", "shop", time(1500)), undefined);
    assert.equal(c.get(k, "session", "other", time(1500)), undefined);
    assert.equal(c.get(k, "session", "sho", time(1500)), undefined);
    assert.ok(c.get(k, "session", "shop", time(1500)));
  });

  it("tokens alike in the characters it keys by never answer for each other", () => {
    const c = new VerifiedCache(10);
    // Same signature end (the key's characters), other heads and other signature starts.
    const a = token(SIG), b = token(`Z${SIG.slice(1)}`), d = token(SIG, "eyJhbGciOiJFUzI1NiJ9");
    c.set(a, "session", "shop", { issuedAt: 1000, expiresAt: 1900 });
    assert.equal(c.get(b, "session", "shop", time(1500)), undefined);
    assert.equal(c.get(d, "session", "shop", time(1500)), undefined);
    // The last one set is the one remembered; the other is verified afresh.
    c.set(b, "session", "shop", { issuedAt: 1100, expiresAt: 1900 });
    assert.equal(c.get(a, "session", "shop", time(1500)), undefined);
    assert.deepEqual(c.get(b, "session", "shop", time(1500)), { issuedAt: 1100, expiresAt: 1900 });
    // Short strings (no signature to key by) are compared whole as well.
    c.set("a", "access", "", { issuedAt: 0, expiresAt: 100 });
    assert.equal(c.get("b", "access", "", time(50)), undefined);
    assert.ok(c.get("a", "access", "", time(50)));
  });
});
