/**
 * The backend client (SPEC §7): client credentials, actions, recommendations, results, user
 * clearing and rules, with typed errors.
 *
 * @module
 */
import * as v from "valibot";
import {
  CompactJws,
  DeviceSessionError,
  errorFromCode,
  parseOrThrow,
  RecommendationSchema,
  RuleSchema,
  TriggerActionResponseSchema,
} from "../../core/mod.ts";
import { createTokenSource } from "./auth.ts";
import { send, type ServiceRequest } from "./http.ts";
import {
  clearUserBody,
  type ClearUserInput,
  reportActionResultBody,
  type ReportActionResultInput,
  triggerActionBody,
  type TriggerActionInput,
} from "./inputs.ts";
import { type BackendClientOptions, resolveBackendOptions } from "./options.ts";
import { type ActionRecommendation, toActionRecommendation } from "./recommendation.ts";
import {
  type BackendRule,
  type BackendRuleInput,
  ruleInputBody,
  rulePath,
  toBackendRule,
} from "./rules.ts";

/** What `triggerAction` answers (SPEC §7.2). */
export interface TriggerActionResult {
  actionId: string;
  /** Fetches the recommendation and reports the result; valid for an hour by default. */
  actionToken: string;
  /** Present when the call asked for it (`getRecommendation: true`). */
  recommendation?: ActionRecommendation;
}

/** A client of the service's backend API; see {@link createBackendClient}. */
export interface BackendClient {
  /** Records an action for a device session (SPEC §7.2). */
  triggerAction(input: TriggerActionInput): Promise<TriggerActionResult>;
  /** The recommendation for an action (SPEC §7.3, §10). */
  getRecommendation(actionToken: string): Promise<ActionRecommendation>;
  /** Reports how the action ended, e.g. after a challenge (SPEC §7.4). */
  reportActionResult(input: ReportActionResultInput): Promise<void>;
  /** Clears the device session's user, e.g. at logout (SPEC §7.5). */
  clearUser(input: ClearUserInput): Promise<void>;
  /** Every rule of this client, by ascending priority as the service lists them (SPEC §7.6). */
  listRules(): Promise<BackendRule[]>;
  createRule(rule: BackendRuleInput): Promise<BackendRule>;
  getRule(id: string): Promise<BackendRule>;
  /** Replaces a rule (every member). */
  updateRule(id: string, rule: BackendRuleInput): Promise<BackendRule>;
  deleteRule(id: string): Promise<void>;
  /** How many access-token requests this client sent (monitoring, tests). */
  readonly tokenRequests: number;
}

const OkSchema: v.GenericSchema<{ ok: true }> = v.looseObject({ ok: v.literal(true) });
const RulesSchema = v.looseObject({ rules: v.array(RuleSchema) });

/**
 * Creates a backend client. It fetches an access token with the client credentials on first
 * use, shares it between calls, renews it before it expires, and on a 401
 * `ERR_UNAUTHENTICATED` renews it once and retries the call once.
 *
 * Errors are `DeviceSessionError`s: `ERR_INVALID_INPUT` for an invalid argument (nothing is
 * sent), the service's own code for an error it answered (e.g. 409 `ERR_REPLAYED`),
 * `ERR_NETWORK`, `ERR_TIMEOUT`, and `ERR_SERVICE` for an answer outside the protocol.
 *
 * @example
 * ```ts
 * declare const securedSessionToken: string; // from the request
 * declare function refuse(): void;
 * const backend = createBackendClient({
 *   baseUrl: "https://risk.example.com",
 *   clientId: "demo",
 *   clientSecret: process.env.DS_CLIENT_SECRET!,
 * });
 * const { actionToken } = await backend.triggerAction({
 *   securedSessionToken, actionType: "transaction", transactionData: { amount: 120.5, currency: "EUR" },
 * });
 * const rec = await backend.getRecommendation(actionToken);
 * if (rec.recommendation.type === "DENY") refuse();
 * ```
 */
export function createBackendClient(options: BackendClientOptions): BackendClient {
  const o = resolveBackendOptions(options);
  const tokens = createTokenSource(o);

  async function call<T>(request: ServiceRequest<T>): Promise<T> {
    const token = await tokens.get();
    try {
      return await send(o, request, token);
    } catch (e) {
      // A token the service no longer accepts (key rotation, restart with a new key, revoked):
      // one renewal and one retry; a second 401 means the credentials themselves are refused.
      if (!(e instanceof DeviceSessionError && e.code === "ERR_UNAUTHENTICATED")) throw e;
      tokens.reject(token);
      return send(o, request, await tokens.get());
    }
  }

  const rule = (method: "GET" | "PUT", path: string, body?: unknown) =>
    call({ method, path, body, expect: 200, schema: RuleSchema }).then(toBackendRule);

  return {
    async triggerAction(input: TriggerActionInput): Promise<TriggerActionResult> {
      const { body, getRecommendation } = triggerActionBody(input);
      const answer = await call({
        method: "POST",
        path: "v1/backend/actions",
        ...(getRecommendation ? { query: { get_recommendation: "true" } } : {}),
        body,
        expect: 201,
        schema: TriggerActionResponseSchema,
      });
      const result: TriggerActionResult = {
        actionId: answer.action_id,
        actionToken: answer.action_token,
      };
      if (answer.recommendation !== undefined || getRecommendation) {
        const r = v.safeParse(RecommendationSchema, answer.recommendation);
        if (!r.success) {
          throw errorFromCode("ERR_SERVICE", "the service answered an invalid recommendation");
        }
        result.recommendation = toActionRecommendation(r.output);
      }
      return result;
    },

    async getRecommendation(actionToken: string): Promise<ActionRecommendation> {
      const token = parseOrThrow(CompactJws, actionToken, "ERR_INVALID_INPUT");
      const answer = await call({
        method: "GET",
        path: "v1/backend/recommendation",
        query: { action_token: token },
        expect: 200,
        schema: RecommendationSchema,
      });
      return toActionRecommendation(answer);
    },

    async reportActionResult(input: ReportActionResultInput): Promise<void> {
      const body = reportActionResultBody(input);
      const path = "v1/backend/actions/result";
      await call({ method: "POST", path, body, expect: 201, schema: OkSchema });
    },

    async clearUser(input: ClearUserInput): Promise<void> {
      const body = clearUserBody(input);
      await call({
        method: "POST",
        path: "v1/backend/users/clear",
        body,
        expect: 200,
        schema: OkSchema,
      });
    },

    async listRules(): Promise<BackendRule[]> {
      const path = "v1/backend/rules";
      const answer = await call({ method: "GET", path, expect: 200, schema: RulesSchema });
      return answer.rules.map(toBackendRule);
    },

    async createRule(input: BackendRuleInput): Promise<BackendRule> {
      const body = ruleInputBody(input);
      const path = "v1/backend/rules";
      return toBackendRule(
        await call({ method: "POST", path, body, expect: 201, schema: RuleSchema }),
      );
    },

    async getRule(id: string): Promise<BackendRule> {
      return await rule("GET", `v1/backend/rules/${rulePath(id)}`);
    },

    async updateRule(id: string, input: BackendRuleInput): Promise<BackendRule> {
      return await rule("PUT", `v1/backend/rules/${rulePath(id)}`, ruleInputBody(input));
    },

    async deleteRule(id: string): Promise<void> {
      const path = `v1/backend/rules/${rulePath(id)}`;
      await call({ method: "DELETE", path, expect: 204, schema: null });
    },

    get tokenRequests(): number {
      return tokens.requests;
    },
  };
}
