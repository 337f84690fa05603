// Wire vectors: every message of SPEC v1, valid and invalid, checked against the schemas.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import vectors from "../../../vectors/wire/messages.json" with { type: "json" };
import { DeviceSessionError, validateWire, WIRE_MESSAGES } from "../../../core/mod.ts";

function codeOf(name: string, value: unknown): string | null {
  try {
    validateWire(name, value);
    return null;
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, `${name}: threw a non-catalog error: ${e}`);
    return e.code;
  }
}

describe("wire vectors (vectors/wire/messages.json)", () => {
  it("declares numberOfTests correctly and uses unique tcIds", () => {
    const ids = vectors.testGroups.flatMap((g) => g.tests.map((t) => t.tcId));
    assert.equal(ids.length, vectors.numberOfTests);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("covers every registered message with valid and invalid examples", () => {
    for (const name of Object.keys(WIRE_MESSAGES)) {
      const group = vectors.testGroups.find((g) => g.message === name);
      assert.ok(group, `no vector group for ${name}`);
      assert.ok(group.tests.some((t) => t.result === "valid"), `${name}: no valid example`);
      assert.ok(group.tests.some((t) => t.result === "invalid"), `${name}: no invalid example`);
    }
  });

  for (const group of vectors.testGroups) {
    it(`${group.message} (${group.spec})`, () => {
      for (const t of group.tests) {
        const got = codeOf(group.message, t.value);
        const want = t.result === "valid" ? null : (t as { code?: string }).code;
        assert.equal(got, want, `tcId ${t.tcId} ${group.message}: ${t.comment}`);
      }
    });
  }
});

describe("validateWire", () => {
  it("rejects an unknown message name with ERR_INVALID_INPUT", () => {
    assert.equal(codeOf("NoSuchMessage", {}), "ERR_INVALID_INPUT");
  });

  it("rejects a non-object token payload with ERR_TOKEN_MALFORMED", () => {
    for (const payload of [null, [], "x", 1]) {
      assert.equal(codeOf("SessionClaims", payload), "ERR_TOKEN_MALFORMED");
    }
  });

  it("names the failing path in the error message", () => {
    try {
      validateWire("TriggerActionRequest", { action_type: "Login", session_token: "a.b.c" });
      assert.fail("expected an error");
    } catch (e) {
      assert.ok(e instanceof DeviceSessionError);
      assert.equal(e.code, "ERR_INVALID_BODY");
      assert.match(e.message, /action_type/);
    }
  });
});
