// The verifier target of the conformance suite (SPEC §5): our verifier, behind the reference
// driver on stdio (a subprocess on this runtime) and on the HTTP contract, passes every check;
// each broken verifier fails exactly the checks it names.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

// A driver subprocess starts and answers late on a loaded machine: the start and per-check
// limits are safety nets against a hang, not speed requirements.
const SAFETY_MS = 120_000;

const DIR = "../../conformance/";
const SUPPORT = "./support.ts";

type Suite = typeof import("../../conformance/verifier/suite.ts");
type Support = typeof import("./support.ts");
type Run = typeof import("../../conformance/core/run.ts");
type Mutants = typeof import("../../conformance/mutants/verifier.ts");
type Stdio = typeof import("../../conformance/harness/stdio.ts");
type Local = typeof import("../../conformance/harness/local.ts");
type Handler = typeof import("../../conformance/drivers/verifier-handler.ts");
type Http = typeof import("../../conformance/drivers/http.ts");

const load = async () => ({
  suite: await import(DIR + "verifier/suite.ts") as Suite,
  run: await import(DIR + "core/run.ts") as Run,
  mutants: await import(DIR + "mutants/verifier.ts") as Mutants,
  stdio: await import(DIR + "harness/stdio.ts") as Stdio,
  local: await import(DIR + "harness/local.ts") as Local,
  handler: await import(DIR + "drivers/verifier-handler.ts") as Handler,
  http: await import(DIR + "drivers/http.ts") as Http,
  support: await import(SUPPORT) as Support,
});

describe("conformance: verifier target", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  it("our verifier driver (a subprocess on stdio) passes every check", async () => {
    const { suite, run, stdio, support } = await load();
    const driver = await stdio.spawnDriver({
      cmd: support.driverCmd("conformance/drivers/verifier-driver.ts"),
      role: "verifier",
      cwd: support.ROOT,
      helloTimeoutMs: SAFETY_MS,
      requestTimeoutMs: SAFETY_MS,
    });
    try {
      const runner = new run.Runner({ checkTimeoutMs: SAFETY_MS });
      await suite.runVerifierSuite(driver, runner);
      assert.deepEqual(support.failing(runner.results), [], support.explain(runner.results));
      const ids = runner.results.map((r) => r.id).sort();
      assert.deepEqual(ids, (await suite.verifierCheckDefs()).map((d) => d.id).sort());
    } finally {
      await driver.close();
    }
  });

  it("our verifier passes every check over the HTTP contract (loopback)", async () => {
    const { suite, run, local, handler, http, support } = await load();
    const server = await http.serveHttpDriver(handler.createVerifierDriver());
    try {
      const client = await local.httpDriver({ url: `${server.url}/verify`, role: "verifier" });
      const runner = new run.Runner();
      await suite.runVerifierSuite(client, runner);
      assert.deepEqual(support.failing(runner.results), [], support.explain(runner.results));
    } finally {
      await server.shutdown(1000);
    }
  });

  it("the driver's named replay store runs on each request's now, not the first one's", async () => {
    const { handler } = await load();
    const stores = handler.namedReplayStores();
    const a = stores.get("s", 1000);
    assert.equal(await a.consume("x", 1150), true, "first use");
    assert.equal(await stores.get("s", 1100).consume("x", 1300), false, "still recorded at 1100");
    assert.equal(stores.get("s", 1200), a, "one store per name");
    assert.equal(await a.consume("x", 1400), true, "expired at 1200: recorded again");
    assert.equal(await stores.get("t", 1200).consume("x", 1400), true, "another name");
    assert.equal(await stores.get(undefined, 1200).consume("x", 1400), true, "no name: fresh");
  });

  it("has broken verifiers, each naming what it must fail", async () => {
    const { mutants } = await load();
    for (const [name, m] of Object.entries(mutants.VERIFIER_MUTANTS)) {
      assert.ok(m.fails.length > 0, name);
    }
  });

  describe("each broken verifier fails exactly the checks it names", () => {
    for (const name of ["alg-none", "no-binding", "no-replay", "any-action", "weak-keys"]) {
      it(name, async () => {
        const { suite, run, mutants, local, handler, support } = await load();
        const d = handler.createVerifierDriver({ mutant: name });
        const runner = new run.Runner();
        await suite.runVerifierSuite(local.localDriver(d.hello, d.handle), runner);
        const m = mutants.VERIFIER_MUTANTS[name]!;
        assert.deepEqual(
          support.failing(runner.results),
          [...m.fails].sort(),
          `${m.description}:\n${support.explain(runner.results)}`,
        );
      });
    }
  });
});
