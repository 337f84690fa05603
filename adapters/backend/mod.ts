/**
 * The backend side of device-session: a client of the service's backend API (SPEC §7) and
 * middlewares that verify secure session tokens locally before calling it (SPEC §5.4, §5.7.3).
 *
 * @module
 */
export { type BackendClient, createBackendClient, type TriggerActionResult } from "./client.ts";
export type { BackendClientOptions, FetchLike } from "./options.ts";
export type {
  ClearUserInput,
  ReportActionResultInput,
  TriggerActionFields,
  TriggerActionInput,
} from "./inputs.ts";
export type { ActionRecommendation, RecommendationContext } from "./recommendation.ts";
export type { BackendRule, BackendRuleInput, BackendRuleMatch } from "./rules.ts";
export {
  rejection,
  SECURE_TOKEN_HEADER,
  type SecureTokenOptions,
  type VerifiedSecureToken,
} from "./secure-token.ts";
export {
  type SecureTokenEnv,
  secureTokenMiddleware,
  type SecureTokenMiddlewareOptions,
} from "./hono.ts";
export {
  type ConnectNext,
  type ConnectRequest,
  type ConnectResponse,
  secureTokenConnectMiddleware,
  type SecureTokenConnectOptions,
} from "./connect.ts";
export { prefixReplayStore } from "./replay.ts";
