/**
 * `serve --workers N`: N processes of the same runtime serve one port on a shared store, so a
 * machine's cores all work. Node and Bun fork with `node:cluster` (Node's workers share the
 * primary's socket; Bun's bind with `SO_REUSEPORT`); Deno spawns itself with `--unstable-net`
 * and binds with `reusePort`. The supervisor serves nothing: it starts, forwards signals and
 * waits.
 *
 * @module
 */
import cluster from "node:cluster";
import { spawn } from "node:child_process";
import process from "node:process";

/** Marks a worker process (set by the supervisor). */
export const WORKER_ENV = "DEVICE_SESSION_WORKER";

/**
 * Starts `n` workers of this process's command (Node, Bun: `node:cluster`; Deno: a child
 * process with `--unstable-net`).
 *
 * @example
 * ```ts
 * const { exited } = runWorkers(2, { DEVICE_SESSION_PORT: "8787" }, null);
 * ```
 */
export function runWorkers(
  n: number,
  env: Record<string, string>,
  deno: { execPath(): string; mainModule: string } | null,
): { exited: Promise<number>; stop(): void } {
  const workerEnv = { ...env, [WORKER_ENV]: "1" };
  const exits: Promise<number>[] = [];
  const stops: (() => void)[] = [];
  for (let i = 0; i < n; i++) {
    if (deno !== null) {
      const script = new URL(deno.mainModule).pathname;
      const child = spawn(deno.execPath(), [
        "run",
        "-A",
        "--unstable-net",
        script,
        ...process.argv.slice(2),
      ], {
        stdio: "inherit",
        env: { ...process.env, ...workerEnv },
      });
      exits.push(new Promise((r) => child.on("exit", (code) => r(code ?? 1))));
      stops.push(() => void child.kill("SIGTERM"));
    } else {
      const worker = cluster.fork(workerEnv);
      exits.push(new Promise((r) => worker.on("exit", (code) => r(code ?? 1))));
      stops.push(() => void worker.process.kill("SIGTERM"));
    }
  }
  return {
    exited: Promise.all(exits).then((codes) => Math.max(0, ...codes)),
    stop: () => stops.forEach((s) => s()),
  };
}
