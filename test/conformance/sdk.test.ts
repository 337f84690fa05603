// The SDK target of the conformance suite (SPEC §9): our SDK machine, behind the reference
// driver started as a subprocess on this runtime (stdio), passes every check including the trace
// vectors; each broken machine fails exactly the checks it names.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

// A driver subprocess starts and answers late on a loaded machine: the start and per-check
// limits are safety nets against a hang, not speed requirements.
const SAFETY_MS = 120_000;

const DIR = "../../conformance/";
const SUPPORT = "./support.ts";

type Suite = typeof import("../../conformance/sdk/suite.ts");
type Support = typeof import("./support.ts");
type Run = typeof import("../../conformance/core/run.ts");
type Mutants = typeof import("../../conformance/mutants/sdk.ts");
type Stdio = typeof import("../../conformance/harness/stdio.ts");
type Local = typeof import("../../conformance/harness/local.ts");
type Handler = typeof import("../../conformance/drivers/sdk-handler.ts");

const load = async () => ({
  suite: await import(DIR + "sdk/suite.ts") as Suite,
  run: await import(DIR + "core/run.ts") as Run,
  mutants: await import(DIR + "mutants/sdk.ts") as Mutants,
  stdio: await import(DIR + "harness/stdio.ts") as Stdio,
  local: await import(DIR + "harness/local.ts") as Local,
  handler: await import(DIR + "drivers/sdk-handler.ts") as Handler,
  support: await import(SUPPORT) as Support,
});

describe("conformance: SDK target", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  it("our SDK driver (a subprocess on stdio) passes every check, traces included", async () => {
    const { suite, run, stdio, support } = await load();
    const driver = await stdio.spawnDriver({
      cmd: support.driverCmd("conformance/drivers/sdk-driver.ts"),
      role: "sdk",
      cwd: support.ROOT,
      helloTimeoutMs: SAFETY_MS,
      requestTimeoutMs: SAFETY_MS,
    });
    try {
      assert.deepEqual(driver.hello.capabilities, ["machine", "traces"]);
      const runner = new run.Runner({ checkTimeoutMs: SAFETY_MS });
      await suite.runSdkSuite(driver, runner);
      assert.deepEqual(support.failing(runner.results), [], support.explain(runner.results));
      const ids = runner.results.map((r) => r.id).sort();
      assert.deepEqual(ids, (await suite.sdkChecks()).map((d) => d.id).sort(), "every check ran");
      assert.ok(runner.results.filter((r) => r.id.startsWith("sdk.trace.")).length >= 15);
    } finally {
      await driver.close();
    }
  });

  it("a driver without the traces capability gets the trace checks skipped", async () => {
    const { suite, run, local, handler } = await load();
    const d = handler.createSdkDriver();
    const runner = new run.Runner({ only: ["sdk.trace", "sdk.lifecycle.config"] });
    const hello = { ...d.hello, capabilities: ["machine"] };
    await suite.runSdkSuite(local.localDriver(hello, d.handle), runner);
    const traces = runner.results.filter((r) => r.id.startsWith("sdk.trace."));
    assert.ok(traces.length > 0 && traces.every((r) => r.status === "skip"));
    assert.equal(runner.results.find((r) => r.id === "sdk.lifecycle.config")?.status, "pass");
  });

  it("has broken machines, each naming what it must fail", async () => {
    const { mutants } = await load();
    for (const [name, m] of Object.entries(mutants.SDK_MUTANTS)) {
      assert.ok(m.fails.length > 0, name);
    }
  });

  describe("each broken machine fails exactly the checks it names", () => {
    for (
      const name of [
        "expired-token",
        "double-refresh",
        "uncounted-drop",
        "no-backoff",
        "reused-jti",
        "retry-after-over-cap-ignored",
        "telemetry-ignores-retry-after",
        "ack-at-least",
        "beacon-oldest-first",
        "beacon-budget-in-characters",
      ]
    ) {
      it(name, async () => {
        const { suite, run, mutants, local, handler, support } = await load();
        const d = handler.createSdkDriver({ mutant: name });
        const runner = new run.Runner();
        await suite.runSdkSuite(local.localDriver(d.hello, d.handle), runner);
        const m = mutants.SDK_MUTANTS[name]!;
        assert.deepEqual(
          support.failing(runner.results),
          [...m.fails].sort(),
          `${m.description}:\n${support.explain(runner.results)}`,
        );
      });
    }
  });

  it("the driver's --mutant flag selects a broken machine (subprocess)", async () => {
    const { suite, run, stdio, support } = await load();
    const driver = await stdio.spawnDriver({
      cmd: support.driverCmd("conformance/drivers/sdk-driver.ts", "--mutant expired-token"),
      role: "sdk",
      cwd: support.ROOT,
      helloTimeoutMs: SAFETY_MS,
      requestTimeoutMs: SAFETY_MS,
    });
    try {
      const runner = new run.Runner({
        only: ["sdk.token", "sdk.lifecycle"],
        checkTimeoutMs: SAFETY_MS,
      });
      await suite.runSdkSuite(driver, runner);
      assert.deepEqual(support.failing(runner.results), ["sdk.token.not-expired"]);
    } finally {
      await driver.close();
    }
  });
});
