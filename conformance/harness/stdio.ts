/**
 * The stdio transport of the harness protocol: launches a driver command as a subprocess (through
 * the shell, so `--cmd "java -jar driver.jar"` works), reads its line-delimited JSON on stdout,
 * keeps the last lines of its stderr for failure messages. Server runtimes only (node:child_process
 * works on Node, Deno and Bun).
 *
 * @module
 */
import { spawn } from "node:child_process";
import {
  type HarnessClient,
  type HarnessRequest,
  type HarnessResponse,
  type Hello,
  helloProblem,
  type RequestOptions,
  responseProblem,
} from "./protocol.ts";

/** A request waiting for its response. */
interface Pending {
  settle(response: unknown): void;
  fail(why: string): void;
}

/** Options of {@link spawnDriver}. */
export interface SpawnOptions {
  /** The shell command that starts the driver. */
  readonly cmd: string;
  readonly role: Hello["role"];
  /** Working directory (default: the current one). */
  readonly cwd?: string;
  /** Time allowed for the hello line, ms (default 30000: some runtimes compile at start). */
  readonly helloTimeoutMs?: number;
  /** Time allowed for each response, ms (default 10000). */
  readonly requestTimeoutMs?: number;
}

/**
 * Starts a driver and waits for its handshake.
 *
 * @example
 * ```ts
 * const options = { clientId: "demo", serverPath: "https://risk.example.com/" };
 * const driver = await spawnDriver({ cmd: "node --import tsx conformance/drivers/sdk-driver.ts", role: "sdk" });
 * const r = await driver.request({ type: "machine.create", options });
 * await driver.close();
 * ```
 */
export function spawnDriver(o: SpawnOptions): Promise<HarnessClient> {
  const child = spawn(o.cmd, {
    shell: true,
    cwd: o.cwd,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  const tail = () => stderr.join("").split("\n").slice(-20).join("\n");
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (s: string) => {
    stderr.push(s);
    if (stderr.length > 200) stderr.splice(0, 100);
  });
  let buffer = "";
  let exited: string | null = null;
  // Before the hello one line is awaited; after it, responses are matched to requests by seq.
  let onHello: ((line: string) => void) | null = null;
  const pending = new Map<number, Pending>();
  const waiters = new Set<(why: string) => void>();
  const onResponse = (line: string) => {
    let r: unknown;
    try {
      r = parse(line);
    } catch (e) {
      return failAll((e as Error).message);
    }
    const n = (r as { seq?: unknown } | null)?.seq;
    const p = typeof n === "number" ? pending.get(n) : undefined;
    if (p === undefined) {
      const open = [...pending.keys()].join(", ") || "none";
      return failAll(`protocol error: expected seq ${open}, got ${JSON.stringify(n)}`);
    }
    p.settle(r);
  };
  const failAll = (why: string) => {
    for (const p of [...pending.values()]) p.fail(why);
  };
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line.trim() === "") continue;
      if (onHello !== null) onHello(line);
      else onResponse(line);
    }
  });
  const died = (why: string) => {
    exited ??= why;
    for (const w of waiters) w(exited);
    waiters.clear();
    failAll(exited);
  };
  child.on("exit", (code, signal) => died(`the driver exited (${signal ?? `code ${code}`})`));
  child.on("error", (e) => died(`the driver could not start: ${e.message}`));

  const helloLine = (ms: number): Promise<string> =>
    new Promise((resolve, reject) => {
      if (exited !== null) return reject(new Error(`${exited}\n${tail()}`));
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no hello line within ${ms} ms\n${tail()}`));
      }, ms);
      const gone = (why: string) => {
        finish();
        reject(new Error(`${why}\n${tail()}`));
      };
      const finish = () => {
        clearTimeout(timer);
        onHello = null;
        waiters.delete(gone);
      };
      waiters.add(gone);
      onHello = (line) => {
        finish();
        resolve(line);
      };
    });
  function parse(line: string): unknown {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`the driver wrote a line that is not JSON: ${line.slice(0, 200)}`);
    }
  }

  // Role sdk-api: requests overlap (README, "Black-box SDK drivers"); others: one at a time.
  const concurrent = o.role === "sdk-api";
  let seq = 0;
  let chain: Promise<unknown> = Promise.resolve();
  return (async () => {
    const hello = parse(await helloLine(o.helloTimeoutMs ?? 30_000));
    const problem = helloProblem(hello, o.role);
    if (problem !== null) {
      child.kill();
      throw new Error(`handshake refused: ${problem}`);
    }
    const client: HarnessClient = {
      hello: hello as Hello,
      request(req: HarnessRequest, options: RequestOptions = {}): Promise<HarnessResponse> {
        const run = () =>
          new Promise<HarnessResponse>((resolve, reject) => {
            const n = ++seq;
            if (exited !== null) return reject(new Error(`${exited}\n${tail()}`));
            const ms = options.timeoutMs ?? o.requestTimeoutMs ?? 10_000;
            const timer = setTimeout(
              () => entry.fail(`no response to seq ${n} within ${ms} ms`),
              ms,
            );
            const entry: Pending = {
              settle(r) {
                clearTimeout(timer);
                pending.delete(n);
                const p = responseProblem(r, n);
                if (p !== null) return reject(new Error(`protocol error: ${p}`));
                const { seq: _, ...rest } = r as Record<string, unknown>;
                resolve(rest as HarnessResponse);
              },
              fail(why) {
                clearTimeout(timer);
                pending.delete(n);
                reject(new Error(`${why}\n${tail()}`));
              },
            };
            pending.set(n, entry);
            child.stdin!.write(`${JSON.stringify({ seq: n, ...req })}\n`);
          });
        if (concurrent) return run();
        const p = chain.then(run, run);
        chain = p.catch(() => {});
        return p;
      },
      async close(): Promise<void> {
        if (exited === null) {
          try {
            await Promise.race([
              client.request({ type: "shutdown" }),
              new Promise((r) => setTimeout(r, 1000)),
            ]);
          } catch { /* it may exit before answering */ }
        }
        child.stdin!.end();
        if (exited === null) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              child.kill();
              resolve();
            }, 2000);
            waiters.add(() => {
              clearTimeout(t);
              resolve();
            });
          });
        }
      },
      stderrTail: tail,
    };
    return client;
  })();
}
