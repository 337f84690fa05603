/**
 * `device-session/deno` — the SDK on Deno: device key in a file (mode 0600), queue and session
 * persisted under a directory, clean shutdown on SIGINT/SIGTERM. Needs `--allow-net`,
 * `--allow-read` and `--allow-write` for the directory.
 *
 * @example
 * ```ts
 * import { init } from "device-session/deno";
 * const ds = init({ clientId: "demo", serverPath: "http://localhost:8787/", enableSessionToken: true });
 * console.log(await ds.getSessionToken());
 * ```
 *
 * @module
 */
import type { DeviceSession } from "./adapters/sdk/device-session.ts";
import { initServer, type ServerInitOptions } from "./adapters/sdk/server-runtime.ts";

export type { ServerInitOptions } from "./adapters/sdk/server-runtime.ts";
export type { ActionEventOptions } from "./adapters/sdk/options.ts";
export type { DeviceSession, SessionSnapshot } from "./adapters/sdk/device-session.ts";
export { DeviceSessionError } from "./core/errors/error.ts";

interface DenoApi {
  version: { deno: string };
  build: { os: string; arch: string };
  addSignalListener(s: string, f: () => void): void;
  removeSignalListener(s: string, f: () => void): void;
  unrefTimer(id: number): void;
  exit(code: number): never;
}
const D = (globalThis as unknown as { Deno: DenoApi }).Deno;

/**
 * Starts the device session of this Deno process.
 *
 * @example
 * ```ts
 * const serverPath = "https://risk.example.com/";
 * const ds = init({ clientId: "demo", serverPath, enableSessionToken: true, dir: "./.ds" });
 * ```
 */
export function init(options: ServerInitOptions): DeviceSession {
  return initServer(options, {
    runtime: {
      runtime: "deno",
      version: D.version.deno,
      os: D.build.os,
      arch: D.build.arch,
      cpus: navigator.hardwareConcurrency,
    },
    unref: (t) => D.unrefTimer(t as number),
    onSignal: (fn) => {
      const int = () => fn("SIGINT"), term = () => fn("SIGTERM");
      D.addSignalListener("SIGINT", int);
      D.addSignalListener("SIGTERM", term);
      return () => {
        D.removeSignalListener("SIGINT", int);
        D.removeSignalListener("SIGTERM", term);
      };
    },
    exit: (code) => D.exit(code),
  });
}
