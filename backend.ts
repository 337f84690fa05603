/**
 * `device-session/backend`: what a customer's server needs — a client of the service's
 * backend API (SPEC §7) with client credentials, typed errors and camelCase arguments, and
 * middlewares for hono and for connect/express that verify a secure session token locally
 * (SPEC §5.4) before the request reaches your handler.
 *
 * The usual flow: the browser sends `sdk.getSecureSessionToken("transaction")` with its
 * request; the middleware verifies it and consumes its `jti` in your replay store; your handler
 * forwards the same token with `triggerAction`, where the service verifies it again and
 * consumes it in its own store (SPEC §5.7.3: one use at each party); then it acts on the
 * recommendation.
 *
 * @example
 * ```ts
 * import { createBackendClient } from "device-session/backend";
 * declare const token: string; // the request's secure session token
 * declare const proceed: () => void, stepUp: () => void, refuse: () => void;
 *
 * const backend = createBackendClient({
 *   baseUrl: "https://risk.example.com",
 *   clientId: "demo",
 *   clientSecret: process.env.DS_CLIENT_SECRET!,
 * });
 * const { actionToken } = await backend.triggerAction({
 *   securedSessionToken: token,
 *   actionType: "transaction",
 *   transactionData: { amount: 120.5, currency: "EUR" },
 * });
 * const { recommendation } = await backend.getRecommendation(actionToken);
 * switch (recommendation.type) {
 *   case "TRUST": case "ALLOW": proceed(); break;
 *   case "CHALLENGE": stepUp(); break;
 *   case "DENY": refuse(); break;
 * }
 * ```
 *
 * @module
 */
export {
  type BackendClient,
  createBackendClient,
  type TriggerActionResult,
} from "./adapters/backend/client.ts";
export type { BackendClientOptions, FetchLike } from "./adapters/backend/options.ts";
export type {
  ClearUserInput,
  ReportActionResultInput,
  TriggerActionFields,
  TriggerActionInput,
} from "./adapters/backend/inputs.ts";
export type {
  ActionRecommendation,
  RecommendationContext,
} from "./adapters/backend/recommendation.ts";
export type { BackendRule, BackendRuleInput, BackendRuleMatch } from "./adapters/backend/rules.ts";
export {
  rejection,
  SECURE_TOKEN_HEADER,
  type SecureTokenOptions,
  type VerifiedSecureToken,
} from "./adapters/backend/secure-token.ts";
export {
  type SecureTokenEnv,
  secureTokenMiddleware,
  type SecureTokenMiddlewareOptions,
} from "./adapters/backend/hono.ts";
export {
  type ConnectNext,
  type ConnectRequest,
  type ConnectResponse,
  secureTokenConnectMiddleware,
  type SecureTokenConnectOptions,
} from "./adapters/backend/connect.ts";
export { prefixReplayStore } from "./adapters/backend/replay.ts";
export {
  createMemoryReplayStore,
  type MemoryReplayStore,
  type MemoryReplayStoreOptions,
} from "./adapters/replay/memory.ts";
export type { ReplayStore } from "./adapters/replay/types.ts";
export type { JwksOption } from "./adapters/keys/resolve.ts";
export {
  DeviceSessionError,
  type ErrorCode,
  InputError,
  ProtocolError,
  SessionError,
  TokenError,
} from "./core/errors/mod.ts";
export type { ActionResult, ChallengeType, RecommendationType } from "./core/wire/backend.ts";
export type { ClaimedUserIdType, TransactionData } from "./core/wire/telemetry.ts";
export type { FlatAttributes } from "./core/wire/primitives.ts";
export type { SecureTokenResult } from "./core/token/results.ts";
