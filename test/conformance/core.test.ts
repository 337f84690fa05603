// The conformance suite's own machinery (conformance/README.md), on every runtime including the browser: the
// runner (levels, skips, timeouts, expectations, selection), report formats, the harness
// protocol's handshake and framing rules, and the trace comparison with opaque ids.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defineChecks } from "../../conformance/core/check.ts";
import { Runner } from "../../conformance/core/run.ts";
import { parseExpectations, unknownEntries } from "../../conformance/core/expect.ts";
import {
  exitCode,
  jsonReport,
  summarize,
  tapReport,
  textReport,
} from "../../conformance/core/report.ts";
import { helloProblem, PROTOCOL, responseProblem } from "../../conformance/harness/protocol.ts";
import { firstDifference, IdMap, type TraceInput } from "../../conformance/trace.ts";

const C = defineChecks({
  "svc.a.must": ["MUST", "§1", "a MUST"],
  "svc.a.should": ["SHOULD", "§2", "a SHOULD"],
  "svc.b.skipped": ["MUST", "§3", "skipped"],
  "svc.b.slow": ["MUST", "§4", "too slow"],
  "svc.b.ok": ["MUST", "§5", "passes"],
});
const info = { target: "service" as const, subject: "x", startedAt: "", durationMs: 5 };

