// Harness self-test (tools/browser-test/selftest.mjs): exercises every node:test feature the
// suite may use. It must pass on all four legs; it checks its own hook order and subtests.
import { after, afterEach, before, beforeEach, describe, it, mock, test } from "node:test";
import assert from "node:assert/strict";
import { deepEqual } from "node:assert";
import fc from "fast-check";
import { readFileSync } from "node:fs";

const log: string[] = [];

describe("hooks and order", () => {
  before(() => void log.push("before"));
  after(() => void log.push("after"));
  beforeEach(() => void log.push("beforeEach"));
  afterEach(() => void log.push("afterEach"));
  it("first", () => void log.push("first"));
  it("second async", async () => {
    await new Promise((r) => setTimeout(r, 5));
    log.push("second");
  });
  describe("nested", () => {
    beforeEach(() => void log.push("inner beforeEach"));
    it("third", () => void log.push("third"));
  });
});

describe("log check", () => {
  it("ran in declaration order with hooks", () => {
    assert.deepEqual(log, [
      "before",
      "beforeEach",
      "first",
      "afterEach",
      "beforeEach",
      "second",
      "afterEach",
      "beforeEach",
      "inner beforeEach",
      "third",
      "afterEach",
      "after",
    ]);
  });
});

describe("skips and todos", () => {
  it.skip("skipped via .skip", () => assert.fail("must not run"));
  it("skipped via options", { skip: "reason here" }, () => assert.fail("must not run"));
  it.todo("todo without body");
  it("todo via options", { todo: true }, () => {});
  it("t.skip() at runtime", (t) => t.skip("runtime skip"));
});

describe(
  "browser opt-out",
  { skip: typeof window !== "undefined" && "needs a server runtime" },
  () => {
    it("reads a file", () => {
      assert.ok(readFileSync(new URL(import.meta.url)).length > 0);
    });
  },
);

describe("server opt-out", { skip: typeof window === "undefined" && "needs a browser" }, () => {
  it("has document", () => assert.equal(typeof document, "object"));
});

test("subtests", async (t) => {
  const seen: number[] = [];
  await t.test("one", () => void seen.push(1));
  await t.test("two", async () => {
    await Promise.resolve();
    seen.push(2);
  });
  assert.deepEqual(seen, [1, 2]);
});

test("mock.fn", () => {
  const f = mock.fn((a: number, b: number) => a + b);
  assert.equal(f(1, 2), 3);
  assert.equal(f.mock.callCount(), 1);
  assert.deepEqual(f.mock.calls[0]!.arguments, [1, 2]);
  assert.equal(f.mock.calls[0]!.result, 3);
  f.mock.mockImplementation(() => 0);
  assert.equal(f(1, 2), 0);
});

test("named import from node:assert", () => deepEqual({ a: 1 }, { a: 1 }));

test("assert.rejects and throws", async () => {
  await assert.rejects(Promise.reject(new TypeError("x")), TypeError);
  assert.throws(() => {
    throw new RangeError("boom");
  }, /boom/);
});

test("fast-check async property + model run", async () => {
  await fc.assert(fc.asyncProperty(fc.integer(), (n) => Promise.resolve(n + 0 === n)), {
    numRuns: 50,
  });
  class Counter {
    n = 0;
    inc() {
      this.n++;
    }
  }
  class IncCmd implements fc.AsyncCommand<{ n: number }, Counter> {
    check() {
      return true;
    }
    async run(m: { n: number }, r: Counter) {
      m.n++;
      await Promise.resolve(r.inc());
      assert.equal(r.n, m.n);
    }
    toString() {
      return "inc";
    }
  }
  await fc.assert(
    fc.asyncProperty(
      fc.commands([fc.constant(new IncCmd())], { maxCommands: 20 }),
      (cmds) => fc.asyncModelRun(() => ({ model: { n: 0 }, real: new Counter() }), cmds),
    ),
    { numRuns: 30 },
  );
});

test("fast-check scheduler", async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const out: string[] = [];
      const a = s.schedule(Promise.resolve("a")).then((v) => void out.push(v));
      const b = s.schedule(Promise.resolve("b")).then((v) => void out.push(v));
      await s.waitAll();
      await Promise.all([a, b]);
      assert.equal(out.length, 2);
    }),
    { numRuns: 20 },
  );
});
