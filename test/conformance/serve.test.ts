// `device-session conformance service` against real `device-session serve` processes, as a third
// party runs it: against `serve --demo` (what `npm start` runs; its banner prints the command
// with both demo clients) every check runs and none is incomplete; against a normal-mode service
// the test-control routes do not exist, discovery does not name them, and the checks that need
// them are incomplete with exit code 3 — never passed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const DIR = "../../conformance/";
const SPAWN = "../server/support/cli-process.ts";

type Cli = typeof import("../../conformance/cli/main.ts");
type Suite = typeof import("../../conformance/service/suite.ts");
type Spawn = typeof import("../server/support/cli-process.ts");

interface Report {
  exitCode: number;
  summary: { total: Record<string, number> };
  toEnable: { enable: string; checks: string[] }[];
  checks: { id: string; status: string; level: string }[];
}

async function conformance(args: string[]): Promise<{ code: number; report: Report }> {
  const { conformanceMain } = await import(DIR + "cli/main.ts") as Cli;
  const out: string[] = [];
  const code = await conformanceMain([...args, "--report", "json", "--quiet"], {
    out: (l) => out.push(l),
    err: () => {},
  });
  return { code, report: JSON.parse(out.join("\n")) };
}

// The checks that need the test-control extension (SPEC Appendix A).
const TEST_MODE = [
  "svc.backend.user-facts",
  "svc.cors.origin",
  "svc.errors.rate-limited",
  "svc.jwks.retired-key",
  "svc.jwks.rotation",
  "svc.jwks.scheduled-rotation",
  "svc.proof.replay-late",
  "svc.secure.replay-late",
  "svc.session.absolute-end",
  "svc.session.idle-end",
  "svc.telemetry.expired-token",
  "svc.telemetry.facts",
  "svc.telemetry.retention",
];

describe("conformance service against device-session serve processes", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  it("serve --demo (npm start): the banner's command runs every check, none incomplete", async () => {
    const { spawnCli } = await import(SPAWN) as Spawn;
    const { serviceChecks } = await import(DIR + "service/suite.ts") as Suite;
    const p = await spawnCli(["serve", "--demo", "--port", "0", "--log", "off"]);
    try {
      await p.listening(/npx device-session conformance service .*--other-client-secret \S+/);
      const command = /npx device-session conformance service (.*)$/m.exec(p.stderr())![1]!;
      const { code, report } = await conformance(["service", ...command.trim().split(/\s+/)]);
      const notPassed = report.checks.filter((c) => c.status !== "pass");
      assert.deepEqual(notPassed, [], "every check passes");
      assert.equal(code, 0);
      assert.equal(report.summary.total.incomplete, 0);
      assert.deepEqual(
        report.checks.map((c) => c.id).sort(),
        serviceChecks().map((d) => d.id).sort(),
        "every service check ran",
      );
    } finally {
      p.kill();
      await p.exited;
    }
  });

  it("a normal-mode service: no test-control routes, not advertised; those checks incomplete, exit 3", async () => {
    const { spawnCli } = await import(SPAWN) as Spawn;
    const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "ds-conformance-normal-"));
    const config = join(dir, "config.json");
    const a = { id: "shop", secret: "normal-mode-secret-a-0123456789" };
    const b = { id: "other", secret: "normal-mode-secret-b-0123456789" };
    await writeFile(config, JSON.stringify({ clients: [a, b] }));
    const p = await spawnCli(["serve", "--config", config, "--port", "0", "--log", "off"]);
    try {
      const url = await p.listening(/discovery:/);
      const discovery = await (await fetch(`${url}/.well-known/device-session`)).json();
      assert.equal(discovery.test_control, undefined, "discovery names no test control");
      assert.doesNotMatch(p.stderr(), /test control/, "the banner names no test control");
      const token = await (await fetch(`${url}/v1/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=client_credentials&client_id=${a.id}&client_secret=${a.secret}`,
      })).json();
      const authorization = `Bearer ${token.access_token}`;
      for (
        const [method, path, body] of [
          ["POST", "/v1/test/clock", '{"advance_s":60}'],
          ["POST", "/v1/test/keys/rotate", "{}"],
          ["GET", "/v1/test/client", undefined],
          ["GET", "/v1/test/sessions/s_AAAAAAAAAAAAAAAAAAAAAA", undefined],
        ] as const
      ) {
        const res = await fetch(url + path, {
          method,
          headers: { authorization, "content-type": "application/json" },
          ...(body !== undefined ? { body } : {}),
        });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal((await res.json()).code, "ERR_NOT_FOUND", `${method} ${path}`);
      }
      const { code, report } = await conformance([
        "service",
        "--url",
        url,
        "--client-id",
        a.id,
        "--client-secret",
        a.secret,
        "--other-client-id",
        b.id,
        "--other-client-secret",
        b.secret,
        "--property-runs",
        "3",
      ]);
      assert.equal(code, 3, "incomplete, not green");
      const incomplete = report.checks.filter((c) => c.status === "incomplete").map((c) => c.id);
      assert.deepEqual(incomplete.sort(), TEST_MODE);
      assert.deepEqual(report.checks.filter((c) => c.status === "fail"), []);
      assert.match(report.toEnable[0]!.enable, /test-control extension \(SPEC Appendix A\)/);
      assert.deepEqual(report.toEnable[0]!.checks.sort(), TEST_MODE);
      const allowed = await conformance([
        "service",
        "--url",
        url,
        "--client-id",
        a.id,
        "--client-secret",
        a.secret,
        "--only",
        "svc.session.idle-end",
        "--allow-incomplete",
      ]);
      assert.equal(allowed.code, 0, "--allow-incomplete accepts it");
      assert.deepEqual(allowed.report.checks.map((c) => c.status), ["incomplete"]);
    } finally {
      p.kill();
      await p.exited;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
