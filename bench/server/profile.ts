/**
 * The service on Node under the benchmark's load, for a CPU profile: the service behind the
 * Node `serve` adapter, the load generator in its own process driving telemetry and both
 * triggers at 10 connections. Run, then summarise the profile:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/server/profile.ts --ms=4000
 *   node bench/server/profile-summary.mjs /tmp/prof/*.cpuprofile
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Service } from "../../server.ts";
import { arg, makeService, serveFn } from "./common.ts";

const MS = Number(arg("ms", "4000"));
const CASES = ["telemetry, 20 events", "trigger (session token)", "trigger (secure token)"];

const serve = await serveFn();
let service: Service | null = null;
const server = await serve({ port: 0, fetch: (req, info) => service!.fetch(req, info) });
service = await makeService(server.url);
const child = spawn("node", ["--import", "tsx", "bench/server/loadgen.ts", `--url=${server.url}`], {
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
await lines.next();
for (const name of CASES) {
  child.stdin!.write(
    JSON.stringify({ port: server.port, case: name, ms: MS / CASES.length, concurrency: 10 }) +
      "\n",
  );
  console.log(name, (await lines.next()).value);
}
child.kill();
await server.shutdown(1000);
await service.close();
process.exit(0);
