/**
 * Two checkouts side by side: the service of this checkout and of `--base` (another checkout,
 * e.g. a `git worktree` of main), each behind its own `serve` adapter for the runtime (Node's
 * `http`, `Deno.serve`, `Bun.serve`: each checkout's own adapter) in this one process,
 * driven in turn by a load generator each, case by case in short interleaved rounds (the order
 * flips every round). On a shared, noisy machine that is the fairest before/after: both see the
 * same load. Prints, per case and connection count, requests/s and p50/p99 of both, the
 * median per-round ratio this/base, and this process's CPU time per request of each side (only
 * one side runs at a time, so it is that side's cost, whatever else the host runs) and their
 * median per-round ratio base/this (above 1: this checkout costs less).
 *
 *   node --import tsx bench/server/ab.ts --base=/tmp/main-checkout --ms=6000 --rounds=6
 *   deno run -A bench/server/ab.ts --base=… · bun bench/server/ab.ts --base=…
 *
 * Options: `--cases=a;b` (default: the budgeted cases and the adapter's hello world),
 * `--concurrency=1,10,100`.
 *
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import type { LoadResult } from "./loadgen.ts";
import { arg, g, runtime } from "./common.ts";
import { median, startLoadgen } from "./loadgen-client.ts";

const BASE = resolve(arg("base", ""));
const MS = Number(arg("ms", "6000"));
const ROUNDS = Number(arg("rounds", "6"));
const CONCURRENCY = arg("concurrency", "1,10,100").split(",").map(Number);
const CASES = arg(
  "cases",
  "hello;telemetry, 20 events;trigger (session token);trigger (secure token)",
).split(";");

type Svc = { fetch(r: Request, i: unknown): Promise<Response>; close(): Promise<void> };

/** The service and `serve` of the checkout at `root`, as bench/server/common.ts makes them. */
async function side(root: string) {
  const server = await import(`${root}/server.ts`);
  const crypto = await import(`${root}/adapters/crypto/node.ts`);
  // The runtime's own adapter, as the CLI and bench/server.ts serve it.
  const adapter = g.Bun ? "bun" : g.Deno ? "deno" : "node";
  const { serve } = await import(`${root}/adapters/server/serve/${adapter}.ts`);
  let service: Svc | null = null;
  const listening = await serve({
    port: 0,
    fetch: (req: Request, info: unknown) => service!.fetch(req, info),
  });
  const hello = await serve({ port: 0, fetch: () => new Response("hello") });
  service = await server.createService({
    publicUrl: listening.url,
    clients: [{ id: "bench", secret: "bench-secret-0123456789", allowedOrigins: ["*"] }],
    rateLimits: false,
    log: null,
    crypto: crypto.nodeCrypto,
    signer: (jwk: JsonWebKey, alg: string) => crypto.nodeSigner(alg, jwk),
    store: new server.MemoryStore({ maxReplayIds: 10_000_000 }),
  }) as Svc;
  const gen = startLoadgen(listening.url, [`--prepared=${arg("prepared", "20000")}`]);
  await gen.ready;
  return { listening, hello, service, gen };
}

if (BASE === resolve("")) throw new Error("--base=<another checkout> is required");
const sides = { base: await side(BASE), this: await side(resolve(".")) };
type Run = LoadResult & { cpuUs: number };
const results = new Map<string, Run[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of CONCURRENCY) {
    for (const name of CASES) {
      const order = round % 2 ? (["this", "base"] as const) : (["base", "this"] as const);
      for (const who of order) {
        const s = sides[who];
        const port = name === "hello" ? s.hello.port : s.listening.port;
        const cpu = process.cpuUsage();
        const r = await s.gen.run({ port, case: name, ms: MS / ROUNDS, concurrency: c });
        const used = process.cpuUsage(cpu);
        if (r.errors > 0) throw new Error(`${who} ${name}: ${r.errors} unexpected statuses`);
        const key = `${who}|${c}|${name}`;
        const run = { ...r, cpuUs: (used.user + used.system) / r.requests };
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
  await s.listening.shutdown(1000);
  await s.hello.shutdown(1000);
  await s.service.close();
}
process.exit(0);
