/**
 * Two checkouts' services side by side in one process, without sockets: `service.fetch` of this
 * checkout and of `--base` called back to back on prepared requests, case by case in short
 * interleaved rounds (the order flips every round). Only the service's own work is timed, so a
 * change of a few µs per request shows where a socket A/B (bench/server/ab.ts) drowns it in
 * the loopback's cost and the host's noise. Prints, per case, each side's median CPU µs per
 * request and the median per-round ratio base/this (above 1: this checkout costs less).
 *
 *   node --expose-gc --import tsx bench/server/inproc-ab.ts --base=/tmp/main-checkout --rounds=8
 *   deno run -A --v8-flags=--expose-gc bench/server/inproc-ab.ts --base=…
 *   bun bench/server/inproc-ab.ts --base=…
 *
 * On Node the requests are light stand-ins for the Node adapter's lazy request (method, url,
 * headers, a buffered body) with its `LIGHT` flag, as bench/server/inproc-profile.ts makes them;
 * on Deno and Bun they are real `Request`s, made before each timed round.
 *
 * Options: `--cases=a;b`, `--n=4000` (requests per round and side), `--rounds=8`.
 *
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import { arg, BASE, g, runtime } from "./common.ts";
import { median } from "./loadgen-client.ts";
import { type Case, type Req, scenarios } from "./scenarios.ts";

const ROOT = resolve(arg("base", ""));
const N = Number(arg("n", "4000"));
const ROUNDS = Number(arg("rounds", "8"));
const CASES = arg("cases", "telemetry, 20 events;trigger (session token)").split(";");
const encoder = new TextEncoder();
const node = g.Bun === undefined && g.Deno === undefined;

type Svc = {
  fetch(r: Request, i: unknown): Promise<Response>;
  close(): Promise<void>;
};

/** The service of the checkout at `root`, as bench/server/common.ts makes it. */
async function side(root: string) {
  const server = await import(`${root}/server.ts`);
  const crypto = await import(`${root}/adapters/crypto/node.ts`);
  const { LIGHT } = await import(`${root}/adapters/server/http/answer.ts`);
  const service = await server.createService({
    publicUrl: BASE,
    clients: [{ id: "bench", secret: "bench-secret-0123456789", allowedOrigins: ["*"] }],
    rateLimits: false,
    log: null,
    crypto: crypto.nodeCrypto,
    signer: (jwk: JsonWebKey, alg: string) => crypto.nodeSigner(alg, jwk),
    store: new server.MemoryStore({ maxReplayIds: 10_000_000 }),
  }) as Svc;
  const cases = await scenarios(BASE, (r) => service.fetch(realRequest(r), {}));
  const info = node ? { remoteAddr: "127.0.0.1", [LIGHT]: true } : { remoteAddr: "127.0.0.1" };
  return { service, cases, info };
}

function realRequest(r: Req): Request {
  return new Request(BASE + r.path, { method: r.method, headers: r.headers, body: r.body ?? null });
}

/** What the handlers read of a request, as the Node adapter's lazy request answers it. */
function lightRequest(r: Req): Request {
  const bytes = r.body === undefined ? new Uint8Array(0) : encoder.encode(r.body);
  const headers = new Headers(r.headers);
  if (r.body !== undefined) headers.set("content-length", String(bytes.byteLength));
  return {
    method: r.method,
    url: BASE + r.path,
    headers,
    body: null,
    bytes: () => Promise.resolve(bytes),
    arrayBuffer: () => Promise.resolve(bytes.slice().buffer),
  } as unknown as Request;
}

if (ROOT === resolve("")) throw new Error("--base=<another checkout> is required");
const sides = { base: await side(ROOT), this: await side(resolve(".")) };
const caseOf = (s: { cases: Case<Req>[] }, name: string) => {
  const c = s.cases.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no case ${name}`);
  return c;
};

/** CPU µs per request of one round of `name` on side `s`. */
async function round(s: (typeof sides)["this"], name: string): Promise<number> {
  const c = caseOf(s, name);
  const reqs: Request[] = [];
  for (let i = 0; i < N; i++) {
    const r = await c.next();
    reqs.push(node ? lightRequest(r) : realRequest(r));
  }
  // The preparation's garbage is collected before the timed loop, not during it.
  if (g.Bun) g.Bun.gc(true);
  else g.gc?.();
  const cpu = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const res = await s.service.fetch(reqs[i]!, s.info);
    if (res.status !== c.expect) throw new Error(`${name}: ${res.status}`);
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / N;
}

const results = new Map<string, number[]>();
for (const name of CASES) {
  // Warm up both sides (JIT) before timing.
  for (const s of Object.values(sides)) await round(s, name);
}
for (let r = 0; r < ROUNDS; r++) {
  for (const name of CASES) {
    const order = r % 2 ? (["this", "base"] as const) : (["base", "this"] as const);
    for (const who of order) {
      const key = `${who}|${name}`;
      results.set(key, [...(results.get(key) ?? []), await round(sides[who], name)]);
    }
  }
}
console.log(`# ${runtime}, in process: this checkout vs ${ROOT} (${ROUNDS} rounds of ${N})\n`);
console.log("| case | CPU µs/req base · this | CPU base / this |");
console.log("|---|---:|---:|");
for (const name of CASES) {
  const b = results.get(`base|${name}`)!;
  const t = results.get(`this|${name}`)!;
  const ratio = median(t.map((x, i) => b[i]! / x));
  console.log(
    `| ${name} | ${median(b).toFixed(1)} · ${median(t).toFixed(1)} | ${ratio.toFixed(2)} |`,
  );
}
for (const s of Object.values(sides)) await s.service.close();
process.exit(0);
