// Harness self-test (tools/browser-test/selftest.mjs): every leg must exit 1 on this file.
// In the browser, each test named in EXPECTED_FAILURES there must be reported "not ok".
import { beforeEach, describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

describe("failures", () => {
  it("deepEqual diff", () => {
    assert.deepEqual({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] });
  });
  it("passes", () => {});
});

test("failing subtest", async (t) => {
  await t.test("ok sub", () => {});
  await t.test("bad sub", () => assert.equal(1, 2));
});

describe("hook failure", () => {
  beforeEach(() => {
    throw new Error("hook boom");
  });
  it("victim", () => {});
});

test("node api without opt-out", () => {
  readFileSync("/etc/hostname");
});
