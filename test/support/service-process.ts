/**
 * `device-session serve` as a real child process on a chosen runtime (node, deno or bun,
 * whichever leg runs the test), for multi-process tests. Node comes from PATH, Deno and Bun from
 * the repository's node_modules. Imported dynamically by server-side tests only.
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = `${ROOT}bin/device-session.mjs`;

/** The runtimes a service process can run on. */
export type Runtime = "node" | "deno" | "bun";

const COMMAND: Record<Runtime, [string, string[]]> = {
  node: ["node", [BIN]],
  deno: [`${ROOT}node_modules/.bin/deno`, ["run", "-A", BIN]],
  bun: [`${ROOT}node_modules/.bin/bun`, [BIN]],
};

/** A running service process. */
export interface ServiceProcess {
  readonly runtime: Runtime;
  /** Where it listens (`http://127.0.0.1:port`). */
  readonly url: string;
  /** Sends `signal`; resolves when the process has exited. */
  kill(signal: "SIGTERM" | "SIGKILL"): Promise<void>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Resolves once stderr matches `pattern` (on the output itself, no polling); rejects if
   * the process exits first. */
  stderrMatches(pattern: RegExp): Promise<void>;
}

/**
 * Starts `device-session serve …args` on `runtime` and resolves once its banner names the
 * address (rejects if it exits first).
 */
export function spawnService(
  runtime: Runtime,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const [cmd, pre] = COMMAND[runtime];
  const child = spawn(cmd, [...pre, "serve", ...args], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", ...env },
    cwd: ROOT,
  });
  let err = "";
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  const stderrMatches = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(err)) return;
        child.stderr!.off("data", check);
        resolve();
      };
      child.stderr!.on("data", check);
      check();
      void exited.then(() => reject(new Error(`${runtime} exited before ${pattern}: ${err}`)));
    });
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (b: Uint8Array) => {
      err += new TextDecoder().decode(b);
      const m = /listening on (http:\/\/\S+)/.exec(err);
      // The banner is written in chunks: wait for its last fixed line.
      if (m && /signing keys:/.test(err)) {
        resolve({
          runtime,
          url: m[1]!,
          kill: async (signal) => {
            child.kill(signal);
            await exited;
          },
          stderr: () => err,
          stderrMatches,
        });
      }
    });
    child.on("error", reject);
    void exited.then(() => reject(new Error(`${runtime} service exited: ${err.slice(-3000)}`)));
  });
}
