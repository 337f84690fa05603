// The JSON Schemas of the harness protocol (conformance/schemas) describe what actually flows:
// every hello, request and response of a full SDK run and a full verifier run against our
// reference drivers validates against them, and so do a JSON report and an expectations file.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const DIR = "../../conformance/";

type Local = typeof import("../../conformance/harness/local.ts");
type Run = typeof import("../../conformance/core/run.ts");
type Report = typeof import("../../conformance/core/report.ts");
type Sdk = typeof import("../../conformance/sdk/suite.ts");
type Ver = typeof import("../../conformance/verifier/suite.ts");
type SdkDriver = typeof import("../../conformance/drivers/sdk-handler.ts");
type VerDriver = typeof import("../../conformance/drivers/verifier-handler.ts");
type Validator = typeof import("./json-schema.ts");

describe("conformance: harness JSON Schemas", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  async function setup() {
    const { readFileSync } = await import("node:fs");
    const dir = new URL("../../conformance/schemas/", import.meta.url);
    const load = (f: string) => JSON.parse(readFileSync(new URL(f, dir), "utf8"));
    const v = await import("./json-schema.ts" + "") as Validator;
    const cache = new Map<string, Record<string, unknown>>();
    const cached = (f: string) => cache.get(f) ?? (cache.set(f, load(f)), cache.get(f)!);
    // Collected, not thrown: a throw inside a driver handler would only fail one suite check.
    const problems: string[] = [];
    const check = (file: string, value: unknown) => {
      for (const p of v.validate(value, cached(file), cached)) {
        if (problems.length < 10) {
          problems.push(`${file}: ${p} in ${JSON.stringify(value).slice(0, 200)}`);
        }
      }
    };
    const done = () => assert.deepEqual(problems, []);
    return { check, done, local: await import(DIR + "harness/local.ts") as Local };
  }

  /** A driver handler that validates each request and response against its schema. */
  function validating(
    check: (file: string, value: unknown) => void,
    handle: (r: Record<string, unknown>) => Promise<Record<string, unknown>>,
    seen: Set<string>,
  ) {
    return async (req: Record<string, unknown>) => {
      const type = String(req.type);
      check(`${type}.json`, req);
      const res = await handle(req);
      const file = res.ok === false
        ? "error.response.json"
        : type === "shutdown" || type === "machine.dispose"
        ? "ok.response.json"
        : `${type}.response.json`;
      check(file, res);
      seen.add(file);
      seen.add(`${type}.json`);
      return res;
    };
  }

  it("a full SDK run: hello, machine.create/step/dispose and their answers", async () => {
    const { check, done, local } = await setup();
    const { createSdkDriver } = await import(DIR + "drivers/sdk-handler.ts") as SdkDriver;
    const { runSdkSuite } = await import(DIR + "sdk/suite.ts") as Sdk;
    const { Runner } = await import(DIR + "core/run.ts") as Run;
    const d = createSdkDriver();
    check("hello.json", d.hello);
    const seen = new Set<string>();
    // The trace vectors exercise every input and effect type; the rest adds little here.
    const run = new Runner({ only: ["sdk.options", "sdk.lifecycle", "sdk.secure", "sdk.trace"] });
    await runSdkSuite(local.localDriver(d.hello, validating(check, d.handle, seen)), run);
    for (const f of ["machine.create.json", "machine.step.response.json", "error.response.json"]) {
      assert.ok(seen.has(f), `${f} was exercised`);
    }
    const { jsonReport } = await import(DIR + "core/report.ts") as Report;
    check(
      "report.json",
      JSON.parse(JSON.stringify(jsonReport(run.results, {
        target: "sdk",
        subject: "in-process",
        implementation: d.hello.implementation!,
        startedAt: new Date().toISOString(),
        durationMs: 1,
      }))),
    );
    done();
  });

  it("an incomplete run's JSON report (exit 3, toEnable, enable) validates; a report of the wrong shape does not", async () => {
    const { check, done } = await setup();
    const { Runner } = await import(DIR + "core/run.ts") as Run;
    const { jsonReport } = await import(DIR + "core/report.ts") as Report;
    const { defineChecks } = await import(
      DIR + "core/check.ts"
    ) as typeof import("../../conformance/core/check.ts");
    const C = defineChecks({
      "svc.x.ran": ["MUST", "§1", "ran"],
      "svc.x.needs-control": ["MUST", "§2", "needs control"],
    });
    const run = new Runner();
    await run.check(C["svc.x.ran"], () => {});
    run.skip(C["svc.x.needs-control"], "no test control", { enable: "test control" });
    const info = { target: "service" as const, subject: "x", startedAt: "", durationMs: 1 };
    const report = JSON.parse(JSON.stringify(jsonReport(run.results, info)));
    assert.equal(report.exitCode, 3);
    check("report.json", report);
    done();
    const { check: strict, done: rejects } = await setup();
    strict("report.json", { ...report, exitCode: 2, toEnable: undefined });
    assert.throws(rejects, "exit code 2 and no toEnable are not a report");
  });

  it("a full verifier run: verify and thumbprint requests and their answers", async () => {
    const { check, done, local } = await setup();
    const { createVerifierDriver } = await import(DIR + "drivers/verifier-handler.ts") as VerDriver;
    const { runVerifierSuite } = await import(DIR + "verifier/suite.ts") as Ver;
    const { Runner } = await import(DIR + "core/run.ts") as Run;
    const d = createVerifierDriver();
    check("hello.json", d.hello);
    const seen = new Set<string>();
    await runVerifierSuite(
      local.localDriver(d.hello, validating(check, d.handle, seen)),
      new Runner(),
    );
    for (const f of ["verify.response.json", "thumbprint.response.json"]) assert.ok(seen.has(f), f);
    done();
  });

  it("describes the expectations file", async () => {
    const { check, done } = await setup();
    check("expect.json", {
      format: "ds-conformance-expect/1",
      expectedFailures: [{ id: "svc.telemetry.*", reason: "not done yet" }],
    });
    done();
  });
});
