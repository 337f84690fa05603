// The verified-token cache of the service (adapters/server/verified-cache.ts): a hit still has
// its times checked; an expired entry is a miss for telemetry; the cache is bounded.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { VerifiedCache } from "../../../adapters/server/verified-cache.ts";

const time = (now: number, checkTime = true) => ({
  now,
  tolerance: 30,
  maxLifetime: 3600,
  checkTime,
});

describe("VerifiedCache", () => {
  it("answers a remembered result while its times hold, and the verifier's code after", () => {
    const c = new VerifiedCache(10);
    c.set("k", { issuedAt: 1000, expiresAt: 1900 });
    assert.deepEqual(c.get("k", time(1500)), { issuedAt: 1000, expiresAt: 1900 });
    assert.equal(c.get("other", time(1500)), undefined);
    assert.throws(() => c.get("k", time(1930)), { code: "ERR_TOKEN_EXPIRED" });
    assert.throws(() => c.get("k", time(900)), { code: "ERR_TOKEN_NOT_YET_VALID" });
  });

  it("without time checks (telemetry), an entry past exp + tolerance is a miss, not a pass", () => {
    const c = new VerifiedCache(10);
    c.set("k", { issuedAt: 1000, expiresAt: 1900 });
    assert.ok(c.get("k", time(1929, false)));
    assert.equal(c.get("k", time(1930, false)), undefined);
  });

  it("keeps at most its size, dropping the oldest", () => {
    const c = new VerifiedCache(3);
    for (const k of ["a", "b", "c", "d"]) c.set(k, { issuedAt: 0, expiresAt: 100 });
    assert.equal(c.get("a", time(50)), undefined);
    assert.ok(c.get("d", time(50)));
  });
});
