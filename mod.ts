/**
 * device-session — fraud-prevention device sessions with an open protocol (SPEC.md v1).
 *
 * This entry is runtime-agnostic: the pure core (schemas, errors, state machine, token rules)
 * and `init` for custom runtimes, which takes the ports (clock, randomness, timers, key store,
 * transport, storage) you provide. Runtime entries bind them for you: `device-session/browser`,
 * `/node`, `/bun`, `/deno`; the backend verifier is `device-session/verify`.
 *
 * @example
 * ```ts
 * import { FetchTransport, init, MemoryKeyStore, systemClock, timerScheduler, webRandom } from "device-session";
 * import type { Storage } from "device-session";
 * declare const myStorage: Storage; // where your runtime keeps the session and queue
 * const ds = init(
 *   { clientId: "demo", serverPath: "https://risk.example.com/", enableSessionToken: true },
 *   { clock: systemClock, random: webRandom, scheduler: timerScheduler(), keys: new MemoryKeyStore(),
 *     transport: new FetchTransport(), storage: myStorage },
 * );
 * const token = await ds.getSessionToken();
 * ```
 *
 * @module
 */
import {
  createDeviceSession,
  type CreateOptions,
  type DeviceSession,
} from "./adapters/sdk/device-session.ts";
import type { InitOptions } from "./adapters/sdk/options.ts";
import type { Ports } from "./adapters/ports.ts";

export * from "./core/mod.ts";
export * from "./adapters/sdk/mod.ts";
export type {
  Clock,
  KeyStore,
  Ports,
  Random,
  Scheduler,
  Signer,
  Storage,
  Transport,
  TransportResponse,
} from "./adapters/ports.ts";
export { type DriverOptions, SessionDriver } from "./adapters/driver/mod.ts";
export { FetchTransport, type FetchTransportOptions } from "./adapters/transport/mod.ts";

/**
 * Starts a device session on the ports you provide (custom runtimes). Returns at once; the
 * session is created in the background and every method waits for it as needed.
 *
 * @example
 * ```ts
 * import type { Ports } from "device-session";
 * declare const ports: Ports; // your runtime's clock, randomness, timers, keys, transport, storage
 * const serverPath = "https://risk.example.com/";
 * const ds = init({ clientId: "demo", serverPath, enableSessionToken: true }, ports);
 * const { actionToken } = await ds.triggerActionEvent("login", { correlationId: "req-1" });
 * ```
 */
export function init(options: InitOptions, ports: Ports, extra?: CreateOptions): DeviceSession {
  return createDeviceSession(options, ports, extra);
}
