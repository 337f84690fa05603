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
import { createService, MemoryStore, type Service } from "../server.ts";
import { deviceSigner, generateDeviceKey } from "../adapters/crypto/keys.ts";
import { mintDeviceProof, mintSecureSessionToken } from "../adapters/crypto/mint.ts";
import { nodeCrypto, nodeSigner, type PrivateJwk } from "../adapters/crypto/node.ts";
import { flatString, newId } from "../adapters/server/ids.ts";
import { newSession } from "../core/service/session.ts";
import type { RunningServer, ServeOptions } from "../adapters/server/serve/types.ts";

const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const MS = Number(arg("ms", "1500"));
const ROUNDS = Number(arg("rounds", "5"));
const CONCURRENCY = Number(arg("concurrency", "32"));
const SESSIONS = Number(arg("sessions", "100000"));
const ONLY = arg("only", "all");
const g = globalThis as {
  Deno?: { version: { deno: string } };
  Bun?: { version: string; gc(full: boolean): void };
  gc?: () => void;
};
const runtime = g.Bun
  ? `bun ${g.Bun.version}`
  : g.Deno
  ? `deno ${g.Deno.version.deno}`
  : `node ${process.version}`;
const BASE = "http://localhost:8787";

async function serveFn(): Promise<(o: ServeOptions) => Promise<RunningServer>> {
  if (g.Bun) return (await import("../adapters/server/serve/bun.ts")).serve;
  if (g.Deno) return (await import("../adapters/server/serve/deno.ts")).serve;
  return (await import("../adapters/server/serve/node.ts")).serve;
}

/** A service as the CLI runs it: node:crypto verification and signing (all three have it). */
async function makeService(publicUrl: string): Promise<Service> {
  return await createService({
    publicUrl,
    clients: [{ id: "bench", secret: "bench-secret-0123456789", allowedOrigins: ["*"] }],
    rateLimits: false,
    log: null,
    crypto: nodeCrypto,
    signer: (jwk: JsonWebKey, alg: "EdDSA" | "ES256") => nodeSigner(alg, jwk as PrivateJwk),
    store: new MemoryStore({ maxReplayIds: 10_000_000 }),
  });
}

/** What a scenario sends: a fresh request each call (tokens and seqs must not repeat). */
type Scenario = { name: string; next: () => Request | Promise<Request>; expect: number };

async function scenarios(service: Service, base: string): Promise<Scenario[]> {
  const call = async (path: string, init?: RequestInit) => {
    const r = await service.fetch(new Request(base + path, init));
    return { status: r.status, json: await r.json() as Record<string, string> };
  };
  const key = await generateDeviceKey({ alg: "EdDSA" });
  const signer = deviceSigner(key);
  const nonce = (await call("/v1/device/config?client_id=bench")).json.nonce!;
  const proof = () =>
    mintDeviceProof(signer, { htm: "POST", htu: `${base}/v1/device/sessions`, nonce });
  const createBody = JSON.stringify({
    client_id: "bench",
    key_assurance: "persistent-nonextractable",
    key_event: "none",
    attributes: { platform: "browser" },
  });
  const created = await call("/v1/device/sessions", {
    method: "POST",
    headers: { "content-type": "application/json", "ds-proof": await proof() },
    body: createBody,
  });
  const sessionToken = created.json.session_token!;
  const sessionId = created.json.session_id!;
  const access = (await call("/v1/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=bench&client_secret=bench-secret-0123456789",
  })).json.access_token!;
  const backend = { authorization: `Bearer ${access}`, "content-type": "application/json" };
  const action = (await call("/v1/backend/actions", {
    method: "POST",
    headers: backend,
    body: JSON.stringify({ action_type: "login", session_token: sessionToken }),
  })).json;
  let seq = 0;
  // 20 events as collectors send them: page, device and interaction kinds, timings only.
  const batch = () => {
    const events = [];
    for (let i = 0; i < 20; i++) {
      seq++;
      events.push({
        seq,
        time_ms: 1795000000000 + seq,
        type: i === 0 ? "page" : "interaction",
        data: i === 0
          ? { kind: "load", path: "/checkout" }
          : { kind: ["pointer", "click", "keys"][i % 3], count: i, dt_ms: 40 + i },
      });
    }
    return JSON.stringify({
      ver: 1,
      client_id: "bench",
      session_id: sessionId,
      session_token: sessionToken,
      events,
      dropped: { total: 0, by_priority: {} },
      sent_at_ms: 1795000000000,
    });
  };
  // Single-use inputs are made ahead, outside the timed loop.
  const proofs: string[] = [];
  const secures: string[] = [];
  const secure = () =>
    mintSecureSessionToken(signer, { sessionToken, action: "transaction", expirationSeconds: 600 });
  const fill = async (n: number) => {
    for (let i = 0; i < n; i++) proofs.push(await proof());
    for (let i = 0; i < n; i++) secures.push(await secure());
  };
  await fill(Number(arg("prepared", "12000")));
  const req = (path: string, init?: RequestInit) => new Request(base + path, init);
  return [
    { name: "config (GET)", expect: 200, next: () => req("/v1/device/config?client_id=bench") },
    {
      name: "session create (proof)",
      expect: 201,
      next: async () =>
        req("/v1/device/sessions", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "ds-proof": proofs.pop() ?? await proof(),
          },
          body: createBody,
        }),
    },
    {
      name: "telemetry, 20 events",
      expect: 200,
      next: () =>
        req("/v1/device/telemetry", {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: batch(),
        }),
    },
    {
      name: "trigger action (session token)",
      expect: 201,
      next: () =>
        req("/v1/backend/actions", {
          method: "POST",
          headers: backend,
          body: JSON.stringify({
            action_type: "login",
            session_token: sessionToken,
            ip: "203.0.113.7",
          }),
        }),
    },
    {
      name: "trigger action (secure token)",
      expect: 201,
      next: async () =>
        req("/v1/backend/actions", {
          method: "POST",
          headers: backend,
          body: JSON.stringify({
            action_type: "transaction",
            secured_session_token: secures.pop() ?? await secure(),
          }),
        }),
    },
    {
      name: "recommendation (GET)",
      expect: 200,
      next: () =>
        req(`/v1/backend/recommendation?action_token=${action.action_token}`, { headers: backend }),
    },
  ];
}

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

