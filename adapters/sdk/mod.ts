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
export { type ActionEventOptions, type InitOptions, parseInitOptions } from "./options.ts";
export { actionAttributes } from "./action-options.ts";
export { ActionEventOptionsSchema, InitOptionsSchema } from "./options-schema.ts";
export { MemoryKeyStore, signerFor, systemClock, timerScheduler, webRandom } from "./ports-web.ts";
export { keyPort } from "../keystore/port.ts";
