/**
 * The service on Node under the benchmark's load, for a CPU profile: the service behind the
 * Node `serve` adapter, the load generator in its own process driving telemetry and both
 * triggers at 10 connections. The profile covers the load only (not start-up or the load
 * generator's preparation): it is taken with `node:inspector` once the scenarios are ready and
 * written to `--out`. Then summarise it:
 *
 *   node --import tsx bench/server/profile.ts --ms=6000 --out=/tmp/service.cpuprofile
 *   node bench/server/profile-summary.mjs /tmp/service.cpuprofile
 *
 * `--cases="telemetry, 20 events"` profiles one case (`;` separates several; `hello` is the
 * adapter's hello world); `--interval=200` is the sampling interval in µs.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { Service } from "../../server.ts";
import { arg, makeService, serveFn } from "./common.ts";
import { startLoadgen } from "./loadgen-client.ts";

const MS = Number(arg("ms", "6000"));
const OUT = arg("out", "/tmp/service.cpuprofile");
const CASES = arg(
  "cases",
  "telemetry, 20 events;trigger (session token);trigger (secure token)",
).split(";");

const serve = await serveFn();
let service: Service | null = null;
const server = await serve({ port: 0, fetch: (req, info) => service!.fetch(req, info) });
const hello = await serve({ port: 0, fetch: () => new Response("hello") });
service = await makeService(server.url);
const gen = startLoadgen(server.url);
await gen.ready;
const run = async (name: string, ms: number) => {
  const port = name === "hello" ? hello.port : server.port;
  return JSON.stringify(await gen.run({ port, case: name, ms, concurrency: 10 }));
};
// Warm up (JIT) before profiling.
for (const name of CASES) await run(name, 500);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: Number(arg("interval", "200")) });
await session.post("Profiler.start");
for (const name of CASES) console.log(name, await run(name, MS / CASES.length));
const { profile } = await session.post("Profiler.stop");
writeFileSync(OUT, JSON.stringify(profile));
console.log(`wrote ${OUT}`);
gen.stop();
await server.shutdown(1000);
await hello.shutdown(1000);
await service.close();
process.exit(0);
