/**
 * What the Node, Bun and Deno entries share: the key in a file (0600) and the queue, session
 * and device id in files under one directory, unref'd timers so a background refresh never
 * holds a process open, and a clean shutdown on SIGINT/SIGTERM (flush, persist, then exit).
 *
 * @module
 */
import { createFileKeyStore } from "../keystore/file.ts";
import { FileStorage } from "../fs/file-storage.ts";
import { FetchTransport } from "../transport/fetch.ts";
import { serverDeviceAttributes } from "../browser/collectors/server.ts";
import { createDeviceSession, type DeviceSession } from "./device-session.ts";
import { type InitOptions, parseInitOptions } from "./options.ts";
import { keyPort } from "../keystore/port.ts";
import { systemClock, timerScheduler, webRandom } from "./ports-web.ts";

/** Options of the server-runtime entries. */
export interface ServerInitOptions extends InitOptions {
  /** Directory for the key, queue and session files (default `.device-session`). */
  dir?: string;
  /** Shut down cleanly on SIGINT and SIGTERM (default `true`). */
  handleSignals?: boolean;
}

/** What each runtime entry supplies. */
export interface RuntimeBinding {
  readonly runtime: {
    runtime: string;
    version?: string;
    os?: string;
    arch?: string;
    cpus?: number;
  };
  /** Makes a timer not hold the process open. */
  readonly unref: (timer: unknown) => void;
  /** Registers `fn` for SIGINT and SIGTERM; returns the unregister function. */
  readonly onSignal: (fn: (signal: "SIGINT" | "SIGTERM") => void) => () => void;
  /** Ends the process after a signal was handled. */
  readonly exit: (code: number) => void;
}

/**
 * Starts a device session on a server runtime.
 *
 * @example
 * ```ts
 * import { nodeLikeBinding } from "./node-binding.ts";
 * const serverPath = "https://risk.example.com/";
 * const nodeBinding = nodeLikeBinding("node");
 * const ds = initServer({ clientId: "demo", serverPath, enableSessionToken: true }, nodeBinding);
 * ```
 */
export function initServer(options: ServerInitOptions, binding: RuntimeBinding): DeviceSession {
  const { dir = ".device-session", handleSignals = true, ...rest } = options;
  const o = parseInitOptions(rest);
  const ds = createDeviceSession(o, {
    clock: systemClock,
    random: webRandom,
    scheduler: timerScheduler({ unref: binding.unref }),
    keys: keyPort(createFileKeyStore({ directory: dir, name: `${o.clientId}-device-key` })),
    transport: new FetchTransport(),
    storage: new FileStorage({ dir }),
  }, { attributes: serverDeviceAttributes(binding.runtime) });
  if (!handleSignals) return ds;
  const off = binding.onSignal((signal) => {
    off();
    ds.shutdown().finally(() => binding.exit(signal === "SIGINT" ? 130 : 143));
  });
  const shutdown = ds.shutdown;
  return {
    ...ds,
    shutdown: () => {
      off();
      return shutdown();
    },
  };
}
