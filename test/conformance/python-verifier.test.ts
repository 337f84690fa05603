// The worked third-party example: a verifier driver in Python (conformance/examples/
// python-verifier/, written from SPEC.md with the standard library and python3-cryptography)
// passes every check of `conformance verifier`, through the CLI as a third party would run it.
// Without python3 or its cryptography module the test is skipped, except in CI (CI=true), where
// .ci/run installs them and a missing one is a failure.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

type Support = typeof import("./support.ts");
type Cli = typeof import("../../conformance/cli/main.ts");
type Suite = typeof import("../../conformance/verifier/suite.ts");

/** Why the example cannot run here, or `false`. */
async function missing(): Promise<string | false> {
  if (typeof window !== "undefined") return "needs a server runtime (a python3 subprocess)";
  const { spawnSync } = await import("node:child_process" + "");
  const r = spawnSync("python3", ["-c", "import cryptography"], { encoding: "utf8" });
  if (r.status === 0) return false;
  const why = r.error
    ? "python3 is not installed"
    : "the python3 cryptography module is missing (Debian: python3-cryptography)";
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env;
  if (env?.CI === "true") throw new Error(`CI must run the Python example: ${why}`);
  return `skipped: ${why}`;
}

const skip = await missing();

describe("conformance: the Python verifier example", { skip }, () => {
  it("passes every verifier check (device-session conformance verifier --cmd python3 …)", {
    timeout: 120_000,
  }, async () => {
    const support = await import("./support.ts" + "") as Support;
    const { conformanceMain } = await import("../../conformance/cli/main.ts" + "") as Cli;
    const { verifierCheckDefs } = await import(
      "../../conformance/verifier/suite.ts" + ""
    ) as Suite;
    const { mkdtemp, readFile, rm } = await import("node:fs/promises" + "");
    const { join } = await import("node:path" + "");
    const { tmpdir } = await import("node:os" + "");
    const dir = await mkdtemp(join(tmpdir(), "ds-pyver-"));
    const err: string[] = [];
    try {
      const cmd = `python3 "${support.ROOT}conformance/examples/python-verifier/driver.py"`;
      const code = await conformanceMain(
        ["verifier", "--cmd", cmd, "--report", "json", "--out", join(dir, "r.json"), "--quiet"],
        { out: () => {}, err: (l) => err.push(l) },
      );
      const report = JSON.parse(await readFile(join(dir, "r.json"), "utf8"));
      const bad = report.checks.filter((c: { status: string }) => c.status !== "pass");
      assert.deepEqual(bad, [], err.join("\n"));
      assert.equal(code, 0);
      assert.equal(report.implementation.name, "python-verifier (example)");
      assert.deepEqual(
        report.checks.map((c: { id: string }) => c.id).sort(),
        (await verifierCheckDefs()).map((d) => d.id).sort(),
        "every check ran",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
