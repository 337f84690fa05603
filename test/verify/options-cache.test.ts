// The verifier remembers a validated options object, but an object changed since (a member
// replaced, added, removed, inherited, or an array edited in place) is validated again.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateServiceKey } from "../../adapters/keys/service-key.ts";
import { mintSessionToken } from "../../adapters/crypto/mint.ts";
import { verifySessionToken } from "../../verify.ts";
import {
  checkOptions,
  ProofOptions,
  SecureOptions,
  ServiceOptions,
  TokenOptions,
} from "../../adapters/verify/options.ts";

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

describe("verifier options: every member a schema reads is compared", { timeout: 120_000 }, () => {
  const jwks = { keys: [] };
  const valid: [string, Parameters<typeof checkOptions>[0], Record<string, unknown>][] = [
    ["service", ServiceOptions, { issuer: "https://i", jwks }],
    ["token", TokenOptions, { issuer: "https://i", audience: "demo", jwks }],
    [
      "secure",
      SecureOptions,
      {
        issuer: "https://i",
        audience: "demo",
        jwks,
        action: "login",
        replayStore: { consume() {} },
      },
    ],
    [
      "proof",
      ProofOptions,
      {
        method: "POST",
        url: "https://i/x",
        isNonceValid: () => true,
        replayStore: { consume() {} },
      },
    ],
  ];
  const code = (f: () => unknown): string | null => {
    try {
      f();
      return null;
    } catch (e) {
      return (e as { code?: string }).code ?? String(e);
    }
  };
  for (const [name, schema, members] of valid) {
    it(`${name}: a member set, changed or inherited after a remembered success`, () => {
      // Every member the schema has, whether the options had it or not: a symbol is valid for none.
      for (const member of Object.keys((schema as unknown as { entries: object }).entries)) {
        const own = { ...members };
        assert.equal(code(() => checkOptions(schema, own)), null);
        assert.equal(code(() => checkOptions(schema, own)), null); // remembered
        own[member] = Symbol(member);
        assert.equal(code(() => checkOptions(schema, own)), "ERR_INVALID_INPUT", member);
        // Read through the prototype, as the schema reads it.
        const proto: Record<string, unknown> = {};
        const heir = Object.assign(Object.create(proto) as Record<string, unknown>, members);
        delete heir[member];
        const before = code(() => checkOptions(schema, heir));
        proto[member] = Symbol(member);
        assert.equal(code(() => checkOptions(schema, heir)), "ERR_INVALID_INPUT", member);
        delete proto[member];
        assert.equal(code(() => checkOptions(schema, heir)), before, member);
      }
    });
  }
  it("members no schema reads change nothing, and a remembered object stays valid", () => {
    const o: Record<string, unknown> = { issuer: "https://i", audience: "demo", jwks };
    const first = checkOptions<object>(TokenOptions, o);
    o.unrelated = 1;
    assert.deepEqual(checkOptions<object>(TokenOptions, o), first);
  });
});
