/**
 * The runtime binding for runtimes with Node's `process` (Node itself and Bun): unref'd
 * timers, SIGINT/SIGTERM handlers, `process.exit`.
 *
 * @module
 */
import process from "node:process";
import { availableParallelism } from "node:os";
import type { RuntimeBinding } from "./server-runtime.ts";

/**
 * The binding for `runtime`, reading its version from `process.versions[runtime]`.
 *
 * @example
 * ```ts
 * import { initServer, type ServerInitOptions } from "./server-runtime.ts";
 * declare const options: ServerInitOptions;
 * initServer(options, nodeLikeBinding("bun"));
 * ```
 */
export function nodeLikeBinding(runtime: "node" | "bun"): RuntimeBinding {
  return {
    runtime: {
      runtime,
      version: (process.versions as Record<string, string | undefined>)[runtime],
      os: process.platform,
      arch: process.arch,
      cpus: availableParallelism(),
    },
    unref: (t) => (t as { unref?: () => void }).unref?.(),
    onSignal: (fn) => {
      const int = () => fn("SIGINT"), term = () => fn("SIGTERM");
      process.once("SIGINT", int);
      process.once("SIGTERM", term);
      return () => {
        process.off("SIGINT", int);
        process.off("SIGTERM", term);
      };
    },
    exit: (code) => process.exit(code),
  };
}
