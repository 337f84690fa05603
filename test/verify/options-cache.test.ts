// The verifier remembers a validated options object, but an object changed since (a member
// replaced, added, removed, or an array edited in place) is validated again.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateServiceKey } from "../../adapters/keys/service-key.ts";
import { mintSessionToken } from "../../adapters/crypto/mint.ts";
import { verifySessionToken } from "../../verify.ts";

describe("verifier options: validated once per unchanged object", { timeout: 120_000 }, () => {
  it("rejects an options object that became invalid after a successful call", async () => {
    const service = await generateServiceKey({ alg: "EdDSA", extractable: true });
    const now = Math.floor(Date.now() / 1000);
    const token = await mintSessionToken(service.signer, {
      issuer: "https://risk.example.com",
      clientId: "demo",
      sessionId: "s_1",
      deviceId: "d_1",
      jkt: "a".repeat(43),
      iat: now,
      lifetime: 600,
    });
    const o: Record<string, unknown> = {
      issuer: "https://risk.example.com",
      audience: "demo",
      jwks: { keys: [service.jwk] },
      algorithms: ["EdDSA"],
    };
    const ok = () => verifySessionToken(token, o as never);
    const invalid = async () =>
      await assert.rejects(ok(), (e: { code?: string }) => e.code === "ERR_INVALID_INPUT");
    assert.equal((await ok()).sessionId, "s_1");
    assert.equal((await ok()).sessionId, "s_1"); // the remembered path
    (o.algorithms as string[])[0] = "HS256"; // edited in place
    await invalid();
    (o.algorithms as string[])[0] = "EdDSA";
    assert.equal((await ok()).sessionId, "s_1");
    o.clockTolerance = -1; // added
    await invalid();
    delete o.clockTolerance;
    assert.equal((await ok()).sessionId, "s_1");
    o.audience = "bad audience!"; // replaced
    await invalid();
    o.audience = "demo";
    delete o.issuer; // removed
    await invalid();
  });
});
