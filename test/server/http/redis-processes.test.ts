// Many service processes, one system: three `device-session serve` processes — one each on
// Node, Deno and Bun — on one Redis (and on a 3-node Redis Cluster). A session created on one
// is refreshed on another, telemetry round-robin is stored once, the backend works on any of
// them, all serve the same JWKS; one secure token presented 300 times at once over the three
// processes and both endpoints that consume it is accepted exactly once; a kill -9 and restart
// loses nothing; Redis stopped under load answers only 503 + Retry-After and the processes
// recover by themselves.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Harness } from "../support/harness.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (processes, redis-server)";
const redisSupport = BROWSER ? null : await import("../../support/redis.ts");
const SKIP = BROWSER || redisSupport!.redisSkip();
const T = { timeout: 180_000 };
const PUBLIC = "http://ds.test"; // the issuer every instance shares (a load balancer's URL)
const RUNTIMES = ["node", "deno", "bun"] as const;

type Proc = import("../../support/service-process.ts").ServiceProcess;

/** Three processes on `storeUrl`; requests go where `target` says (a load balancer by hand). */
async function fleet(storeUrl: string, extra: readonly string[] = []) {
  const { spawnService } = await import("../../support/service-process.ts");
  const m = await import("../support/harness.ts");
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "ds-fleet-"));
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      clients: [
        { id: "a", secret: m.SECRET_A, allowed_origins: ["*"] },
      ],
      rate_limits: false,
      log: "off",
    }),
  );
  const args = [
    "--config",
    config,
    "--port",
    "0",
    "--public-url",
    PUBLIC,
    "--store",
    storeUrl,
    // A reply later than this is a fault (503): a safety net here, generous because a loaded
    // machine delays replies by seconds; the stop below fails commands at once anyway.
    "--store-timeout-ms",
    "30000",
    ...extra,
  ];
  const env = { DEVICE_SESSION_NONCE_SECRET: "a-nonce-secret-shared-by-the-fleet" };
  const procs: Proc[] = await Promise.all(RUNTIMES.map((r) => spawnService(r, args, env)));
  let target = 0;
  const lb = {
    url: PUBLIC,
    nowS: () => Math.floor(Date.now() / 1000),
    nowMs: Date.now,
    fetch: (path: string, init?: RequestInit) => fetch(procs[target]!.url + path, init),
  } as unknown as Harness;
  return {
    procs,
    lb,
    /** Sends the next requests to process `i`. */
    use(i: number) {
      target = i;
    },
    /** `fetch` on process `i`. */
    on: (i: number, path: string, init?: RequestInit) => fetch(procs[i]!.url + path, init),
    async restart(i: number) {
      await procs[i]!.kill("SIGKILL");
      procs[i] = await spawnService(RUNTIMES[i]!, args, env);
    },
    async close() {
      await Promise.all(procs.map((p) => p.kill("SIGTERM")));
    },
    m,
  };
}

type Fleet = Awaited<ReturnType<typeof fleet>>;

/** Presents one secure token `n` times at once over every process and both consuming endpoints. */
async function presentConcurrently(f: Fleet, n: number) {
  const d = await f.m.Device.create(f.lb);
  f.use(0);
  await d.createSession();
  const backend = await f.m.Backend.create(f.lb);
  const secure = await d.secure("login");
  const answers = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const clear = i % 2 === 1;
      const r = await f.on(i % 3, clear ? "/v1/backend/users/clear" : "/v1/backend/actions", {
        method: "POST",
        headers: { authorization: `Bearer ${backend.token}`, "content-type": "application/json" },
        body: JSON.stringify(
          clear
            ? { secured_session_token: secure, action_type: "login" }
            : { action_type: "login", secured_session_token: secure },
        ),
      });
      return { status: r.status, code: ((await r.json()) as { code?: string }).code };
    }),
  );
  return { answers, secure, backend, device: d };
}

