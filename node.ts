/**
 * `device-session/node` — the SDK on Node.js (≥ 20): device key in a file (mode 0600), queue
 * and session persisted under a directory, clean shutdown on SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * import { init } from "device-session/node";
 * const ds = init({ clientId: "demo", serverPath: "http://localhost:8787/", enableSessionToken: true });
 * console.log(await ds.getSessionToken());
 * await ds.shutdown();
 * ```
 *
 * @module
 */
import type { DeviceSession } from "./adapters/sdk/device-session.ts";
import { initServer, type ServerInitOptions } from "./adapters/sdk/server-runtime.ts";
import { nodeLikeBinding } from "./adapters/sdk/node-binding.ts";

export type { ServerInitOptions } from "./adapters/sdk/server-runtime.ts";
export type { ActionEventOptions } from "./adapters/sdk/options.ts";
export type { DeviceSession, SessionSnapshot } from "./adapters/sdk/device-session.ts";
export { DeviceSessionError } from "./core/errors/error.ts";
/**
 * Synchronous `node:crypto` verification for `device-session/verify` on Node — faster than
 * WebCrypto: `verifySessionToken(token, { ...options, crypto: nodeCrypto })`.
 */
export { nodeCrypto } from "./adapters/crypto/node.ts";

/**
 * Starts the device session of this process.
 *
 * @example
 * ```ts
 * const serverPath = "https://risk.example.com/";
 * const ds = init({ clientId: "demo", serverPath, enableSessionToken: true, dir: "/var/lib/app/ds" });
 * ```
 */
export function init(options: ServerInitOptions): DeviceSession {
  return initServer(options, nodeLikeBinding("node"));
}
