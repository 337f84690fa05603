/**
 * Backend API messages (SPEC §7): access tokens, action triggers, results, user clear, rules.
 *
 * @module
 */
import * as v from "valibot";
import { ActionType, ClientId, CompactJws, Id, UserId } from "./primitives.ts";
import { type ActionAttributes, ActionAttributesSchema } from "./telemetry.ts";

/** `POST /v1/oauth/token` form fields, after form decoding (SPEC §7.1). */
export interface AccessTokenRequest {
  grant_type: "client_credentials";
  client_id?: string;
  client_secret?: string;
}

/** Schema of {@link AccessTokenRequest}. */
export const AccessTokenRequestSchema: v.GenericSchema<AccessTokenRequest> = v.looseObject({
  grant_type: v.literal("client_credentials"),
  client_id: v.optional(ClientId),
  client_secret: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(512))),
});

/** `POST /v1/oauth/token` response (SPEC §7.1). */
export interface AccessTokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

/** Schema of {@link AccessTokenResponse}. */
export const AccessTokenResponseSchema: v.GenericSchema<AccessTokenResponse> = v.looseObject({
  access_token: CompactJws,
  token_type: v.literal("Bearer"),
  expires_in: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  scope: v.string(),
});

/** `POST /v1/backend/actions` body (SPEC §7.2). */
export interface TriggerActionRequest extends ActionAttributes {
  action_type: string;
  session_token?: string;
  secured_session_token?: string;
  ip?: string;
  user_agent?: string;
}

/** Schema of {@link TriggerActionRequest}: exactly one of the two tokens. */
export const TriggerActionRequestSchema: v.GenericSchema<TriggerActionRequest> = v.pipe(
  v.intersect([
    v.looseObject({
      action_type: ActionType,
      session_token: v.optional(CompactJws),
      secured_session_token: v.optional(CompactJws),
      ip: v.optional(v.pipe(v.string(), v.ip())),
      user_agent: v.optional(v.pipe(v.string(), v.maxLength(1024))),
    }),
    ActionAttributesSchema,
  ]),
  v.check(
    (b) => (b.session_token === undefined) !== (b.secured_session_token === undefined),
    "exactly one of `session_token`, `secured_session_token`",
  ),
) as v.GenericSchema<TriggerActionRequest>;

/** Recommendation types (SPEC §10.1). */
export type RecommendationType = "TRUST" | "ALLOW" | "CHALLENGE" | "DENY";

/** Schema of {@link RecommendationType}. */
export const RecommendationTypeSchema: v.GenericSchema<RecommendationType> = v.picklist([
  "TRUST",
  "ALLOW",
  "CHALLENGE",
  "DENY",
]);

/** Action results (SPEC §7.4). */
export type ActionResult = "success" | "failure" | "incomplete";

/** Challenge types (SPEC §7.4). */
export type ChallengeType =
  | "sms_otp"
  | "email_otp"
  | "totp"
  | "push_otp"
  | "voice_otp"
  | "idv"
  | "captcha"
  | "password"
  | "passkey";

/** `POST /v1/backend/actions/result` body (SPEC §7.4). */
export interface ActionResultRequest {
  action_token: string;
  result: ActionResult;
  user_id?: string;
  challenge_type?: ChallengeType;
}

/** Schema of {@link ActionResultRequest}. */
export const ActionResultRequestSchema: v.GenericSchema<ActionResultRequest> = v.looseObject({
  action_token: CompactJws,
  result: v.picklist(["success", "failure", "incomplete"]),
  user_id: v.optional(UserId),
  challenge_type: v.optional(
    v.picklist([
      "sms_otp",
      "email_otp",
      "totp",
      "push_otp",
      "voice_otp",
      "idv",
      "captcha",
      "password",
      "passkey",
    ]),
  ),
});

/** `POST /v1/backend/users/clear` body (SPEC §7.5). */
export interface ClearUserRequest {
  session_token?: string;
  secured_session_token?: string;
  action_type?: string;
}

/** Schema of {@link ClearUserRequest}: a session token, or a secure token with its action. */
export const ClearUserRequestSchema: v.GenericSchema<ClearUserRequest> = v.pipe(
  v.looseObject({
    session_token: v.optional(CompactJws),
    secured_session_token: v.optional(CompactJws),
    action_type: v.optional(ActionType),
  }),
  v.check(
    (b) => (b.session_token === undefined) !== (b.secured_session_token === undefined),
    "exactly one of `session_token`, `secured_session_token`",
  ),
  v.check(
    (b) => b.secured_session_token === undefined || b.action_type !== undefined,
    "a `secured_session_token` needs its `action_type`",
  ),
) as v.GenericSchema<ClearUserRequest>;

/** A rule's matcher: exactly one member (SPEC §7.6). */
export interface RuleMatch {
  ip_cidrs?: string[];
  device_ids?: string[];
  user_ids?: string[];
  key_thumbprints?: string[];
  action_types?: string[];
}

/** A rule as written by a backend (SPEC §7.6). */
export interface RuleInput {
  name: string;
  priority: number;
  enabled: boolean;
  mode: "production" | "preview";
  match: RuleMatch;
  recommendation: RecommendationType;
}

/** A stored rule. */
export interface Rule extends RuleInput {
  id: string;
}

const IPV4_CIDR =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9A-Fa-f:.]{2,45}\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** An IPv4 or IPv6 CIDR string. */
export const Cidr: v.GenericSchema<string> = v.pipe(
  v.string(),
  v.check((s) => IPV4_CIDR.test(s) || (IPV6_CIDR.test(s) && s.includes(":")), "a CIDR"),
);

const list = <T>(item: v.GenericSchema<T>) =>
  v.optional(v.pipe(v.array(item), v.minLength(1), v.maxLength(1000)));

/** Schema of {@link RuleMatch}. */
export const RuleMatchSchema: v.GenericSchema<RuleMatch> = v.pipe(
  v.strictObject({
    ip_cidrs: list(Cidr),
    device_ids: list(Id),
    user_ids: list(UserId),
    key_thumbprints: list(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))),
    action_types: list(ActionType),
  }),
  v.check((m) => Object.keys(m).length === 1, "exactly one matcher"),
) as v.GenericSchema<RuleMatch>;

/** Schema of {@link RuleInput}. */
export const RuleInputSchema: v.GenericSchema<RuleInput> = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  priority: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  enabled: v.boolean(),
  mode: v.picklist(["production", "preview"]),
  match: RuleMatchSchema,
  recommendation: RecommendationTypeSchema,
});

/** Schema of {@link Rule}. */
export const RuleSchema: v.GenericSchema<Rule> = v.looseObject({
  id: Id,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  priority: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
  enabled: v.boolean(),
  mode: v.picklist(["production", "preview"]),
  match: RuleMatchSchema,
  recommendation: RecommendationTypeSchema,
});

/** `POST /v1/backend/actions` response (SPEC §7.2). */
export interface TriggerActionResponse {
  action_id: string;
  action_token: string;
  recommendation?: unknown;
}

/** Schema of {@link TriggerActionResponse}. */
export const TriggerActionResponseSchema: v.GenericSchema<TriggerActionResponse> = v.looseObject({
  action_id: Id,
  action_token: CompactJws,
  recommendation: v.optional(v.unknown()),
});
