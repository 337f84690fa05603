/**
 * Loopback HTTP: the service behind the runtime's `serve` adapter, driven by the load generator
 * in its own Node process (bench/server/loadgen.ts), against a bare hello world of the runtime's
 * own server (`node:http`, `Bun.serve`, `Deno.serve`: no adapter, no `Request`) and a hello
 * world through our adapter. Each case runs at 1, 10 and 100 keep-alive connections, in
 * interleaved rounds; per case the median round counts. Beside throughput, the server process's
 * CPU time per request (`process.cpuUsage`): on a host shared with other work, throughput moves
 * with whatever else runs, while CPU per request is the server's own cost. Each budgeted case
 * also runs against its floor (bench/server/floor.ts): a bare handler doing only the work no
 * service can skip, whose ratio is the ceiling of the case's.
 *
 * @module
 */
import process from "node:process";
import type { Service } from "../../server.ts";
import { arg, makeService, serveFn } from "./common.ts";
import { bareServer } from "./floor.ts";
import type { LoadResult } from "./loadgen.ts";
import { median, startLoadgen } from "./loadgen-client.ts";
import { MISS_SESSIONS } from "./scenarios.ts";

const CONCURRENCY = arg("concurrency", "1,10,100").split(",").map(Number);

/** The cases with a budget: throughput ≥ 0.4 × the bare hello world (≤ 2.5× slower). */
export const BUDGETED = [
  "telemetry, 20 events",
  "trigger (session token)",
  "trigger (secure token)",
];
const CASES = [
  "adapter hello world",
  ...BUDGETED,
  "telemetry, cache miss",
  "trigger (session token), cache miss",
];

/** Ratios (throughput / bare hello world) and latency figures, per concurrency. */
export async function http(ms: number, rounds: number): Promise<{
  ratios: Record<string, number>;
  budgets: Record<string, number>;
  figures: Record<string, number>;
  ceilings: Record<string, string>;
}> {
  const serve = await serveFn();
  const bare = await bareServer("hello");
  const floor = await bareServer("floor");
  const hello = await serve({ port: 0, fetch: () => new Response("hello") });
  let service: Service | null = null;
  const server = await serve({ port: 0, fetch: (req, info) => service!.fetch(req, info) });
  service = await makeService(server.url);
  const gen = startLoadgen(server.url, [
    `--sessions=${arg("miss-sessions", String(MISS_SESSIONS))}`,
    `--prepared=${arg("prepared", "30000")}`,
  ]);
  await gen.ready;
  const slots = CONCURRENCY.flatMap((c) => [
    { key: `c=${c} bare hello world`, port: bare.port, case: "hello", concurrency: c },
    { key: `c=${c} adapter hello world`, port: hello.port, case: "hello", concurrency: c },
    ...CASES.slice(1).map((name) => ({
      key: `c=${c} ${name}`,
      port: server.port,
      case: name,
      concurrency: c,
    })),
    // The same requests to a bare handler that does only their unavoidable work (floor.ts).
    ...BUDGETED.map((name) => ({
      key: `c=${c} floor: ${name}`,
      port: floor.port,
      // The floor keeps no replay record: it is sent one secure token again and again.
      case: name === "trigger (secure token)" ? `${name}, one token` : name,
      concurrency: c,
    })),
  ]);
  const results = new Map<string, (LoadResult & { cpuUs: number })[]>(
    slots.map((s) => [s.key, []]),
  );
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...slots].reverse() : slots;
    for (const s of order) {
      const cpu = process.cpuUsage();
      const r = await gen.run({
        port: s.port,
        case: s.case,
        ms: ms / rounds,
        concurrency: s.concurrency,
      });
      const used = process.cpuUsage(cpu);
      if (r.errors > 0) throw new Error(`${s.key}: ${r.errors} unexpected statuses`);
      // This process's CPU time per request: the server's cost, whatever else the host runs.
      results.get(s.key)!.push({ ...r, cpuUs: (used.user + used.system) / r.requests });
    }
  }
  gen.stop();
  const ratios: Record<string, number> = {};
  const budgets: Record<string, number> = {};
  const figures: Record<string, number> = {};
  const ceilings: Record<string, string> = {};
  console.log(`\n## loopback HTTP/1.1 keep-alive, load generator in its own process\n`);
  console.log(
    "| connections | case | req/s | p50 ms | p99 ms | × bare hello req/s | server CPU µs/req | bare hello CPU ÷ case CPU |",
  );
  console.log("|---:|---|---:|---:|---:|---:|---:|---:|");
  for (const c of CONCURRENCY) {
    // Per round, each case against the bare hello world of the same round; median over rounds.
    const base = results.get(`c=${c} bare hello world`)!;
    for (const name of ["bare hello world", ...CASES, ...BUDGETED.map((n) => `floor: ${n}`)]) {
      const rs = results.get(`c=${c} ${name}`)!;
      const ratio = median(rs.map((r, i) => r.rps / base[i]!.rps));
      const rps = median(rs.map((r) => r.rps));
      const p50 = median(rs.map((r) => r.p50));
      const p99 = median(rs.map((r) => r.p99));
      const cpu = median(rs.map((r) => r.cpuUs));
      const cpuRatio = median(rs.map((r, i) => base[i]!.cpuUs / r.cpuUs));
      if (name !== "bare hello world") {
        ratios[`c=${c} ${name} / bare hello`] = ratio;
        ratios[`c=${c} ${name} / bare hello (CPU per request)`] = cpuRatio;
      }
      figures[`c=${c} ${name} server CPU µs/req`] = cpu;
      if (BUDGETED.includes(name)) {
        budgets[`c=${c} ${name} / bare hello`] = 0.4;
        ceilings[`c=${c} ${name} / bare hello`] = `c=${c} floor: ${name} / bare hello`;
      }
      figures[`c=${c} ${name} req/s`] = rps;
      figures[`c=${c} ${name} p50 ms`] = p50;
      figures[`c=${c} ${name} p99 ms`] = p99;
      console.log(
        `| ${c} | ${name} | ${Math.round(rps)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${
          ratio.toFixed(2)
        } | ${cpu.toFixed(1)} | ${cpuRatio.toFixed(2)} |`,
      );
    }
  }
  await server.shutdown(2000);
  await hello.shutdown(2000);
  await bare.close();
  await floor.close();
  await service.close();
  return { ratios, budgets, figures, ceilings };
}
