/**
 * device-session — fraud-prevention device sessions with an open protocol (SPEC.md v1).
 *
 * This entry is runtime-agnostic: `init` for custom runtimes, which takes the ports (clock,
 * randomness, timers, key store, transport, storage) you provide, the port types, ready-made
 * ports, and the errors. Runtime entries bind the ports for you: `device-session/browser`,
 * `/node`, `/bun`, `/deno`; the backend verifier is `device-session/verify`; the sans-I/O core
 * (state machine, verification procedures) for embedders is `device-session/core`.
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
import { createDeviceSession, type DeviceSession } from "./adapters/sdk/device-session.ts";
import type { InitOptions } from "./adapters/sdk/options.ts";
import type { CreateOptions } from "./adapters/sdk/device-session.ts";
import type { Ports } from "./adapters/ports.ts";

// The SDK object and its options.
export {
  type CreateOptions,
  type DeviceSession,
  type SessionSnapshot,
  type TelemetrySink,
  telemetrySink,
} from "./adapters/sdk/device-session.ts";
export type { ActionEventOptions, InitOptions } from "./adapters/sdk/options.ts";
export type { Phase, SessionEvent } from "./core/session/mod.ts";
// The ports a custom runtime provides, and ready-made ones.
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
export type { DeviceKeyInfo, Request as SessionRequest } from "./core/session/types.ts";
export {
  MemoryKeyStore,
  systemClock,
  timerScheduler,
  webRandom,
} from "./adapters/sdk/ports-web.ts";
export { FetchTransport, type FetchTransportOptions } from "./adapters/transport/fetch.ts";
export { keyPort, type KeyPortOptions } from "./adapters/keystore/port.ts";
export type { DeviceKeyRecord, DeviceKeyStore } from "./adapters/keystore/types.ts";
export type { DeviceKeyPair } from "./adapters/crypto/keys.ts";
// Errors.
export {
  DeviceSessionError,
  type DeviceSessionErrorOptions,
  InputError,
  ProtocolError,
  SessionError,
  TokenError,
} from "./core/errors/error.ts";
export { ERROR_CODES, type ErrorCode, isErrorCode } from "./core/errors/catalog.ts";

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