/** A request as bytes on the wire (HTTP/1.1, keep-alive). */
async function wire(r0: Request, port: number): Promise<Uint8Array> {
  const u = new URL(r0.url);
  const body = r0.body === null ? new Uint8Array(0) : new Uint8Array(await r0.arrayBuffer());
  let head = `${r0.method} ${u.pathname}${u.search} HTTP/1.1\r\nhost: localhost:${port}\r\n`;
  r0.headers.forEach((v, k) => {
    if (k !== "content-length") head += `${k}: ${v}\r\n`;
  });
  head += `content-length: ${body.length}\r\n\r\n`;
  const h = new TextEncoder().encode(head);
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return out;
}

/**
 * A small keep-alive HTTP/1.1 load generator on raw sockets (node:net, on all three runtimes):
 * `fetch` as a client costs more CPU than the servers under test, which would hide them.
 */
async function load(
  port: number,
  next: () => Request | Promise<Request>,
  expect: number,
  ms: number,
) {
  const net = await import("node:net");
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + ms;
  const worker = async () => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.setNoDelay(true);
    await new Promise<void>((r, j) => socket.once("connect", () => r()).once("error", j));
    let buffer = new Uint8Array(0);
    let waiting: (() => void) | null = null;
    socket.on("data", (chunk: Uint8Array) => {
      const merged = new Uint8Array(buffer.length + chunk.length);
      merged.set(buffer);
      merged.set(chunk, buffer.length);
      buffer = merged;
      waiting?.();
    });
    const response = async (): Promise<number> => {
      for (;;) {
        const text = new TextDecoder("latin1").decode(
          buffer.subarray(0, Math.min(buffer.length, 8192)),
        );
        const end = text.indexOf("\r\n\r\n");
        if (end !== -1) {
          const length = Number(/content-length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? "0");
          const chunked = /transfer-encoding: *chunked/i.test(text.slice(0, end));
          const total = end + 4 + length;
          const chunkedEnd = chunked ? text.indexOf("\r\n0\r\n\r\n", end) : -1;
          if (!chunked && buffer.length >= total) {
            buffer = buffer.slice(total);
            return Number(text.slice(9, 12));
          }
          if (chunked && chunkedEnd !== -1) {
            buffer = buffer.slice(chunkedEnd + 7);
            return Number(text.slice(9, 12));
          }
        }
        await new Promise<void>((r) => (waiting = r));
        waiting = null;
      }
    };
    while (performance.now() < deadline) {
      const bytes = await wire(await next(), port);
      const start = performance.now();
      socket.write(bytes);
      const status = await response();
      latencies.push(performance.now() - start);
      if (status !== expect) errors++;
    }
    socket.destroy();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors };
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
      run: (ms: number) => load(hello.port, () => new Request(`${base}/`), 200, ms),
    },
    ...cases.map((c) => ({
      name: c.name,
      run: (ms: number) => load(server.port, c.next, c.expect, ms),
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

function collect(): boolean {
  if (g.Bun) return (g.Bun.gc(true), g.Bun.gc(true), true);
  if (typeof g.gc === "function") return (g.gc(), g.gc(), true);
  return false;
}

/** Heap in use: JavaScriptCore's own figure on Bun (its process.memoryUsage lags), else V8's. */
async function heapUsed(): Promise<number> {
  if (g.Bun) {
    const jsc = await import(["bun", "jsc"].join(":")) as { heapSize(): number };
    return jsc.heapSize();
  }
  return process.memoryUsage().heapUsed;
}

async function memory(): Promise<void> {
  if (!collect()) {
    console.log(
      "\n(memory: run with --expose-gc (node) or --v8-flags=--expose-gc (deno) to measure)",
    );
    return;
  }
  const store = new MemoryStore({ maxSessions: SESSIONS + 10, maxDevices: SESSIONS + 10 });
  const jkt = () => flatString(newId() + newId().slice(0, 21)); // 43 characters, as the service keeps one
  const now = Math.floor(Date.now() / 1000);
  collect();
  const before = await heapUsed();
  // Ids are made inside the loop: they are the sessions' own strings, held by the records.
  for (let i = 0; i < SESSIONS; i++) {
    const s = newId("s_");
    const d = newId("d_");
    const k = jkt();
    await store.registerDevice({
      clientId: "bench",
      requestedId: null,
      freshId: d,
      jkt: k,
      expiresAtMs: Date.now() + 1e9,
    });
    const rec = newSession({
      id: s,
      clientId: "bench",
      deviceId: d,
      jkt: k,
      keyAssurance: "persistent-nonextractable",
      keyEvent: "none",
      keyChanged: false,
      userId: null,
      now,
      absoluteS: 86400,
      idleS: 1800,
      attributes: { platform: "browser" },
    });
    await store.createSession(rec, Date.now() + 1e9);
    await store.appendEvents(s, Array.from({ length: 20 }, (_, i) => i + 1), Date.now() + 1e9);
  }
  collect();
  const after = await heapUsed();
  const per = (after - before) / SESSIONS;
  console.log(`\n## memory per idle session, memory store (${runtime})\n`);
  console.log(
    `${SESSIONS.toLocaleString("en-US")} sessions (session + device record + acknowledged seqs): ` +
      `${((after - before) / 1048576).toFixed(1)} MiB heap → **${
        Math.round(per)
      } bytes per idle session** (budget 1024)`,
  );
  if (store.stats().sessions !== SESSIONS) throw new Error("sessions were evicted");
}

/**
 * The same through the service itself: sessions created with real proofs, one 20-event batch
 * each, then the clock moved past the proofs' replay retention and swept, so only what an idle
 * session keeps is left: its strings as the service makes them, its device, its seqs.
 */
async function memoryThroughService(): Promise<void> {
  let n = Number(arg("service-sessions", "10000"));
  if (!collect()) return;
  let skew = 0;
  const clock = () => Date.now() + skew;
  const store = new MemoryStore({ now: clock, maxSessions: 2 * n + 10, maxDevices: 2 * n + 10 });
  const service = await createService({
    publicUrl: BASE,
    clients: [{ id: "bench", secret: "bench-secret-0123456789" }],
    rateLimits: false,
    log: null,
    crypto: nodeCrypto,
    now: clock,
    store,
  });
  const key = await generateDeviceKey({ alg: "EdDSA" });
  const signer = deviceSigner(key);
  const post = (path: string, headers: Record<string, string>, body: string) =>
    service.fetch(new Request(BASE + path, { method: "POST", headers, body }));
  const nonce =
    (await (await service.fetch(new Request(`${BASE}/v1/device/config?client_id=bench`))).json())
      .nonce;
  const createBody = JSON.stringify({
    client_id: "bench",
    key_assurance: "persistent-nonextractable",
    key_event: "none",
    attributes: { platform: "browser", automation: false },
  });
  const create = async () => {
    for (let i = 0; i < n; i++) {
      const proof = await mintDeviceProof(signer, {
        htm: "POST",
        htu: `${BASE}/v1/device/sessions`,
        nonce,
        iat: Math.floor(clock() / 1000),
      });
      const r = await post("/v1/device/sessions", {
        "content-type": "application/json",
        "ds-proof": proof,
      }, createBody);
      const c = await r.json();
      const events = Array.from(
        { length: 20 },
        (_, j) => ({
          seq: j + 1,
          time_ms: Date.now(),
          type: "interaction",
          data: { kind: "click" },
        }),
      );
      const t = await post(
        "/v1/device/telemetry",
        { "content-type": "application/json" },
        JSON.stringify({
          ver: 1,
          client_id: "bench",
          session_id: c.session_id,
          session_token: c.session_token,
          events,
          dropped: { total: 0, by_priority: {} },
          sent_at_ms: Date.now(),
        }),
      );
      if (t.status !== 200) throw new Error(await t.text());
      await t.arrayBuffer();
    }
    skew += 121_000; // proof jtis (120 s) are gone; sessions (idle 1800 s) are not
    store.sweep();
    collect();
    return await heapUsed();
  };
  // The service's bounded caches (verified tokens, imported keys) fill during the first round;
  // the second round's growth is what each further idle session costs.
  const first = await create();
  const second = await create();
  console.log(
    `through the service (${
      n.toLocaleString("en-US")
    } more sessions created with proofs, one 20-event batch each, after ${
      n.toLocaleString("en-US")
    }): ` +
      `**${Math.round((second - first) / n)} bytes per idle session**`,
  );
  n *= 2;
  if (store.stats().sessions !== n) {
    throw new Error(`expected ${n} sessions, found ${store.stats().sessions}`);
  }
}

console.log(`# bench/server (${runtime}; ${MS} ms per case)`);
if (ONLY === "all" || ONLY === "inproc") await inProcess();
if (ONLY === "all" || ONLY === "http") await http();
if (ONLY === "all" || ONLY === "memory") {
  await memory();
  await memoryThroughService();
}
process.exit(0);
