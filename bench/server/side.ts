/**
 * One side of an A/B (bench/server/ab.ts, bench/server/inproc-ab.ts): the service of one
 * checkout, alone in its own process of the runtime under test, answering one JSON command per
 * stdin line with one JSON line on stdout. Each side has a process of its own so that neither
 * checkout shares the engine (inline caches, compiled code, heap and collections) with the
 * other's code, and each is measured as it runs alone.
 *
 * Started by {@link startSide}, never by hand:
 *
 *   --root=<checkout> --mode=http    serves the service and a hello world with the runtime's own
 *                                    adapter: `{"url","port","helloPort"}`, then
 *                                    `{"cmd":"cpu"}` → the process's CPU µs so far
 *   --root=<checkout> --mode=inproc  `{"cmd":"run","case","n"}` → CPU µs per `service.fetch`
 *
 * @module
 */
import process from "node:process";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Case, Req } from "./scenarios.ts";

// Not from ./common.ts: it loads this checkout's service, which a side of another checkout must
// not share its process with (see the module comment).
const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const g = globalThis as { Deno?: unknown; Bun?: { gc(full: boolean): void }; gc?: () => void };
const BASE = "http://localhost:8787";
const encoder = new TextEncoder();
const node = g.Bun === undefined && g.Deno === undefined;

type Svc = {
  fetch(r: Request, i?: unknown): Promise<Response>;
  close(): Promise<void>;
};

/** A running side, as the parent sees it. */
export interface Side {
  /** The first line the side printed once ready. */
  readonly ready: Promise<Record<string, number & string>>;
  /** Sends a command, answers the side's reply. */
  ask(command: object): Promise<Record<string, number & string>>;
  stop(): void;
}

/**
 * Starts a side for the checkout at `root` in a new process of this runtime.
 *
 * @example
 * ```ts
 * const side = startSide("/tmp/main-checkout", "inproc");
 * await side.ready;
 * const { cpuUs } = await side.ask({ cmd: "run", case: "telemetry, 20 events", n: 2000 });
 * side.stop();
 * ```
 */
export function startSide(root: string, mode: "http" | "inproc"): Side {
  const script = fileURLToPath(import.meta.url);
  const args = [`--root=${root}`, `--mode=${mode}`];
  const [cmd, argv] = g.Bun !== undefined
    ? [process.execPath, [script, ...args]]
    : g.Deno !== undefined
    ? [process.execPath, ["run", "-A", "--v8-flags=--expose-gc", script, ...args]]
    : [process.execPath, ["--expose-gc", "--import", "tsx", script, ...args]];
  const child = spawn(cmd, argv, { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const line = async () => {
    const l = await lines.next();
    if (l.done) throw new Error(`the ${mode} side of ${root} exited`);
    return JSON.parse(l.value);
  };
  return {
    ready: line(),
    async ask(command) {
      child.stdin!.write(JSON.stringify(command) + "\n");
      return await line();
    },
    stop: () => void child.kill(),
  };
}

/** The service of the checkout at `root`, as bench/server/common.ts makes it. */
async function service(root: string, publicUrl: string): Promise<Svc> {
  const server = await import(`${root}/server.ts`);
  const crypto = await import(`${root}/adapters/crypto/node.ts`);
  return await server.createService({
    publicUrl,
    clients: [{ id: "bench", secret: "bench-secret-0123456789", allowedOrigins: ["*"] }],
    rateLimits: false,
    log: null,
    crypto: crypto.nodeCrypto,
    signer: (jwk: JsonWebKey, alg: string) => crypto.nodeSigner(alg, jwk),
    store: new server.MemoryStore({ maxReplayIds: 10_000_000 }),
  }) as Svc;
}

/** Serves the service and a hello world; answers its CPU time when asked. */
async function http(root: string): Promise<void> {
  const adapter = g.Bun ? "bun" : g.Deno ? "deno" : "node";
  const { serve } = await import(`${root}/adapters/server/serve/${adapter}.ts`);
  let svc: Svc | null = null;
  const listening = await serve({
    port: 0,
    fetch: (req: Request, info: unknown) => svc!.fetch(req, info),
  });
  const hello = await serve({ port: 0, fetch: () => new Response("hello") });
  svc = await service(root, listening.url);
  console.log(JSON.stringify({ url: listening.url, port: listening.port, helloPort: hello.port }));
  for await (const l of createInterface({ input: process.stdin })) {
    const c = JSON.parse(l) as { cmd: string };
    if (c.cmd !== "cpu") throw new Error(`unknown command ${l}`);
    const u = process.cpuUsage();
    console.log(JSON.stringify({ cpuUs: u.user + u.system }));
  }
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

/** A real `Request`, with its `Content-Length` as a server's requests have it. */
function realRequest(r: Req): Request {
  const headers = new Headers(r.headers);
  if (r.body !== undefined) headers.set("content-length", String(encoder.encode(r.body).length));
  return new Request(BASE + r.path, { method: r.method, headers, body: r.body ?? null });
}

/**
 * Runs cases on `service.fetch` when asked: on Node light stand-ins for the Node adapter's
 * request with its `LIGHT` flag; on Deno and Bun real `Request`s. Requests are made before the
 * timed loop, their garbage collected before it. The cases come from the side's own checkout:
 * minting their proofs and tokens runs core code the service runs too, so both sides share
 * their modules with the cases alike (with this checkout's cases, only this side would).
 */
async function inproc(root: string): Promise<void> {
  const svc = await service(root, BASE);
  const { LIGHT } = await import(`${root}/adapters/server/http/answer.ts`);
  const { scenarios } = await import(`${root}/bench/server/scenarios.ts`) as {
    scenarios: typeof import("./scenarios.ts").scenarios;
  };
  const cases = await scenarios(BASE, (r) => svc.fetch(realRequest(r)));
  const info = node ? { remoteAddr: "127.0.0.1", [LIGHT]: true } : { remoteAddr: "127.0.0.1" };
  console.log(JSON.stringify({ ready: 1 }));
  for await (const l of createInterface({ input: process.stdin })) {
    const c = JSON.parse(l) as { cmd: string; case: string; n: number };
    const kase: Case<Req> | undefined = cases.find((x) => x.name === c.case);
    if (c.cmd !== "run" || kase === undefined) throw new Error(`unknown command ${l}`);
    const reqs: Request[] = [];
    for (let i = 0; i < c.n; i++) {
      const r = await kase.next();
      reqs.push(node ? lightRequest(r) : realRequest(r));
    }
    if (g.Bun) g.Bun.gc(true);
    else g.gc?.();
    // A full collection costs the next requests their optimized code (Node: 30 → 50–70 µs per
    // telemetry request): a quarter of the round runs untimed first.
    const run = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const res = await svc.fetch(reqs[i]!, info);
        if (res.status !== kase.expect) throw new Error(`${c.case}: ${res.status}`);
      }
    };
    const warm = Math.floor(c.n / 4);
    await run(0, warm);
    const cpu = process.cpuUsage();
    await run(warm, c.n);
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ cpuUs: (used.user + used.system) / (c.n - warm) }));
  }
}

const mode = arg("mode", "");
if (mode === "http") await http(arg("root", ""));
else if (mode === "inproc") await inproc(arg("root", ""));