describe("three processes (Node, Deno, Bun) on one Redis", { skip: SKIP }, () => {
  let redis: Awaited<ReturnType<NonNullable<typeof redisSupport>["startRedis"]>>;
  let f: Fleet;
  before(async () => {
    redis = await redisSupport!.startRedis({ persist: true });
    f = await fleet(redis.url, ["--events-max-len", "100000"]);
  }, T);
  after(async () => {
    await f?.close();
    await redis?.dispose();
  });

  it(
    "one system: create on one, refresh on another, telemetry round-robin stored once, backend anywhere, one JWKS",
    T,
    async () => {
      const d = await f.m.Device.create(f.lb);
      f.use(0);
      await d.createSession();
      f.use(1);
      assert.equal((await d.refreshRaw()).status, 200, "refreshed on another process");
      // Ten batches of interactions, round-robin, each also retried on the next process.
      for (let b = 0; b < 10; b++) {
        const events = [1, 2, 3].map((k) => f.m.ev(b * 3 + k, "interaction", { kind: "click" }));
        for (const i of [b % 3, (b + 1) % 3]) {
          f.use(i);
          const r = await f.m.read(await d.telemetry(events));
          assert.equal(r.status, 200, JSON.stringify(r.json));
          assert.equal(r.json.acked_seq, b * 3 + 3);
        }
      }
      const stored = await redis.cli("hget", `ds:{s:${d.sessionId}}`, "n");
      assert.equal(stored.trim(), "30", "30 interactions counted once each, not 60");
      // Each acknowledged event is in the client's stream exactly once.
      const lines = (await redis.cli("xrange", "ds:ev:a", "-", "+")).trim().split("\n");
      const mine = lines.flatMap((l, i) =>
        l === "sid" && lines[i + 1] === d.sessionId ? [Number(lines[i + 3])] : []
      );
      assert.deepEqual(mine, Array.from({ length: 30 }, (_, i) => i + 1));
      // An operator tails the stream with the CLI.
      const { spawn } = await import("node:child_process");
      const { fileURLToPath } = await import("node:url");
      const tail = spawn("node", [
        fileURLToPath(new URL("../../../bin/device-session.mjs", import.meta.url)),
        "tail",
        "--store",
        redis.url,
        "--client",
        "a",
        "--from",
        "0",
      ], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      await new Promise<void>((resolve) => {
        tail.stdout!.on("data", (b: Uint8Array) => {
          out += new TextDecoder().decode(b);
          if (out.split("\n").filter((l) => l.includes(d.sessionId)).length >= 30) resolve();
        });
      });
      const exited = new Promise((r) => tail.on("exit", r));
      tail.kill("SIGTERM");
      await exited;
      const first = JSON.parse(out.split("\n").find((l) => l.includes(d.sessionId))!);
      assert.equal(first.session_id, d.sessionId);
      assert.equal(first.event.seq, 1);
      assert.equal(first.event.type, "interaction");
      const backend = await f.m.Backend.create(f.lb);
      f.use(2);
      const action = await backend.trigger({ action_type: "login", session_token: d.sessionToken });
      assert.equal(action.status, 201, JSON.stringify(action.json));
      f.use(0);
      const rec = await backend.recommendation(action.json.action_token as string);
      assert.equal(rec.status, 200, JSON.stringify(rec.json));
      assert.equal((rec.json.context as { action_id: string }).action_id, action.json.action_id);
      const jwks = await Promise.all(
        [0, 1, 2].map(async (i) => (await f.on(i, "/.well-known/jwks.json")).text()),
      );
      assert.equal(new Set(jwks).size, 1, "every process serves the same JWKS");
    },
  );

  it(
    "exactly once: 300 concurrent presentations of one secure token over 3 processes and 2 endpoints",
    T,
    async () => {
      const { answers } = await presentConcurrently(f, 300);
      assert.equal(answers.filter((a) => a.status < 300).length, 1);
      for (const a of answers) if (a.status >= 300) assert.equal(a.code, "ERR_REPLAYED");
    },
  );

  it(
    "kill -9 and restart: sessions, rules and consumed ids survive; a consumed token stays ERR_REPLAYED",
    T,
    async () => {
      const { secure, backend, device } = await presentConcurrently(f, 3);
      f.use(1);
      const rule = await f.m.read(
        await backend.call("POST", "/v1/backend/rules", {
          name: "deny withdrawals",
          priority: 7,
          enabled: true,
          mode: "production",
          match: { action_types: ["withdraw"] },
          recommendation: "DENY",
        }),
      );
      assert.equal(rule.status, 201, JSON.stringify(rule.json));
      // A batch acknowledged by process 1 just before its kill -9, retried by the device.
      const batch = [1, 2, 3].map((k) => f.m.ev(k, "interaction", { kind: "click" }));
      f.use(1);
      assert.equal((await device.telemetry(batch)).status, 200);
      await f.restart(1);
      f.use(0);
      const retried = await f.m.read(await device.telemetry(batch));
      assert.equal(retried.json.acked_seq, 3);
      assert.equal(
        (await redis.cli("hget", `ds:{s:${device.sessionId}}`, "n")).trim(),
        "3",
        "the retried batch was deduplicated",
      );
      f.use(1);
      const replay = await f.m.read(
        await backend.call("POST", "/v1/backend/actions", {
          action_type: "login",
          secured_session_token: secure,
        }),
      );
      assert.equal(replay.json.code, "ERR_REPLAYED");
      assert.equal((await device.refreshRaw()).status, 200, "the session survived");
      const rules = await f.m.read(await backend.call("GET", "/v1/backend/rules"));
      assert.equal((rules.json.rules as unknown[]).length, 1, "the rule survived");
      const jwks = await Promise.all(
        [0, 1, 2].map(async (i) => (await f.on(i, "/.well-known/jwks.json")).text()),
      );
      assert.equal(new Set(jwks).size, 1, "the restarted process took the shared keys");
    },
  );

  it(
    "Redis stopped under load: only 503 + Retry-After, no token accepted twice; recovery without restart",
    T,
    async () => {
      const d = await f.m.Device.create(f.lb);
      f.use(0);
      await d.createSession();
      const backend = await f.m.Backend.create(f.lb);
      const tokens = await Promise.all(Array.from({ length: 20 }, () => d.secure("login")));
      const accepted = new Map<string, number>();
      const statuses = new Map<number, number>();
      let stopped = false;
      const load = (async () => {
        for (let round = 0; round < 40; round++) {
          await Promise.all(tokens.map(async (t, i) => {
            const r = await f.on((i + round) % 3, "/v1/backend/actions", {
              method: "POST",
              headers: {
                authorization: `Bearer ${backend.token}`,
                "content-type": "application/json",
              },
              body: JSON.stringify({ action_type: "login", secured_session_token: t }),
            });
            const body = (await r.json()) as { code?: string };
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            if (r.status === 201) accepted.set(t, (accepted.get(t) ?? 0) + 1);
            else if (r.status === 503) {
              assert.equal(body.code, "ERR_UNAVAILABLE");
              assert.equal(r.headers.get("retry-after"), "1");
            } else {
              assert.equal(
                body.code,
                "ERR_REPLAYED",
                `round ${round}: ${r.status} ${JSON.stringify(body)}`,
              );
            }
          }));
          if (round === 5) {
            await redis.stop();
            stopped = true;
          }
          if (round === 15) await redis.start();
        }
      })();
      await load;
      assert.ok(stopped);
      assert.ok((statuses.get(503) ?? 0) > 0, "Redis down was noticed");
      for (const [t, n] of accepted) assert.equal(n, 1, `token ${t.slice(-8)} accepted ${n} times`);
      // Recovered by itself: every process is ready and serves again.
      // Polled until ready, however long reconnecting takes here (the test's timeout bounds it).
      for (const i of [0, 1, 2]) await redisSupport!.untilReady((path) => f.on(i, path));
      f.use(2);
      assert.equal((await d.refreshRaw()).status, 200);
      for (const p of f.procs) assert.doesNotMatch(p.stderr(), /unexpected failure|uncaught/i);
    },
  );
});

describe("three processes on a 3-node Redis Cluster", { skip: SKIP }, () => {
  it("exactly once: 300 concurrent presentations of one secure token", T, async () => {
    const cluster = await redisSupport!.startRedisCluster();
    const f = await fleet(cluster.url);
    try {
      const { answers } = await presentConcurrently(f, 300);
      assert.equal(answers.filter((a) => a.status < 300).length, 1);
      for (const a of answers) if (a.status >= 300) assert.equal(a.code, "ERR_REPLAYED");
    } finally {
      await f.close();
      await cluster.dispose();
    }
  });
});

describe("serve --workers 2 on one Redis (this runtime)", { skip: SKIP }, () => {
  it("two worker processes serve one port as one system; SIGTERM stops them all", T, async () => {
    const redis = await redisSupport!.startRedis();
    const { spawnService } = await import("../../support/service-process.ts");
    const m = await import("../support/harness.ts");
    const g = globalThis as { Deno?: unknown; Bun?: unknown };
    const runtime = g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "node";
    const p = await spawnService(runtime, [
      "--demo",
      "--port",
      "0",
      "--workers",
      "2",
      "--public-url",
      PUBLIC,
      "--store",
      redis.url,
      "--log",
      "off",
    ]);
    try {
      await p.stderrMatches(/listening on[^]*listening on/); // both workers
      assert.match(p.stderr(), /supervising 2 workers on port \d+/);
      const lb = {
        url: PUBLIC,
        nowS: () => Math.floor(Date.now() / 1000),
        nowMs: Date.now,
        // A new connection per request, so the kernel spreads them over both workers.
        fetch: (path: string, init?: RequestInit) =>
          fetch(p.url + path, {
            ...init,
            headers: { ...init?.headers as Record<string, string>, connection: "close" },
          }),
      } as unknown as Harness;
      const d = await m.Device.create(lb, "demo");
      await d.createSession();
      for (let i = 0; i < 10; i++) assert.equal((await d.refreshRaw()).status, 200);
    } finally {
      await p.kill("SIGTERM");
      await redis.dispose();
    }
    await assert.rejects(fetch(`${p.url}/healthz`), "every worker stopped with the supervisor");
  });
});
