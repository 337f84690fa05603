/**
 * The Redis store, measured (ratios in one run, against a baseline measured in the same run):
 *
 * 1. Throughput over loopback HTTP (`device-session serve` processes on Node, driven by the
 *    raw-socket load generator of bench/server/loadgen.ts): telemetry ingest (20 events a batch)
 *    and secure-token consumption (`POST /v1/backend/actions` with a fresh secure token), for
 *    one process on the memory store, one process on Redis, and two processes (`--workers 2`)
 *    on Redis. Ratios are to the memory store.
 * 2. Redis memory: `INFO memory` `used_memory` delta over 100,000 idle sessions (the session
 *    hash; then with its device and one acknowledged batch of seqs) and over 100,000 consumed
 *    secure-token ids.
 *
 * Run: `node --import tsx bench/redis.ts [--ms=6000] [--rounds=5] [--sessions=100000]
 * [--only=http|memory]` (`--ms` per case and setup, split over the interleaved rounds).
 * Needs `redis-server` on PATH (started and stopped here, in a temporary directory).
 */
import process from "node:process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arg } from "./server/common.ts";
import { load, wire } from "./server/loadgen.ts";
import { scenarios } from "./server/scenarios.ts";
import { startRedis } from "../test/support/redis.ts";
import { spawnService } from "../test/support/service-process.ts";
import { connectRedis } from "../adapters/store/redis/mod.ts";
import { newSession } from "../core/service/session.ts";
import { newId } from "../adapters/server/ids.ts";

const MS = Number(arg("ms", "6000"));
const SESSIONS = Number(arg("sessions", "100000"));
const ONLY = arg("only", "all");
const CONCURRENCY = 32;
const ROUNDS = Number(arg("rounds", "5"));

async function throughput(): Promise<void> {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), "ds-bench-"));
  const config = join(dir, "bench.json");
  writeFileSync(
    config,
    JSON.stringify({
      clients: [{ id: "bench", secret: "bench-secret-0123456789", allowed_origins: ["*"] }],
      rate_limits: false,
      log: "off",
    }),
  );
  const setups = [
    { name: "memory, 1 process", args: [] as string[] },
    { name: "Redis, 1 process", args: ["--store", redis.url] },
    { name: "Redis, 2 processes", args: ["--store", redis.url, "--workers", "2"] },
  ];
  // All setups run side by side; measurement rounds interleave (a cold or noisy moment hits
  // every setup alike); the median of the rounds counts.
  const running = [];
  for (const s of setups) {
    const workers = s.args.includes("--workers") ? 2 : 1;
    const p = await spawnService("node", ["--config", config, "--port", "0", ...s.args]);
    for (let i = 0; (p.stderr().match(/listening on/g) ?? []).length < workers; i++) {
      if (i > 600) throw new Error(`${s.name}: workers did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const port = Number(new URL(p.url).port);
    const base = `http://localhost:${port}`;
    const cases = await scenarios(
      base,
      (r) => fetch(base + r.path, { ...r, body: r.body ?? null }),
    );
    const pick = (name: string) => {
      const c = cases.find((c) => c.name === name)!;
      return { ...c, next: async () => wire(await c.next()) };
    };
    running.push({
      name: s.name,
      p,
      port,
      telemetry: pick("telemetry, 20 events"),
      secure: pick("trigger (secure token)"),
      t: [] as number[],
      sec: [] as number[],
    });
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of running) {
      const t = await load(r.port, r.telemetry.next, 200, MS / ROUNDS, CONCURRENCY);
      const sec = await load(r.port, r.secure.next, 201, MS / ROUNDS, CONCURRENCY);
      if (t.errors + sec.errors > 0) console.error(`${r.name}: ${t.errors + sec.errors} errors`);
      r.t.push(t.rps);
      r.sec.push(sec.rps);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rows = running.map((r) => ({
    setup: r.name,
    telemetry: median(r.t),
    secure: median(r.sec),
  }));
  await Promise.all(running.map((r) => r.p.kill("SIGTERM")));
  await redis.dispose();
  const base = rows[0]!;
  console.log(
    "\n| req/s (ratio to memory, 1 process) | telemetry, 20 events | secure-token consume |",
  );
  console.log("|---|---:|---:|");
  for (const r of rows) {
    const f = (x: number, b: number) =>
      `${Math.round(x).toLocaleString("en")} (${(x / b).toFixed(2)}×)`;
    console.log(`| ${r.setup} | ${f(r.telemetry, base.telemetry)} | ${f(r.secure, base.secure)} |`);
  }
}

async function memory(): Promise<void> {
  const redis = await startRedis();
  const store = await connectRedis({ url: redis.url });
  const used = async () => Number(/used_memory:(\d+)/.exec(await redis.cli("info", "memory"))![1]);
  const inBatches = async (n: number, make: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) => make(i + k)));
    }
  };
  const now = Date.now();
  const nowS = Math.floor(now / 1000);
  const jkt = "k".repeat(43);
  const ids = Array.from({ length: SESSIONS }, () => ({ s: newId("s_"), d: newId("d_") }));
  const before = await used();
  await inBatches(SESSIONS, (i) =>
    store.createSession(
      newSession({
        id: ids[i]!.s,
        clientId: "shop",
        deviceId: ids[i]!.d,
        jkt,
        keyAssurance: "persistent-nonextractable",
        keyEvent: "none",
        keyChanged: false,
        userId: null,
        attributes: { platform: "browser" },
        now: nowS,
        absoluteS: 86400,
        idleS: 1800,
      }),
      now + 3_600_000,
    ));
  const sessionsOnly = await used();
  await inBatches(SESSIONS, async (i) => {
    await store.registerDevice({
      clientId: "shop",
      requestedId: null,
      freshId: ids[i]!.d,
      jkt,
      expiresAtMs: now + 3_600_000,
    });
    await store.appendEvents(
      ids[i]!.s,
      Array.from({ length: 20 }, (_, k) => k + 1),
      now + 3_600_000,
    );
  });
  const withDevice = await used();
  // Consumed ids on their own (an empty server), so the key table's growth is theirs alone.
  await redis.cli("flushall");
  const empty = await used();
  await inBatches(SESSIONS, () => store.consume("ds:svc:" + newId(), now + 3_600_000));
  const withJtis = await used();
  const per = (a: number, b: number) => ((b - a) / SESSIONS).toFixed(0);
  console.log(`\nRedis memory over ${SESSIONS.toLocaleString("en")} (used_memory delta / n):`);
  console.log(`  idle session (hash):                         ${per(before, sessionsOnly)} B`);
  console.log(`  + its device and one acknowledged batch:     ${per(before, withDevice)} B`);
  console.log(`  consumed secure-token jti:                   ${per(empty, withJtis)} B`);
  await store.close();
  await redis.dispose();
}

if (ONLY === "all" || ONLY === "memory") await memory();
if (ONLY === "all" || ONLY === "http") await throughput();
process.exit(0);
