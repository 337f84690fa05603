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
  responseProblem,
} from "./protocol.ts";

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
  let onLine: ((line: string) => void) | null = null;
  let exited: string | null = null;
  const waiters = new Set<(why: string) => void>();
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== "") onLine?.(line);
    }
  });
  const died = (why: string) => {
    exited ??= why;
    for (const w of waiters) w(exited);
    waiters.clear();
  };
  child.on("exit", (code, signal) => died(`the driver exited (${signal ?? `code ${code}`})`));
  child.on("error", (e) => died(`the driver could not start: ${e.message}`));

  // One line at a time: the suite keeps at most one request outstanding (README, "Framing").
  const nextLine = (ms: number, what: string): Promise<string> =>
    new Promise((resolve, reject) => {
      if (exited !== null) return reject(new Error(`${exited}\n${tail()}`));
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${ms} ms\n${tail()}`));
      }, ms);
      const gone = (why: string) => {
        finish();
        reject(new Error(`${why}\n${tail()}`));
      };
      const finish = () => {
        clearTimeout(timer);
        onLine = null;
        waiters.delete(gone);
      };
      waiters.add(gone);
      onLine = (line) => {
        finish();
        resolve(line);
      };
    });
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`the driver wrote a line that is not JSON: ${line.slice(0, 200)}`);
    }
  };

  let seq = 0;
  let chain: Promise<unknown> = Promise.resolve();
  return (async () => {
    const hello = parse(await nextLine(o.helloTimeoutMs ?? 30_000, "hello line"));
    const problem = helloProblem(hello, o.role);
    if (problem !== null) {
      child.kill();
      throw new Error(`handshake refused: ${problem}`);
    }
    const client: HarnessClient = {
      hello: hello as Hello,
      request(req: HarnessRequest): Promise<HarnessResponse> {
        const run = async () => {
          const n = ++seq;
          const line = nextLine(o.requestTimeoutMs ?? 10_000, `response to seq ${n}`);
          child.stdin!.write(`${JSON.stringify({ seq: n, ...req })}\n`);
          const r = parse(await line);
          const p = responseProblem(r, n);
          if (p !== null) throw new Error(`protocol error: ${p}`);
          const { seq: _, ...rest } = r as Record<string, unknown>;
          return rest as HarnessResponse;
        };
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
