// `device-session conformance` (conformance/README.md): list, usage errors and exit codes, the report formats,
// expectations (known failures and unexpected passes), and a run against our service over HTTP
// exactly as a third party would run it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const DIR = "../../conformance/";
const SUPPORT = "./support.ts";

type Cli = typeof import("../../conformance/cli/main.ts");
type Support = typeof import("./support.ts");

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { conformanceMain } = await import(DIR + "cli/main.ts") as Cli;
  const out: string[] = [], err: string[] = [];
  const code = await conformanceMain(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("conformance: the command line", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  it("lists every check with its level and SPEC section", async () => {
    const { code, out } = await cli(["list"]);
    assert.equal(code, 0);
    const rows = out.split("\n").map((l) => l.split("\t"));
    assert.ok(rows.length >= 190, `${rows.length} checks`);
    for (const [id, level, spec, title] of rows) {
      assert.match(id!, /^(svc|sdk|ver|api)\.[a-z0-9.-]+$/);
      assert.ok(level === "MUST" || level === "SHOULD", id);
      assert.match(spec!, /^§\d/, id);
      assert.ok(title, id);
    }
    assert.equal(new Set(rows.map((r) => r[0])).size, rows.length, "unique ids");
  });

  it("answers 2 on usage errors and on a driver that cannot start", async () => {
    assert.equal((await cli([])).code, 2);
    assert.equal((await cli(["nope"])).code, 2);
    assert.equal((await cli(["service", "--client-id", "a"])).code, 2);
    assert.equal((await cli(["sdk", "--report", "xml", "--cmd", "x"])).code, 2);
    assert.equal((await cli(["sdk", "--bogus"])).code, 2);
    const r = await cli(["verifier", "--cmd", "exit 3", "--timeout", "2000"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot reach the verifier driver/);
  });

  it("reports JSON and TAP; known failures pass the run, unexpected passes are shown", async () => {
    const support = await import(SUPPORT) as Support;
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const cmd = support.driverCmd("conformance/drivers/verifier-driver.ts", "--mutant alg-none");
    const only = ["--only", "ver.session", "--only", "ver.proof.alg-none"];

    const plain = await cli(["verifier", "--cmd", cmd, ...only, "--report", "json", "--quiet"]);
    assert.equal(plain.code, 1, "the broken verifier fails MUST checks");
    const report = JSON.parse(plain.out);
    assert.equal(report.format, "ds-conformance-report/1");
    assert.equal(report.exitCode, 1);
    assert.equal(report.implementation.name, "device-session/verify (mutant alg-none)");
    const failed = report.checks.filter((c: { status: string }) => c.status === "fail")
      .map((c: { id: string }) => c.id).sort();
    assert.deepEqual(failed, [
      "ver.proof.alg-none",
      "ver.session.alg-none",
      "ver.session.typ-confusion",
    ]);

    const dir = await mkdtemp(join(tmpdir(), "ds-conformance-"));
    const file = join(dir, "expect.json");
    await writeFile(
      file,
      JSON.stringify({
        format: "ds-conformance-expect/1",
        expectedFailures: [
          { id: "ver.session.alg-none", reason: "known: alg none slips through" },
          { id: "ver.session.typ-confusion", reason: "same bug, typ checked after alg" },
          { id: "ver.proof.alg-none", reason: "same bug in proofs" },
          { id: "ver.session.valid", reason: "we thought this failed" },
          { id: "ver.no-such-check", reason: "typo" },
        ],
      }),
    );
    const tap = await cli(["verifier", "--cmd", cmd, ...only, "--expect", file, "--report", "tap"]);
    assert.equal(tap.code, 0, "every failure is expected");
    const lines = tap.out.split("\n");
    assert.equal(lines[0], "TAP version 13");
    assert.match(lines[1]!, /^1\.\.\d+$/);
    assert.ok(
      lines.some((l) => /^not ok \d+ - ver\.session\.alg-none .*# TODO known failure/.test(l)),
    );
    assert.ok(lines.some((l) => /^ok \d+ - ver\.session\.valid .*# TODO expected to fail/.test(l)));
    assert.match(tap.err, /names no check ver\.no-such-check/);
    assert.match(tap.err, /xpass/, "the summary table shows unexpected passes");
  });

  it("runs the service target over HTTP against our service on loopback", async () => {
    const support = await import(SUPPORT) as Support;
    const started = await support.onLoopback();
    try {
      const r = await cli([
        "service",
        "--url",
        started.target.url,
        "--client-id",
        support.CLIENT_A.id,
        "--client-secret",
        support.CLIENT_A.secret,
        "--other-client-id",
        support.CLIENT_B.id,
        "--other-client-secret",
        support.CLIENT_B.secret,
        "--property-runs",
        "3",
      ]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /every MUST check passed/);
      assert.match(r.out, /^svc\.secure +\d+ +0 +0 +0/m, "the summary table has a row per area");
      assert.match(r.err, /✓ svc\.config\.shape/, "progress lines");
      assert.match(r.err, /✓ svc\.session\.idle-end/, "test-control checks ran");
    } finally {
      await started.close();
    }
  });
});
