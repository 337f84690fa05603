/**
 * The benchmarks' side of the load generator: starts `bench/server/loadgen.ts` in its own Node
 * process (so it never runs on the server's event loop) and talks to it one JSON line per run.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { LoadResult } from "./loadgen.ts";

/** A running load generator. */
export interface LoadGen {
  /** Settles once the generator has prepared its sessions and bodies. */
  readonly ready: Promise<void>;
  /** Runs one slot (`{ port, case, ms, concurrency }`) and answers its figures. */
  run(c: object): Promise<LoadResult>;
  stop(): void;
}

/**
 * Starts the load generator against the service at `url`, with extra `--name=value` arguments.
 *
 * @example
 * ```ts
 * const gen = startLoadgen("http://127.0.0.1:8787", ["--prepared=4000"]);
 * await gen.ready;
 * const r = await gen.run({ port: 8787, case: "hello", ms: 500, concurrency: 10 });
 * gen.stop();
 * ```
 */
export function startLoadgen(url: string, args: readonly string[] = []): LoadGen {
  const child = spawn("node", [
    "--import",
    "tsx",
    "bench/server/loadgen.ts",
    `--url=${url}`,
    ...args,
  ], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const line = async () => {
    const l = await lines.next();
    if (l.done) throw new Error("the load generator exited");
    return JSON.parse(l.value);
  };
  return {
    ready: line().then(() => undefined),
    async run(c) {
      child.stdin!.write(JSON.stringify(c) + "\n");
      return await line();
    },
    stop: () => void child.kill(),
  };
}

/** The median (upper for an even count) of `xs`. */
export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
