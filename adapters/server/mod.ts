/**
 * The device-session service: `createService` (a web-standard `fetch` handler), its options,
 * the stores, and tools for secrets. The `serve` helpers for Deno, Bun and Node are separate
 * entries (`device-session/server/deno`, `…/bun`, `…/node`).
 *
 * @module
 */
export {
  type ConnectionInfo,
  createService,
  type CreateServiceOptions,
  type Service,
} from "./app.ts";
export type { ClientOptions, PolicyOptions, RateLimitOptions, ServiceOptions } from "./options.ts";
export { hashSecret } from "./clients.ts";
export { KeyManager, type KeyringState } from "./keys.ts";
export { jsonLogger, type LogEntry, type Logger } from "./http/log.ts";
export { MemoryStore, type MemoryStoreOptions, type Store } from "../store/mod.ts";