describe("conformance runner and reports", () => {
  it("turns failures into fail (MUST) or warn (SHOULD), skips and timeouts into results", async () => {
    const run = new Runner({ checkTimeoutMs: 50 });
    await run.check(C["svc.a.must"], (t) => t.equal(1, 2, "one"));
    await run.check(C["svc.a.should"], (t) => t.ok(false, "nope"));
    await run.check(C["svc.b.skipped"], (t) => t.skip("no capability"));
    await run.check(C["svc.b.slow"], () => new Promise(() => {}));
    await run.check(C["svc.b.ok"], () => {});
    assert.deepEqual(run.results.map((r) => r.status), [
      "fail",
      "warn",
      "incomplete",
      "fail",
      "pass",
    ]);
    assert.equal(run.results[0]!.detail, "one: expected 2, got 1");
    assert.match(run.results[3]!.detail!, /no result within 50 ms/);
    const s = summarize(run.results);
    assert.deepEqual(s.total, {
      pass: 1,
      fail: 2,
      incomplete: 1,
      warn: 1,
      skip: 0,
      xfail: 0,
      xpass: 0,
    });
    assert.deepEqual(s.areas.map((a) => a.area), ["svc.a", "svc.b"]);
    assert.equal((jsonReport(run.results, info) as { exitCode: number }).exitCode, 1);
    assert.match(textReport(run.results, info), /2 MUST check\(s\) FAILED, 1 SHOULD warning/);
    const tap = tapReport(run.results).split("\n");
    assert.deepEqual(tap.slice(0, 2), ["TAP version 13", "1..5"]);
    assert.match(tap[2]!, /^not ok 1 - svc\.a\.must \[MUST §1\] a MUST$/);
    assert.match(tap.find((l) => l.includes("svc.a.should"))!, /^not ok 2 .*# TODO SHOULD: nope$/);
    assert.match(tap.find((l) => l.includes("svc.b.skipped"))!, /^not ok 3 - svc\.b\.skipped/);
  });

  it("never passes a run whose MUST checks did not run: incomplete, exit 3, what to enable", async () => {
    const run = new Runner();
    await run.check(C["svc.b.ok"], () => {});
    await run.check(C["svc.b.skipped"], (t) => t.skip("needs a clock", { enable: "test control" }));
    run.skip(C["svc.b.slow"], "needs a clock too", { enable: "test control" });
    await run.check(C["svc.a.should"], (t) => t.skip("no cache header to judge"));
    await run.check(C["svc.a.must"], (t) => t.skip("no traces", { notApplicable: true }));
    assert.deepEqual(run.results.map((r) => r.status), [
      "pass",
      "incomplete",
      "incomplete",
      "skip",
      "skip",
    ]);
    assert.equal(exitCode(run.results), 3);
    assert.equal(exitCode(run.results, { allowIncomplete: true }), 0);
    const text = textReport(run.results, info);
    assert.match(text, /INCOMPLETE: 2 MUST check\(s\) did not run; 1 passed$/);
    assert.match(
      text,
      /To run the incomplete MUST checks:\n {2}- test control: svc\.b\.skipped, svc\.b\.slow/,
    );
    assert.doesNotMatch(text, /every MUST check passed/);
    const json = jsonReport(run.results, info) as {
      exitCode: number;
      toEnable: unknown;
      checks: { enable?: string }[];
    };
    assert.equal(json.exitCode, 3);
    assert.deepEqual(json.toEnable, [{
      enable: "test control",
      checks: ["svc.b.skipped", "svc.b.slow"],
    }]);
    assert.equal(json.checks[1]!.enable, "test control");
    const tap = tapReport(run.results).split("\n");
    assert.match(tap[3]!, /^not ok 2 - svc\.b\.skipped .*$/);
    const allowed = tapReport(run.results, { allowIncomplete: true }).split("\n");
    assert.match(
      allowed[3]!,
      /^ok 2 - svc\.b\.skipped .*# SKIP needs a clock \(to run it: test control\)$/,
    );
    // A listed check that cannot run is a known gap (xfail), not a pass.
    const expect = parseExpectations({
      format: "ds-conformance-expect/1",
      expectedFailures: [{ id: "svc.b.skipped", reason: "single-tenant" }],
    });
    const known = new Runner({ expect });
    await known.check(C["svc.b.skipped"], (t) => t.skip("needs a clock"));
    assert.deepEqual(known.results.map((r) => r.status), ["xfail"]);
    assert.equal(exitCode(known.results), 0);
  });

  it("applies expectations: xfail does not fail the run, xpass is reported", async () => {
    const expect = parseExpectations({
      format: "ds-conformance-expect/1",
      expectedFailures: [
        { id: "svc.a.*", reason: "area a is not done" },
        { id: "svc.b.ok", reason: "thought broken" },
        { id: "svc.c.none", reason: "typo" },
      ],
    });
    const run = new Runner({ expect });
    await run.check(C["svc.a.must"], (t) => t.fail("broken"));
    await run.check(C["svc.b.ok"], () => {});
    assert.deepEqual(run.results.map((r) => r.status), ["xfail", "xpass"]);
    assert.equal((jsonReport(run.results, info) as { exitCode: number }).exitCode, 0);
    assert.deepEqual(unknownEntries(expect, ["svc.a.must", "svc.b.ok"]).map((e) => e.id), [
      "svc.c.none",
    ]);
    assert.throws(() => parseExpectations({ format: "x", expectedFailures: [] }), /format/);
    assert.throws(
      () =>
        parseExpectations({
          format: "ds-conformance-expect/1",
          expectedFailures: [{ id: "svc.a" }],
        }),
      /needs a reason/,
    );
  });

  it("runs only the selected checks", async () => {
    const run = new Runner({ only: ["svc.b"] });
    await run.check(C["svc.a.must"], () => {});
    await run.check(C["svc.b.ok"], () => {});
    assert.deepEqual(run.results.map((r) => r.id), ["svc.b.ok"]);
  });

  it("refuses malformed check ids", () => {
    assert.throws(() => defineChecks({ "svc.Bad Id": ["MUST", "§1", "x"] }), /bad check id/);
  });
});

describe("harness protocol rules", () => {
  it("accepts a hello of the right protocol, role and required capability", () => {
    const hello = { type: "hello", protocol: PROTOCOL, role: "sdk", capabilities: ["machine"] };
    assert.equal(helloProblem(hello, "sdk"), null);
    assert.match(helloProblem({ ...hello, protocol: "ds-conformance/2" }, "sdk")!, /speaks/);
    assert.match(helloProblem(hello, "verifier")!, /role/);
    assert.match(helloProblem({ ...hello, capabilities: [] }, "sdk")!, /"machine" is required/);
    assert.match(helloProblem("hi", "sdk")!, /first line/);
  });

  it("requires responses to echo seq and carry ok", () => {
    assert.equal(responseProblem({ seq: 4, ok: true }, 4), null);
    assert.match(responseProblem({ seq: 3, ok: true }, 4)!, /expected seq 4/);
    assert.match(responseProblem({ seq: 4 }, 4)!, /ok must be/);
    assert.match(responseProblem({ seq: 4, ok: false }, 4)!, /error\.code/);
  });
});

describe("trace comparison with opaque ids (SPEC §9.14)", () => {
  it("maps ids by first appearance and translates later inputs", () => {
    const ids = new IdMap();
    const expected = [{ type: "sign", id: "sc2" }, { type: "send", id: "create3" }];
    const actual = [{ type: "sign", id: "x-9" }, { type: "send", id: "x-10" }];
    ids.bind(expected, actual);
    assert.deepEqual(ids.rename(actual), expected);
    const input = { type: "signed", id: "sc2", now: 1, random: "00" } as TraceInput;
    assert.equal(ids.input(input).id, "x-9");
    assert.equal(ids.input({ ...input, type: "tick" }).id, "sc2", "only id-carrying inputs");
    // An id already bound is not re-bound to another.
    ids.bind([{ type: "send", id: "create5" }], [{ type: "send", id: "x-9" }]);
    assert.deepEqual(ids.rename([{ type: "send", id: "x-9" }]), [{ type: "send", id: "sc2" }]);
  });

  it("names the first difference by path; member order is free", () => {
    assert.equal(firstDifference({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }), null);
    assert.equal(firstDifference({ a: [1, 2] }, { a: [1, 3] }), "a[1]: expected 2, got 3");
    assert.equal(firstDifference({ a: 1 }, {}), "a: missing (expected 1)");
    assert.equal(firstDifference([1], [1, 2], "effects"), "effects[1]: unexpected 2");
  });
});
