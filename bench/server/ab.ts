/**
 * Two checkouts side by side: the service of this checkout and of `--base` (another checkout,
 * e.g. a `git worktree` of main), each behind its own `serve` adapter for the runtime (Node's
 * `http`, `Deno.serve`, `Bun.serve`: each checkout's own adapter) in a process of its own
 * (bench/server/side.ts),
 * driven in turn by a load generator each, case by case in short interleaved rounds (the order
 * flips every round). On a shared, noisy machine that is the fairest before/after: both see the
 * same load. Prints, per case and connection count, requests/s and p50/p99 of both, the
 * median per-round ratio this/base, and the server process's CPU time per request of each side
 * (only one side runs at a time, so it is that side's cost, whatever else the host runs) and their
 * median per-round ratio base/this (above 1: this checkout costs less).
 *
 *   node --import tsx bench/server/ab.ts --base=/tmp/main-checkout --ms=6000 --rounds=6
 *   deno run -A bench/server/ab.ts --base=… · bun bench/server/ab.ts --base=…
 *
 * Options: `--cases=a;b` (default: the budgeted cases and the adapter's hello world),
 * `--concurrency=1,10,100`, `--warmup-ms=1500` (per case and side, untimed, before the rounds),
 * `--prepared=20000` (single-use inputs each load generator mints).
 *
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import type { LoadResult } from "./loadgen.ts";
import { arg, runtime } from "./common.ts";
import { startSide } from "./side.ts";
import { median, startLoadgen } from "./loadgen-client.ts";

const BASE = resolve(arg("base", ""));
const MS = Number(arg("ms", "6000"));
const ROUNDS = Number(arg("rounds", "6"));
const CONCURRENCY = arg("concurrency", "1,10,100").split(",").map(Number);
const CASES = arg(
  "cases",
  "hello;telemetry, 20 events;trigger (session token);trigger (secure token)",
).split(";");

/** The service and hello world of the checkout at `root` in a process of their own, and a load generator prepared against it. */
async function side(root: string) {
  const server = startSide(root, "http");
  const { url, port, helloPort } = await server.ready;
  const gen = startLoadgen(url, [`--prepared=${arg("prepared", "20000")}`]);
  await gen.ready;
  return { server, port, helloPort, gen };
}

if (BASE === resolve("")) throw new Error("--base=<another checkout> is required");
const sides = { base: await side(BASE), this: await side(resolve(".")) };
type Run = LoadResult & { cpuUs: number };
const results = new Map<string, Run[]>();
// Warm up every case on both sides (JIT) before timing: the first slots ran 2× the CPU per
// request of the later ones.
for (const name of CASES) {
  for (const s of Object.values(sides)) {
    const port = name === "hello" ? s.helloPort : s.port;
    await s.gen.run({ port, case: name, ms: Number(arg("warmup-ms", "1500")), concurrency: 10 });
  }
}
for (let round = 0; round < ROUNDS; round++) {
  for (const c of CONCURRENCY) {
    for (const name of CASES) {
      const order = round % 2 ? (["this", "base"] as const) : (["base", "this"] as const);
      for (const who of order) {
        const s = sides[who];
        const port = name === "hello" ? s.helloPort : s.port;
        const cpu = (await s.server.ask({ cmd: "cpu" })).cpuUs;
        const r = await s.gen.run({ port, case: name, ms: MS / ROUNDS, concurrency: c });
        const used = (await s.server.ask({ cmd: "cpu" })).cpuUs - cpu;
        if (r.errors > 0) throw new Error(`${who} ${name}: ${r.errors} unexpected statuses`);
        const key = `${who}|${c}|${name}`;
        const run = { ...r, cpuUs: used / r.requests };
        results.set(key, [...(results.get(key) ?? []), run]);
      }
    }
  }
}
console.log(
  `# ${runtime}: this checkout vs ${BASE} (${ROUNDS} rounds, ${MS} ms per case and side)\n`,
);
console.log(
  "| c | case | base req/s · p50 / p99 ms | this req/s · p50 / p99 ms | this / base | CPU µs/req base · this | CPU base / this |",
);
console.log("|---:|---|---:|---:|---:|---:|---:|");
for (const c of CONCURRENCY) {
  for (const name of CASES) {
    const b = results.get(`base|${c}|${name}`)!;
    const t = results.get(`this|${c}|${name}`)!;
    const fig = (rs: Run[]) =>
      `${Math.round(median(rs.map((r) => r.rps)))} · ${median(rs.map((r) => r.p50)).toFixed(2)} / ${
        median(rs.map((r) => r.p99)).toFixed(2)
      }`;
    const ratio = median(t.map((r, i) => r.rps / b[i]!.rps));
    const cpu = (rs: Run[]) => median(rs.map((r) => r.cpuUs)).toFixed(1);
    const cpuRatio = median(t.map((r, i) => b[i]!.cpuUs / r.cpuUs));
    console.log(
      `| ${c} | ${name} | ${fig(b)} | ${fig(t)} | ${ratio.toFixed(2)} | ${cpu(b)} · ${cpu(t)} | ${
        cpuRatio.toFixed(2)
      } |`,
    );
  }
}
for (const s of Object.values(sides)) {
  s.gen.stop();
  s.server.stop();
}
process.exit(0);
