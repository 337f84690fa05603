// The operator extensions from `device-session serve` (docs/operations.md): the config file's
// `metrics` and `console` members, checked (ERR_CONFIG on a bad one), and a real process
// serving /metrics on a separate port and the console on the public one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const T = { timeout: 120_000 };
const SECRET = "secret-of-client-a-0123456789";
const ALICE_TOKEN = "operator-alice-token-0123456789";

describe("serve: metrics and console options", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  const load = async (file: unknown) => {
    const { parseCli, resolveCliConfig } = await import("../../../adapters/server/cli/config.ts");
    return resolveCliConfig(
      parseCli(["serve", "--config", "/c.json"]),
      {},
      () => Promise.resolve(JSON.stringify(file)),
    );
  };

  it(
    "maps the file's snake_case members, and refuses unknown ones with ERR_CONFIG",
    T,
    async () => {
      const c = await load({
        clients: [{ id: "a", secret: SECRET }],
        metrics: { token_sha256: "a".repeat(64), port: 9464 },
        console: {
          enabled: true,
          operators: [{ id: "alice", client_id: "a", token_sha256: "b".repeat(64) }],
          backend_tokens: false,
          recent_decisions: 100,
        },
      });
      assert.deepEqual(c.metrics, { tokenSha256: "a".repeat(64), separate: true });
      assert.equal(c.metricsPort, 9464);
      assert.deepEqual(c.console, {
        operators: [{ id: "alice", clientId: "a", tokenSha256: "b".repeat(64) }],
        backendTokens: false,
        recentDecisions: 100,
      });
      const off = await load({
        clients: [{ id: "a", secret: SECRET }],
        console: { enabled: false },
      });
      assert.equal(off.console, null);
      assert.equal(off.metrics, null);
      await assert.rejects(load({ console: { enabled: true, operator: [] } }), {
        code: "ERR_CONFIG",
      });
      await assert.rejects(load({ metrics: { port: 70_000 } }), { code: "ERR_CONFIG" });
    },
  );

  it("createService refuses an operator of an unknown client, or a bad digest", T, async () => {
    const { createService } = await import("../../../adapters/server/mod.ts");
    const base = { publicUrl: "http://x.test", clients: [{ id: "a", secret: SECRET }] };
    for (
      const operators of [
        [{ id: "o", clientId: "zz", tokenSha256: "a".repeat(64) }],
        [{ id: "o", clientId: "a", tokenSha256: "short" }],
        [
          { id: "o", clientId: "a", tokenSha256: "a".repeat(64) },
          { id: "o", clientId: "a", tokenSha256: "b".repeat(64) },
        ],
      ]
    ) {
      await assert.rejects(createService({ ...base, log: null, console: { operators } }), {
        code: "ERR_CONFIG",
      });
    }
  });

  it("a serve process: /metrics on its own port, the console on the public one", T, async () => {
    const { spawnCli } = await import("../support/cli-process.ts");
    const { hashSecret } = await import("../../../adapters/server/clients.ts");
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "ds-operator-"));
    const file = join(dir, "config.json");
    await writeFile(
      file,
      JSON.stringify({
        port: 0,
        host: "127.0.0.1",
        clients: [{ id: "a", secret: SECRET }],
        metrics: { port: 0 },
        console: {
          enabled: true,
          operators: [{ id: "alice", client_id: "a", token_sha256: await hashSecret(ALICE_TOKEN) }],
        },
        log: "off",
      }),
    );
    const p = await spawnCli(["serve", "--config", file]);
    try {
      const base = await p.listening(/operator console/);
      const metricsUrl = /metrics \(separate port\):\s+(\S+)/.exec(p.stderr())![1]!;
      const onPublic = await fetch(`${base.replace(/\/$/, "")}/metrics`);
      assert.equal(onPublic.status, 404);
      await onPublic.body?.cancel();
      const health = await fetch(`${base.replace(/\/$/, "")}/healthz`);
      await health.body?.cancel();
      const scraped = await (await fetch(metricsUrl)).text();
      assert.match(
        scraped,
        /device_session_http_requests_total\{route="\/healthz",method="GET",status="200",code=""\} 1/,
      );
      const summary = await fetch(`${base.replace(/\/$/, "")}/console/api/summary`, {
        headers: { authorization: `Bearer ${ALICE_TOKEN}` },
      });
      assert.equal(summary.status, 200);
      assert.equal((await summary.json() as { client_id: string }).client_id, "a");
    } finally {
      p.kill();
      await p.exited;
    }
  });
});
