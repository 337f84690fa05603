/**
 * `device-session/server`: the self-hostable device-session service (SPEC §6, §7) as a
 * web-standard `fetch(Request) → Response` handler, with the in-memory store. Bind it with the
 * runtime's server: `device-session/server/node`, `…/server/deno` or `…/server/bun` (each
 * exports `serve`), or run the `device-session serve` command.
 *
 * @example
 * ```ts
 * import { createService } from "device-session/server";
 * import { serve } from "device-session/server/node";
 *
 * const service = await createService({
 *   publicUrl: "https://risk.example.com",
 *   clients: [{
 *     id: "shop",
 *     secretSha256: process.env.SHOP_SECRET_SHA256!,
 *     allowedOrigins: ["https://shop.example.com"],
 *   }],
 * });
 * const server = await serve({ fetch: service.fetch, port: 8787, hostname: "0.0.0.0" });
 * process.on("SIGTERM", async () => {
 *   await server.shutdown();
 *   await service.close();
 * });
 * ```
 *
 * @module
 */
export {
  type ClientOptions,
  type ConnectionInfo,
  createService,
  type CreateServiceOptions,
  hashSecret,
  jsonLogger,
  KeyManager,
  type KeyringState,
  type LogEntry,
  type Logger,
  MemoryStore,
  type MemoryStoreOptions,
  type PolicyOptions,
  type RateLimitOptions,
  type Service,
  type ServiceOptions,
  type Store,
} from "./adapters/server/mod.ts";
export type { DeviceRegistration, RuleWrite } from "./adapters/store/types.ts";
export type { FetchHandler, RunningServer, ServeOptions } from "./adapters/server/serve/types.ts";
export { DEFAULT_LIMITS, LIMIT_BOUNDS, type ServiceLimits } from "./core/service/limits.ts";
export {
  DEFAULT_POLICY,
  type RiskPolicy,
  type SignalInputs,
  SIGNALS,
} from "./core/service/signals.ts";
export { recommend } from "./core/service/recommend.ts";
export type { ActionRecord } from "./core/service/action.ts";
export type { SessionPatch, SessionRecord } from "./core/service/session.ts";
