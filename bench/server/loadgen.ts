/**
 * The service benchmark's load generator, in its own Node process (so its CPU is not the
 * server's event loop): keep-alive HTTP/1.1 on raw sockets (`node:net`; a `fetch` or `http.Agent`
 * client costs more CPU than the servers under test). It prepares the scenarios over HTTP against
 * the service (bench/server/scenarios.ts), then answers one command per stdin line with one JSON
 * line on stdout:
 *   `{"port":…, "case":"telemetry", "ms":300, "concurrency":10}` → `{"rps","p50","p99","errors"}`
 *
 * Started by bench/server.ts: `node --import tsx bench/server/loadgen.ts --url=<service url>`.
 *
 * @module
 */
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { arg } from "./common.ts";
import { type Case, type Req, scenarios } from "./scenarios.ts";

/** The result of one load run. */
export interface LoadResult {
  /** Requests answered. */
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Reads one response off a keep-alive socket: status code, with the body skipped. */
class ResponseReader {
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: (() => void) | null = null;

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    this.#waiting?.();
  }

  async next(): Promise<number> {
    for (;;) {
      const b = this.#buffer;
      const end = b.indexOf("\r\n\r\n");
      if (end !== -1) {
        const head = b.toString("latin1", 0, end);
        const length = /content-length: *(\d+)/i.exec(head);
        if (length !== null) {
          const total = end + 4 + Number(length[1]);
          if (b.length >= total) {
            this.#buffer = b.subarray(total);
            return Number(head.slice(9, 12));
          }
        } else {
          const last = b.indexOf("\r\n0\r\n\r\n", end);
          if (last !== -1) {
            this.#buffer = b.subarray(last + 7);
            return Number(head.slice(9, 12));
          }
        }
      }
      await new Promise<void>((r) => (this.#waiting = r));
      this.#waiting = null;
    }
  }
}

/**
 * `concurrency` keep-alive connections sending `next()` back to back for `ms`. Each connection
 * is opened and answers one untimed request before the clock starts: the figures are those of
 * established keep-alive connections. Timing the first requests too made p99 at 100 connections
 * a measure of the burst of 100 new connections at the start of every run, which a Node server
 * busy with the first ones accepts slowly (its listen queue, up to 97 deep, drained about one
 * connection per 20 ms): those 100 first requests were 2–10 % of a run's requests, so p99 read
 * 300–500 ms while p99 of the other requests was 10–60 ms, and p50 was below what 100
 * connections at that throughput allow (Little's law: 100 / req/s).
 */
export async function load(
  port: number,
  next: () => Uint8Array | Promise<Uint8Array>,
  expect: number,
  ms: number,
  concurrency: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const open = async () => {
    const socket = connect({ port, host: "127.0.0.1", noDelay: true });
    await new Promise<void>((r, j) => socket.once("connect", () => r()).once("error", j));
    const reader = new ResponseReader();
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    socket.write(await next());
    if ((await reader.next()) !== expect) errors++;
    return { socket, reader };
  };
  const connections = await Promise.all(Array.from({ length: concurrency }, open));
  const t0 = performance.now();
  const deadline = t0 + ms;
  const worker = async ({ socket, reader }: Awaited<ReturnType<typeof open>>) => {
    while (performance.now() < deadline) {
      const bytes = await next();
      const start = performance.now();
      socket.write(bytes);
      const status = await reader.next();
      latencies.push(performance.now() - start);
      if (status !== expect) errors++;
    }
    socket.destroy();
  };
  await Promise.all(connections.map(worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: q(0.5),
    p99: q(0.99),
    errors,
  };
}

const wired = new WeakMap<Req, Uint8Array>();

/**
 * A request as bytes on the wire (HTTP/1.1, keep-alive); a request object sent again (a case
 * whose request never changes) is encoded once, so the generator's own cost stays small.
 */
export function wire(r: Req): Uint8Array {
  const known = wired.get(r);
  if (known !== undefined) return known;
  let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: localhost\r\n`;
  for (const [k, v] of Object.entries(r.headers)) head += `${k}: ${v}\r\n`;
  const body = r.body ?? "";
  if (r.method !== "GET") head += `content-length: ${Buffer.byteLength(body)}\r\n`;
  const bytes = Buffer.from(`${head}\r\n${body}`);
  wired.set(r, bytes);
  return bytes;
}

const HELLO_REQ: Req = { method: "GET", path: "/", headers: {} };
const HELLO: Case<Uint8Array> = { name: "hello", expect: 200, next: () => wire(HELLO_REQ) };

async function main(): Promise<void> {
  const url = arg("url", "");
  const cases = new Map<string, Case<Uint8Array>>([["hello", HELLO]]);
  if (url !== "") {
    const call = (r: Req) => fetch(url + r.path, { ...r, body: r.body ?? null });
    for (const c of await scenarios(url, call, Number(arg("sessions", "0")))) {
      cases.set(c.name, { ...c, next: async () => wire(await c.next()) });
    }
  }
  process.stdout.write(JSON.stringify({ ready: [...cases.keys()] }) + "\n");
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { port: number; case: string; ms: number; concurrency: number };
    const c = cases.get(cmd.case);
    if (c === undefined) throw new Error(`no case ${cmd.case}`);
    const r = await load(cmd.port, c.next, c.expect, cmd.ms, cmd.concurrency);
    process.stdout.write(JSON.stringify(r) + "\n");
  }
}

if (process.argv[1]?.endsWith("loadgen.ts")) await main();
