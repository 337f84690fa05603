// The service target of the conformance suite (SPEC §6, §7): our service passes every MUST check,
// in-process and on this runtime's loopback server; each broken service fails exactly the
// checks it names (a broken service that passes fails the build).
import { describe, it } from "node:test";
import assert from "node:assert/strict";

// Computed specifiers: the browser bundle never pulls in the server or the suite.
const DIR = "../../conformance/";
const SUPPORT = "./support.ts";

type Suite = typeof import("../../conformance/service/suite.ts");
type Support = typeof import("./support.ts");
type Run = typeof import("../../conformance/core/run.ts");
type Mutants = typeof import("../../conformance/mutants/service.ts");

const load = async () => ({
  suite: await import(DIR + "service/suite.ts") as Suite,
  run: await import(DIR + "core/run.ts") as Run,
  mutants: await import(DIR + "mutants/service.ts") as Mutants,
  support: await import(SUPPORT) as Support,
});

// Every broken service (conformance/mutants), by name.
const names = [
  "secure-replay",
  "any-action",
  "secure-expired",
  "no-binding",
  "device-takeover",
  "no-dedupe",
  "refresh-no-proof",
  "open-backend",
  "no-limits",
  "wrong-session-expiry",
  "limits-in-characters",
  "count-limit-off-by-one",
  "idle-never-ends",
  "replay-forgets-early",
  "limits-doubled",
  "jwks-current-only",
  "any-origin",
  "no-cause",
  "rules-descending",
  "velocity-at-threshold",
  "pages-as-interactions",
  "failed-login-sets-user",
];

describe("conformance: service target", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  it("our service passes every check in-process (every check runs; only the raw-connection one cannot)", async () => {
    const { suite, run, support } = await load();
    const started = await support.inProcess();
    try {
      const runner = new run.Runner();
      await suite.runServiceSuite(started.target, runner);
      assert.deepEqual(support.failing(runner.results), [], support.explain(runner.results));
      const ids = runner.results.map((r) => r.id).sort();
      assert.deepEqual(ids, suite.serviceChecks().map((d) => d.id).sort(), "every check ran once");
      assert.deepEqual(runner.results.filter((r) => r.status === "skip"), []);
      // In-process there is no TCP connection to open.
      assert.deepEqual(
        runner.results.filter((r) => r.status === "incomplete").map((r) => r.id),
        ["svc.device.expect-continue"],
      );
    } finally {
      await started.close();
    }
  });

  it("our service passes every MUST check over HTTP on this runtime's loopback server", async () => {
    const { suite, run, support } = await load();
    const started = await support.onLoopback();
    try {
      const runner = new run.Runner();
      await suite.runServiceSuite(started.target, runner, { propertyRuns: 5 });
      assert.deepEqual(support.failing(runner.results), [], support.explain(runner.results));
      assert.ok(runner.results.length >= 70, `${runner.results.length} checks`);
      assert.deepEqual(runner.results.filter((r) => r.status === "incomplete"), []);
    } finally {
      await started.close();
    }
  });

  it("a check that needs the test control runs when `only` leaves the discovery check out", async () => {
    const { suite, run, support } = await load();
    const started = await support.inProcess();
    try {
      const runner = new run.Runner({ only: ["svc.errors.rate-limited", "svc.session.idle-end"] });
      await suite.runServiceSuite(started.target, runner);
      assert.deepEqual(
        runner.results.map((r) => [r.id, r.status]).sort(),
        [["svc.errors.rate-limited", "pass"], ["svc.session.idle-end", "pass"]],
        support.explain(runner.results),
      );
    } finally {
      await started.close();
    }
  });

  it("has at least 8 broken services, each tested below", async () => {
    const { mutants } = await load();
    assert.ok(Object.keys(mutants.SERVICE_MUTANTS).length >= 8);
    assert.deepEqual(Object.keys(mutants.SERVICE_MUTANTS).sort(), [...names].sort());
  });

  describe("each broken service fails exactly the checks it names", () => {
    for (const name of names) {
      it(name, async () => {
        const { suite, run, mutants, support } = await load();
        const mutant = mutants.SERVICE_MUTANTS[name]!;
        const started = await support.inProcess(mutant);
        try {
          const runner = new run.Runner();
          await suite.runServiceSuite(started.target, runner, { propertyRuns: 5 });
          assert.ok(mutant.fails.length > 0, "a broken service must fail something");
          assert.deepEqual(
            support.failing(runner.results),
            [...mutant.fails].sort(),
            `${mutant.description}:\n${support.explain(runner.results)}`,
          );
        } finally {
          await started.close();
        }
      });
    }
  });
});
