/**
 * The service's own cost per request, without sockets: `service.fetch` called back to back with
 * a light stand-in for the Node adapter's request (method, url, headers, a buffered body) and
 * the adapter's `LIGHT` flag, one case at a time, for a CPU profile whose samples are all the
 * service's work (no syscalls, no scheduling of a load generator) and a µs/request figure:
 *
 *   node --expose-gc --import tsx bench/server/inproc-profile.ts --case="trigger (session token)" \
 *     --n=20000 --out=/tmp/inproc.cpuprofile
 *   node bench/server/profile-summary.mjs /tmp/inproc.cpuprofile --inclusive
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { LIGHT } from "../../adapters/server/http/answer.ts";
import process from "node:process";
import { arg, BASE, makeService } from "./common.ts";
import { type Req, scenarios } from "./scenarios.ts";

const N = Number(arg("n", "20000"));
const NAME = arg("case", "telemetry, 20 events");
const OUT = arg("out", "");
const encoder = new TextEncoder();

/** What the handlers read of a request, as the Node adapter's lazy request answers it. */
function lightRequest(r: Req): Request {
  const bytes = r.body === undefined ? null : encoder.encode(r.body);
  const headers = new Headers(r.headers);
  if (bytes !== null) headers.set("content-length", String(bytes.byteLength));
  return {
    method: r.method,
    url: BASE + r.path,
    headers,
    body: null,
    bytes: () => Promise.resolve(bytes ?? new Uint8Array(0)),
    arrayBuffer: () => Promise.resolve((bytes ?? new Uint8Array(0)).slice().buffer),
  } as unknown as Request;
}

const service = await makeService(BASE);
const info = { remoteAddr: "127.0.0.1", [LIGHT]: true };
const cases = await scenarios(
  BASE,
  (r) =>
    service.fetch(
      new Request(BASE + r.path, { method: r.method, headers: r.headers, body: r.body ?? null }),
    ),
);
const c = cases.find((x) => x.name === NAME);
if (c === undefined) throw new Error(`no case ${NAME}: ${cases.map((x) => x.name).join("; ")}`);
// Made ahead (the body's encoding is the adapter's work, not the service's), garbage collected
// before the timed loop when the runtime lets us.
const prepared: Request[] = [];
for (let i = 0; i < N; i++) prepared.push(lightRequest(await c.next()));
(globalThis as { gc?: () => void }).gc?.();
const run = async (from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const res = await service.fetch(prepared[i]!, info);
    if (res.status !== c.expect) throw new Error(`${NAME}: ${res.status}`);
  }
};
await run(0, N / 4); // warm up
const session = new Session();
if (OUT !== "") {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
}
const t0 = performance.now();
const cpu = process.cpuUsage();
await run(N / 4, N);
const used = process.cpuUsage(cpu);
const per = (x: number) => (x / (N * 0.75)).toFixed(1);
console.log(
  `${NAME}: ${per((performance.now() - t0) * 1000)} µs/request, CPU ${
    per(used.user + used.system)
  } µs/request`,
);
if (OUT !== "") {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(OUT, JSON.stringify(profile));
}
await service.close();
