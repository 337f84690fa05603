/**
 * Service throughput as ratios to a bare hello-world handler on the same runtime, in one run
 * (DESIGN §7: "within a small factor of a bare hello-world handler"), and memory per idle
 * session in the memory store (budget ≤ 1 KB).
 *
 * 1. In-process: `service.fetch(Request)` called back to back (no network), against
 *    `(req) => new Response("hello")`, and a hono hello-world to show the router's share.
 * 2. Loopback HTTP: the runtime's own server (node:http, Deno.serve or Bun.serve) driven by a
 *    keep-alive HTTP/1.1 load generator on raw sockets in the same process (`--concurrency`
 *    connections), against a hello-world server of the same kind: requests/s, p50/p99 latency.
 * 3. Memory: 100,000 idle sessions (session record, device record, one acknowledged batch of
 *    seqs) in the memory store, heap delta after GC.
 *
 * Run (expose GC for the memory figure):
 *   node --expose-gc --import tsx bench/server.ts
 *   deno run -A --v8-flags=--expose-gc bench/server.ts
 *   bun bench/server.ts
 * Options: --ms=1500 per case (split over --rounds=5 interleaved rounds; the median counts),
 * --concurrency=32, --sessions=100000, --only=inproc|http|memory
 *
 * The load generator shares the CPUs with the server (a shared 2-vCPU VM here): absolute
 * figures are noisy and pessimistic; read the ratios, measured side by side.
 */
import process from "node:process";
import { Hono } from "hono";
import type { Service } from "../server.ts";
import { arg, BASE, makeService, runtime, serveFn } from "./server/common.ts";
import { load } from "./server/load.ts";
import { memory, memoryThroughService } from "./server/memory.ts";
import { scenarios } from "./server/scenarios.ts";

const MS = Number(arg("ms", "1500"));
const ROUNDS = Number(arg("rounds", "5"));
const CONCURRENCY = Number(arg("concurrency", "32"));
const SESSIONS = Number(arg("sessions", "100000"));
const ONLY = arg("only", "all");

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

/** Runs every case for MS / ROUNDS in each of ROUNDS rounds, interleaved; medians. */
async function interleaved<R>(
  cases: readonly { name: string; run: (ms: number) => Promise<R> }[],
  score: (r: R) => number,
): Promise<Map<string, R>> {
  const results = new Map<string, R[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) results.get(c.name)!.push(await c.run(MS / ROUNDS));
  }
  return new Map([...results].map(([name, rs]) => {
    const m = median(rs.map(score));
    return [name, rs.find((r) => score(r) === m)!];
  }));
}

const fmt = (x: number) => x >= 100 ? Math.round(x).toLocaleString("en-US") : x.toFixed(1);

async function inProcess(): Promise<void> {
  const service = await makeService(BASE);
  const cases = await scenarios(service, BASE);
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
    ...cases.map((c) => ({
      name: c.name,
      run: (ms: number) =>
        timed(ms, async () => {
          const r = await service.fetch(await c.next());
          if (r.status !== c.expect) throw new Error(`${c.name}: ${r.status} ${await r.text()}`);
          await r.arrayBuffer();
        }),
    })),
  ];
  const ops = await interleaved(all, (x) => x);
  const hello = ops.get("bare hello world")!;
  console.log(`\n## in-process fetch(Request) → Response, one at a time (${runtime})\n`);
  console.log("| case | ops/s | µs/op | slowdown vs bare hello world |");
  console.log("|---|---:|---:|---:|");
  for (const c of all) {
    const x = ops.get(c.name)!;
    console.log(`| ${c.name} | ${fmt(x)} | ${(1e6 / x).toFixed(1)} | ${(hello / x).toFixed(1)}× |`);
  }
  await service.close();
}

async function http(): Promise<void> {
  const serve = await serveFn();
  const hello = await serve({ port: 0, fetch: () => new Response("hello") });
  let service: Service | null = null;
  const server = await serve({ port: 0, fetch: (req, info) => service!.fetch(req, info) });
  const base = `http://localhost:${server.port}`;
  service = await makeService(base);
  const cases = await scenarios(service, base);
  const all = [
    {
      name: "hello world (same server kind)",
      run: (ms: number) => load(hello.port, () => new Request(`${base}/`), 200, ms, CONCURRENCY),
    },
    ...cases.map((c) => ({
      name: c.name,
      run: (ms: number) => load(server.port, c.next, c.expect, ms, CONCURRENCY),
    })),
  ];
  const results = await interleaved(all, (r) => r.rps);
  const h = results.get(all[0]!.name)!;
  console.log(
    `\n## loopback HTTP/1.1 keep-alive, ${CONCURRENCY} connections, load generator in the same process (${runtime})\n`,
  );
  console.log("| case | req/s | p50 ms | p99 ms | slowdown vs hello world |");
  console.log("|---|---:|---:|---:|---:|");
  for (const c of all) {
    const r = results.get(c.name)!;
    console.log(
      `| ${c.name} | ${fmt(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${
        (h.rps / r.rps).toFixed(1)
      }× |${r.errors ? ` ${r.errors} unexpected statuses` : ""}`,
    );
  }
  await server.shutdown(2000);
  await hello.shutdown(2000);
  await service.close();
}

console.log(`# bench/server (${runtime}; ${MS} ms per case)`);
if (ONLY === "all" || ONLY === "inproc") await inProcess();
if (ONLY === "all" || ONLY === "http") await http();
if (ONLY === "all" || ONLY === "memory") {
  await memory(SESSIONS);
  await memoryThroughService();
}
process.exit(0);
