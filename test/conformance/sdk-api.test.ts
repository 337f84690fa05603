// The black-box SDK profile (target sdk-api): the suite plays the service over real HTTP on
// loopback and drives our Node SDK through its public API only (the reference driver, a Node
// subprocess); it passes every check, and each broken SDK (a wrapper around the public API or
// its fetch) fails exactly the checks it names.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const DIR = "../../conformance/";
const SUPPORT = "./support.ts";

type Suite = typeof import("../../conformance/blackbox/suite.ts");
type Support = typeof import("./support.ts");
type Run = typeof import("../../conformance/core/run.ts");
type Mutants = typeof import("../../conformance/mutants/sdk-api.ts");
type Stdio = typeof import("../../conformance/harness/stdio.ts");
type Protocol = typeof import("../../conformance/harness/protocol.ts");
type Validator = typeof import("./json-schema.ts");

const load = async () => ({
  suite: await import(DIR + "blackbox/suite.ts") as Suite,
  run: await import(DIR + "core/run.ts") as Run,
  mutants: await import(DIR + "mutants/sdk-api.ts") as Mutants,
  stdio: await import(DIR + "harness/stdio.ts") as Stdio,
  support: await import(SUPPORT) as Support,
});

// The reference driver is our Node SDK (`device-session/node`), so it always runs on Node,
// whichever runtime runs the suite side.
const DRIVER = "node --import tsx conformance/drivers/sdk-api-driver.ts";

/** Problems of the messages of a run against conformance/schemas (hello, requests, answers). */
async function schemaChecker() {
  const { readFileSync } = await import("node:fs" + "");
  const v = await import("./json-schema.ts" + "") as Validator;
  const dir = new URL("../../conformance/schemas/", import.meta.url);
  const load = (f: string) => JSON.parse(readFileSync(new URL(f, dir), "utf8"));
  const problems: string[] = [];
  const check = (file: string, value: unknown) => {
    for (const p of v.validate(value, load(file), load)) {
      if (problems.length < 10) {
        problems.push(`${file}: ${p} in ${JSON.stringify(value).slice(0, 160)}`);
      }
    }
  };
  return { problems, check };
}

async function runProfile(mutant?: string, check?: (file: string, value: unknown) => void) {
  const { suite, run, stdio, support } = await load();
  const driver = await stdio.spawnDriver({
    cmd: mutant === undefined ? DRIVER : `${DRIVER} --mutant ${mutant}`,
    role: "sdk-api",
    cwd: support.ROOT,
    // Starting Node + tsx takes seconds on a loaded machine (and up to 11 start at once here):
    // a safety net against a driver that never starts, not a speed requirement.
    helloTimeoutMs: 120_000,
  });
  // Validates each request and answer (seq is added and removed by the transport).
  const client: typeof driver = check === undefined ? driver : {
    ...driver,
    async request(req: Parameters<typeof driver.request>[0], o) {
      const file = req.type === "sdk.init" ? "sdk.init" : "sdk.call";
      check(`${file}.json`, { seq: 1, ...req });
      const res = await driver.request(req, o);
      check(res.ok ? `${file}.response.json` : "error.response.json", { seq: 1, ...res });
      return res;
    },
  };
  try {
    check?.("hello.json", driver.hello);
    const runner = new run.Runner({ checkTimeoutMs: 120_000 });
    await suite.runSdkApiSuite(client, runner);
    return runner.results;
  } finally {
    await driver.close();
  }
}

describe("conformance: black-box SDK profile", {
  skip: typeof window !== "undefined" && "needs a server runtime (subprocess and HTTP server)",
}, () => {
  it("our Node SDK, through the reference driver, passes every check; messages match the schemas", {
    timeout: 180_000,
  }, async () => {
    const { suite, support } = await load();
    const schemas = await schemaChecker();
    const results = await runProfile(undefined, schemas.check);
    assert.deepEqual(support.failing(results), [], support.explain(results));
    assert.deepEqual(
      results.map((r) => r.id).sort(),
      suite.sdkApiChecks().map((d) => d.id).sort(),
      "every check ran",
    );
    assert.ok(results.every((r) => r.status === "pass"), support.explain(results));
    assert.deepEqual(schemas.problems, [], "every message matches conformance/schemas");
  });

  it("has at least 8 broken SDKs, each naming known checks it must fail", {
    timeout: 120_000,
  }, async () => {
    const { mutants, suite } = await load();
    const ids = new Set(suite.sdkApiChecks().map((d) => d.id));
    assert.ok(Object.keys(mutants.SDK_API_MUTANTS).length >= 8);
    for (const [name, m] of Object.entries(mutants.SDK_API_MUTANTS)) {
      assert.ok(m.fails.length > 0 && m.fails.every((id) => ids.has(id)), name);
    }
  });

  it("each broken SDK fails exactly the checks it names (all at once, one driver each)", {
    timeout: 600_000,
  }, async () => {
    const { mutants, support } = await load();
    const names = Object.keys(mutants.SDK_API_MUTANTS);
    const verdict = async (name: string): Promise<string | null> => {
      const m = mutants.SDK_API_MUTANTS[name]!;
      const run = await runProfile(name);
      const got = support.failing(run);
      return JSON.stringify(got) === JSON.stringify([...m.fails].sort())
        ? null
        : `${name} (${m.description}): expected ${m.fails}, got ${got}\n${support.explain(run)}`;
    };
    // Some checks judge real time (a retry at least Retry-After after a 503): with every
    // mutant's driver at once on a loaded machine, a broken SDK can be late enough to look
    // right. A mutant judged wrongly is run again alone; it must be judged right within the
    // budget, so a suite that cannot tell it apart still fails here.
    const first = await Promise.all(names.map(verdict));
    const wrong: string[] = [];
    for (const [i, name] of names.entries()) {
      let why: string | null = first[i] ?? null;
      for (let again = 0; why !== null && again < 2; again++) why = await verdict(name);
      if (why !== null) wrong.push(why);
    }
    assert.deepEqual(wrong, []);
  });
});
