/**
 * Arguments of the action calls (SPEC §7.2, §7.4, §7.5): camelCase in JavaScript, validated
 * with valibot (`ERR_INVALID_INPUT`, nothing sent), then turned into the snake_case wire body
 * and checked once more against the wire schema, so the client never sends what the protocol
 * does not allow.
 *
 * @module
 */
import * as v from "valibot";
import {
  type ActionResult,
  type ActionResultRequest,
  ActionResultRequestSchema,
  ActionType,
  type ChallengeType,
  type ClaimedUserIdType,
  ClaimedUserIdTypeSchema,
  type ClearUserRequest,
  ClearUserRequestSchema,
  CompactJws,
  type FlatAttributes,
  JsonObject,
  parseOrThrow,
  type TransactionData,
  TransactionDataSchema,
  type TriggerActionRequest,
  TriggerActionRequestSchema,
  UserId,
} from "../../core/mod.ts";

/** The attributes of {@link TriggerActionInput} other than the token. */
export interface TriggerActionFields {
  /** The action type (SPEC §1.5); a secure token must be bound to it. */
  actionType: string;
  /** Your id for the action (e.g. an order number), echoed in the recommendation. */
  correlationId?: string;
  /** The user the request claims to be (hashed, not plaintext). */
  claimedUserId?: string;
  /** What {@link TriggerActionFields.claimedUserId} is; only with it. */
  claimedUserIdType?: ClaimedUserIdType;
  /** Amount (> 0) and ISO 4217 currency, plus any members of your own. */
  transactionData?: TransactionData;
  /** At most 50 string, number or boolean values. */
  customAttributes?: FlatAttributes;
  /** The end user's IP as your server sees it (velocity by IP uses it). */
  ip?: string;
  /** The end user's `User-Agent`. */
  userAgent?: string;
  /** Evaluate and answer the recommendation in the same call. */
  getRecommendation?: boolean;
}

/** Arguments of `triggerAction`: exactly one of the two tokens (SPEC §7.2). */
export type TriggerActionInput =
  & TriggerActionFields
  & (
    | { sessionToken: string; securedSessionToken?: undefined }
    | { securedSessionToken: string; sessionToken?: undefined }
  );

/** Arguments of `reportActionResult` (SPEC §7.4). */
export interface ReportActionResultInput {
  actionToken: string;
  result: ActionResult;
  /** On a successful login-type action, the user it authenticated (sets the session's user). */
  userId?: string;
  challengeType?: ChallengeType;
}

/** Arguments of `clearUser` (SPEC §7.5): a session token, or a secure token and its action. */
export type ClearUserInput =
  | { sessionToken: string; securedSessionToken?: undefined; actionType?: undefined }
  | { securedSessionToken: string; actionType: string; sessionToken?: undefined };

const one = <T extends { sessionToken?: string; securedSessionToken?: string }>(b: T): boolean =>
  (b.sessionToken === undefined) !== (b.securedSessionToken === undefined);
const ONE_TOKEN = "exactly one of sessionToken and securedSessionToken";

const TriggerSchema = v.pipe(
  v.strictObject({
    sessionToken: v.optional(CompactJws),
    securedSessionToken: v.optional(CompactJws),
    actionType: ActionType,
    // Types and shapes here; the wire schema below holds the size limits (one place).
    correlationId: v.optional(v.string()),
    claimedUserId: v.optional(UserId),
    claimedUserIdType: v.optional(ClaimedUserIdTypeSchema),
    transactionData: v.optional(TransactionDataSchema),
    customAttributes: v.optional(JsonObject),
    ip: v.optional(v.pipe(v.string(), v.ip())),
    userAgent: v.optional(v.pipe(v.string(), v.maxLength(1024))),
    getRecommendation: v.optional(v.boolean()),
  }),
  v.check(one, ONE_TOKEN),
  v.check(
    (b) => b.claimedUserIdType === undefined || b.claimedUserId !== undefined,
    "claimedUserIdType requires claimedUserId",
  ),
);

const ResultSchema = v.strictObject({
  actionToken: CompactJws,
  result: v.picklist(["success", "failure", "incomplete"]),
  userId: v.optional(UserId),
  challengeType: v.optional(v.string()),
});

const ClearSchema = v.pipe(
  v.strictObject({
    sessionToken: v.optional(CompactJws),
    securedSessionToken: v.optional(CompactJws),
    actionType: v.optional(ActionType),
  }),
  v.check(one, ONE_TOKEN),
  v.check(
    (b) => (b.securedSessionToken === undefined) === (b.actionType === undefined),
    "actionType goes with securedSessionToken, and only with it",
  ),
);

/** Copies the members whose value is defined, under their wire names. */
function wire(pairs: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(pairs.filter(([, value]) => value !== undefined));
}

/**
 * The wire body of `triggerAction` and whether to ask for the recommendation inline.
 *
 * @example
 * ```ts
 * declare const sessionToken: string;
 * const { body, getRecommendation } = triggerActionBody({ sessionToken, actionType: "login" });
 * ```
 */
export function triggerActionBody(
  input: TriggerActionInput,
): { body: TriggerActionRequest; getRecommendation: boolean } {
  const i = parseOrThrow(TriggerSchema, input, "ERR_INVALID_INPUT");
  const body = wire([
    ["action_type", i.actionType],
    ["session_token", i.sessionToken],
    ["secured_session_token", i.securedSessionToken],
    ["correlation_id", i.correlationId],
    ["claimed_user_id", i.claimedUserId],
    ["claimed_user_id_type", i.claimedUserIdType],
    ["transaction_data", i.transactionData],
    ["custom_attributes", i.customAttributes],
    ["ip", i.ip],
    ["user_agent", i.userAgent],
  ]);
  return {
    body: parseOrThrow(TriggerActionRequestSchema, body, "ERR_INVALID_INPUT"),
    getRecommendation: i.getRecommendation ?? false,
  };
}

/**
 * The wire body of `reportActionResult`.
 *
 * @example
 * ```ts
 * declare const actionToken: string;
 * reportActionResultBody({ actionToken, result: "success", userId: "u-1" });
 * ```
 */
export function reportActionResultBody(input: ReportActionResultInput): ActionResultRequest {
  const i = parseOrThrow(ResultSchema, input, "ERR_INVALID_INPUT");
  const body = wire([
    ["action_token", i.actionToken],
    ["result", i.result],
    ["user_id", i.userId],
    ["challenge_type", i.challengeType],
  ]);
  // The wire schema holds the list of challenge types: one list, checked here.
  return parseOrThrow(ActionResultRequestSchema, body, "ERR_INVALID_INPUT");
}

/**
 * The wire body of `clearUser`.
 *
 * @example
 * ```ts
 * declare const securedSessionToken: string;
 * clearUserBody({ securedSessionToken, actionType: "logout" });
 * ```
 */
export function clearUserBody(input: ClearUserInput): ClearUserRequest {
  const i = parseOrThrow(ClearSchema, input, "ERR_INVALID_INPUT");
  const body = wire([
    ["session_token", i.sessionToken],
    ["secured_session_token", i.securedSessionToken],
    ["action_type", i.actionType],
  ]);
  return parseOrThrow(ClearUserRequestSchema, body, "ERR_INVALID_INPUT");
}
