/**
 * Service throughput as ratios to a bare hello-world handler on the same runtime, in one run
 * (DESIGN §7: "within a small factor of a bare hello-world handler"), and memory per idle
 * session in the memory store (budget ≤ 1 KB).
 *
 * 1. In-process: `service.fetch(Request)` called back to back (no network), against
 *    `(req) => new Response("hello")`, and a hono hello-world to show the router's share.
 * 2. Loopback HTTP (bench/server/http.ts): the service behind the runtime's `serve` adapter,
 *    driven by a keep-alive load generator in its own Node process at 1, 10 and 100
 *    connections, against a bare hello world of the runtime's own server (`node:http`,
 *    `Bun.serve`, `Deno.serve`): requests/s, p50/p99 latency; cache-miss cases rotate over more
 *    sessions than the verified-token cache holds.
 * 3. Memory: 100,000 idle sessions (session record, device record, one acknowledged batch of
 *    seqs) in the memory store, heap delta after GC.
 *
 * Run (expose GC for the memory figure):
 *   node --expose-gc --import tsx bench/server.ts
 *   deno run -A --v8-flags=--expose-gc bench/server.ts
 *   bun bench/server.ts
 * Options: --ms=1500 per case (split over --rounds=5 interleaved rounds; the median counts),
 * --concurrency=1,10,100, --sessions=100000, --only=inproc|http|memory, --json=<file> (the
 * ratios, budgets, ceilings and figures `npm run bench` reads).
 *
 * Server and load generator share 2 vCPUs here: absolute figures are noisy and pessimistic;
 * read the ratios, measured side by side.
 */
import process from "node:process";
import { Hono } from "hono";
import { arg, BASE, makeService, runtime } from "./server/common.ts";
import { http } from "./server/http.ts";
import { memory, memoryThroughService } from "./server/memory.ts";
import { type Req, scenarios } from "./server/scenarios.ts";

const MS = Number(arg("ms", "1500"));
const ROUNDS = Number(arg("rounds", "5"));
const SESSIONS = Number(arg("sessions", "100000"));
const ONLY = arg("only", "all");
const JSON_OUT = arg("json", "");

async function timed(ms: number, step: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await step();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1);
const request = (r: Req) =>
  new Request(BASE + r.path, { method: r.method, headers: r.headers, body: r.body ?? null });

/** In-process ratios: each case's ops/s over the bare hello world's, per round, median. */
async function inProcess(): Promise<Record<string, number>> {
  const service = await makeService(BASE);
  const cases = await scenarios(BASE, (r) => service.fetch(request(r)));
  const bare = (_req: Request) => new Response("hello");
  const hono = new Hono().get("/", (c) => c.text("hello"));
  const helloReq = () => new Request(`${BASE}/`);
  const all = [
    {
      name: "bare hello world",
      run: (ms: number) => timed(ms, async () => void (await bare(helloReq()).text())),
    },
    {
      name: "hono hello world",
      run: (ms: number) =>
        timed(ms, async () => void (await (await hono.fetch(helloReq())).text())),
    },
    ...cases.filter((c) => !c.floorOnly).map((c) => ({
      name: c.name,
      run: (ms: number) =>
        timed(ms, async () => {
          const r = await service.fetch(request(await c.next()));
          if (r.status !== c.expect) throw new Error(`${c.name}: ${r.status} ${await r.text()}`);
          await r.arrayBuffer();
        }),
    })),
  ];
  const samples = new Map<string, number[]>(all.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of all) samples.get(c.name)!.push(await c.run(MS / ROUNDS));
  }
  const hello = samples.get("bare hello world")!;
  console.log(`\n## in-process fetch(Request) → Response, one at a time (${runtime})\n`);
  console.log("| case | ops/s | µs/op | × bare hello world ops/s |");
  console.log("|---|---:|---:|---:|");
  const ratios: Record<string, number> = {};
  for (const c of all) {
    const xs = samples.get(c.name)!;
    const x = median(xs);
    const ratio = median(xs.map((v, i) => v / hello[i]!));
    if (c.name !== "bare hello world") ratios[`in-process ${c.name} / bare hello`] = ratio;
    console.log(`| ${c.name} | ${fmt(x)} | ${(1e6 / x).toFixed(1)} | ${ratio.toFixed(3)} |`);
  }
  await service.close();
  return ratios;
}

console.log(`# bench/server (${runtime}; ${MS} ms per case)`);
const report = {
  ratios: {} as Record<string, number>,
  budgets: {} as Record<string, number>,
  figures: {} as Record<string, number>,
  ceilings: {} as Record<string, string>,
};
if (ONLY === "all" || ONLY === "inproc") Object.assign(report.ratios, await inProcess());
if (ONLY === "all" || ONLY === "http") {
  const h = await http(Number(arg("http-ms", String(MS))), ROUNDS);
  Object.assign(report.ratios, h.ratios);
  Object.assign(report.budgets, h.budgets);
  Object.assign(report.figures, h.figures);
  Object.assign(report.ceilings, h.ceilings);
}
if (ONLY === "all" || ONLY === "memory") {
  const perSession = await memory(SESSIONS);
  if (perSession !== null) report.figures["memory store bytes per idle session"] = perSession;
  await memoryThroughService();
}
if (JSON_OUT !== "") {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(JSON_OUT, JSON.stringify({ runtime, ...report }, null, 2));
}
process.exit(0);
