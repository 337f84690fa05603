// Token vectors (vectors/tokens/*.json) on every runtime: each valid token is accepted, each
// hostile one rejected with its code (and inner cause); RFC 7638 / RFC 9449 known answers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import vectors from "../../vectors/tokens/verify.json" with { type: "json" };
import kat from "../../vectors/tokens/thumbprints.json" with { type: "json" };
import { DeviceSessionError } from "../../core/errors/mod.ts";
import type { TokenKind } from "../../core/wire/mod.ts";
import { thumbprintInput } from "../../core/token/mod.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { mismatch, runTokenVector, type TokenVector } from "../verify/vector-runner.ts";

const groups = vectors.testGroups as unknown as {
  kind: TokenKind;
  spec: string;
  tests: TokenVector[];
}[];
const inBrowser = typeof window !== "undefined";

async function failures(
  kind: TokenKind,
  tests: TokenVector[],
  crypto?: VerifyCrypto,
): Promise<string[]> {
  const out: string[] = [];
  for (const t of tests) {
    const why = mismatch(t, await runTokenVector(kind, t, crypto));
    if (why !== null) out.push(`tcId ${t.tcId} (${t.comment}): ${why}`);
  }
  return out;
}

describe("token vectors (vectors/tokens/verify.json)", () => {
  it("has at least 80 tests, unique tcIds, and numberOfTests right", () => {
    const ids = groups.flatMap((g) => g.tests.map((t) => t.tcId));
    assert.ok(ids.length >= 80);
    assert.equal(ids.length, vectors.numberOfTests);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("covers every kind with valid and invalid tokens, each flag documented", () => {
    for (const kind of ["proof", "session", "secure", "action", "access"]) {
      const g = groups.find((x) => x.kind === kind);
      assert.ok(g, kind);
      assert.ok(g.tests.some((t) => t.result === "valid"), `${kind}: no valid vector`);
      assert.ok(g.tests.some((t) => t.result === "invalid"), `${kind}: no invalid vector`);
    }
    const notes = vectors.notes as Record<string, string>;
    for (const t of groups.flatMap((g) => g.tests)) {
      for (const flag of t.flags) assert.ok(notes[flag], `flag ${flag} undocumented`);
      if (t.result === "invalid") assert.match(t.code ?? "", /^ERR_[A-Z_]+$/);
    }
  });

  for (const g of groups) {
    it(`${g.kind} (${g.spec}), WebCrypto: ${g.tests.length} vectors`, async () => {
      assert.deepEqual(await failures(g.kind, g.tests), []);
    });
  }

  describe("with node:crypto", { skip: inBrowser && "needs node:crypto" }, () => {
    for (const g of groups) {
      it(`${g.kind} (${g.spec})`, async () => {
        const { nodeCrypto } = await import("../../adapters/crypto/node.ts");
        assert.deepEqual(await failures(g.kind, g.tests, nodeCrypto), []);
      });
    }
  });
});

describe("thumbprint known answers (vectors/tokens/thumbprints.json)", () => {
  const tests = kat.testGroups.flatMap((g) => g.tests) as {
    tcId: number;
    comment: string;
    jwk: Record<string, unknown>;
    input?: string;
    thumbprint?: string;
    result: string;
    code?: string;
  }[];

  it("includes the RFC 7638 §3.1 and RFC 9449 examples", () => {
    const prints = tests.map((t) => t.thumbprint);
    assert.ok(prints.includes("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
    assert.ok(prints.includes("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"));
  });

  for (const t of tests) {
    it(`tcId ${t.tcId}: ${t.comment}`, async () => {
      if (t.result === "invalid") {
        assert.throws(
          () => thumbprintInput(t.jwk),
          (e: unknown) => e instanceof DeviceSessionError && e.code === t.code,
        );
        return;
      }
      assert.equal(thumbprintInput(t.jwk), t.input);
      assert.equal(await jwkThumbprint(t.jwk), t.thumbprint);
    });
  }
});
