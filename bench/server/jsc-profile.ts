/**
 * Bun only: the service's own work for one case under JSC's sampling profiler (`bun:jsc`),
 * without sockets, as bench/server/inproc-profile.ts does on Node: prints the top functions by
 * self samples and by their place on the stack.
 *
 *   bun bench/server/jsc-profile.ts --case="trigger (session token)" --n=20000
 *
 * @module
 */
import { arg, BASE, makeService } from "./common.ts";
import { type Req, scenarios } from "./scenarios.ts";

const N = Number(arg("n", "20000"));
const NAME = arg("case", "telemetry, 20 events");
const encoder = new TextEncoder();
// With its Content-Length, as Bun.serve's requests have it.
const request = (r: Req) => {
  const headers = new Headers(r.headers);
  if (r.body !== undefined) headers.set("content-length", String(encoder.encode(r.body).length));
  return new Request(BASE + r.path, { method: r.method, headers, body: r.body ?? null });
};
const service = await makeService(BASE);
const cases = await scenarios(BASE, (r) => service.fetch(request(r)));
const c = cases.find((x) => x.name === NAME);
if (c === undefined) throw new Error(`no case ${NAME}`);
const reqs: Request[] = [];
for (let i = 0; i < N; i++) reqs.push(request(await c.next()));
const run = async (from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const res = await service.fetch(reqs[i]!, { remoteAddr: "127.0.0.1" });
    if (res.status !== c.expect) throw new Error(`${NAME}: ${res.status}`);
  }
};
await run(0, N / 4);
// @ts-ignore: Bun's module
const jsc = await import("bun:jsc");
const t0 = performance.now();
const out = await jsc.profile(() => run(N / 4, N), 100);
console.log(`${NAME}: ${((performance.now() - t0) * 1000 / (N * 0.75)).toFixed(1)} µs/request`);
console.log(out.functions);
console.log(String(out.stackTraces).slice(0, Number(arg("traces", "0"))));
process.exit(0);
