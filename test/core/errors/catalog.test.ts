import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DeviceSessionError,
  ERROR_CATALOG,
  ERROR_CODES,
  errorFromCode,
  InputError,
  isErrorCode,
  ProtocolError,
  SessionError,
  TokenError,
} from "../../../core/mod.ts";

describe("error catalog (SPEC §11)", () => {
  it("has unique ERR_* codes, each with a meaning and a valid status", () => {
    assert.equal(new Set(ERROR_CODES).size, ERROR_CODES.length);
    for (const code of ERROR_CODES) {
      assert.match(code, /^ERR_[A-Z_]+$/);
      const { status, meaning } = ERROR_CATALOG[code];
      assert.ok(meaning.length > 5, code);
      assert.ok(status === null || (status >= 400 && status <= 599), code);
    }
  });

  it("lists exactly the codes SPEC.md §11 documents", async () => {
    // The SPEC is the contract: the table and the catalog must not drift apart.
    const spec = await readSpec();
    if (spec === null) return; // the browser leg has no file system; the other legs check.
    const section = spec.slice(spec.indexOf("## 11. Error catalog"), spec.indexOf("## 12."));
    const documented = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}|—) \|/gm)];
    assert.deepEqual(documented.map((m) => m[1]), [...ERROR_CODES]);
    for (const [, code, status] of documented) {
      const want = status === "—" ? null : Number(status);
      assert.equal(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status, want, code);
    }
  });

  it("isErrorCode recognises catalog codes only", () => {
    assert.ok(isErrorCode("ERR_REPLAYED"));
    assert.ok(!isErrorCode("ERR_NOPE"));
    assert.ok(!isErrorCode("toString"));
    assert.ok(!isErrorCode(42));
  });

  it("errorFromCode picks the family class and keeps code, status and details", () => {
    const cases = [
      ["ERR_INVALID_INPUT", InputError],
      ["ERR_REPLAYED", TokenError],
      ["ERR_TIMEOUT", SessionError],
      ["ERR_BODY_TOO_LARGE", ProtocolError],
    ] as const;
    for (const [code, cls] of cases) {
      const err = errorFromCode(code, undefined, { details: { a: 1 } });
      assert.ok(err instanceof cls, code);
      assert.ok(err instanceof DeviceSessionError);
      assert.ok(err instanceof Error);
      assert.equal(err.code, code);
      assert.equal(err.status, ERROR_CATALOG[code].status);
      assert.equal(err.message, ERROR_CATALOG[code].meaning);
      assert.deepEqual(err.toBody(), { code, message: err.message, details: { a: 1 } });
    }
  });
});

async function readSpec(): Promise<string | null> {
  if (typeof window !== "undefined") return null;
  const { readFile } = await import("node:fs/promises");
  return await readFile(new URL("../../../SPEC.md", import.meta.url), "utf8");
}
