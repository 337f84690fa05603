/**
 * The SDK facade and web-standard ports.
 *
 * @module
 */
export {
  createDeviceSession,
  type CreateOptions,
  type DeviceSession,
  type SessionSnapshot,
} from "./device-session.ts";
export {
  type ActionEventOptions,
  ActionEventOptionsSchema,
  type InitOptions,
  InitOptionsSchema,
  parseInitOptions,
  toActionAttributes,
} from "./options.ts";
export { MemoryKeyStore, signerFor, systemClock, timerScheduler, webRandom } from "./ports-web.ts";
export { keyPort } from "./keys.ts";
