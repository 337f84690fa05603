/**
 * The SDK's public options and action-event options (Mosaic-style names), validated with
 * valibot and turned into the machine's options and the wire's snake_case attributes.
 *
 * @module
 */
import * as v from "valibot";
import { type MachineOptionsInput, MachineOptionsSchema } from "../../core/session/options.ts";
import {
  type ActionAttributes,
  type ClaimedUserIdType,
  ClaimedUserIdTypeSchema,
  type TransactionData,
  TransactionDataSchema,
} from "../../core/wire/telemetry.ts";
import { type FlatAttributes, flatAttributes, UserId } from "../../core/wire/primitives.ts";
import { parseOrThrow } from "../../core/wire/parse.ts";

/** Options of `init` (Mosaic's `drs` options plus device-session's tunables). */
export interface InitOptions extends MachineOptionsInput {
  /** Client id of the app (SPEC §1.7). */
  clientId: string;
  /** Base URL of the service's device API, e.g. `https://risk.example.com/`. */
  serverPath: string;
  /** Allow `getSessionToken` / `getSecureSessionToken` (default `false`, as in Mosaic). */
  enableSessionToken?: boolean;
  /** An already fully authenticated user, set at start. */
  userId?: string;
  /** `false` disables the SDK entirely: nothing is collected or sent (default `true`). */
  enabled?: boolean;
  /** Per-request timeout in ms (default 10000). */
  requestTimeoutMs?: number;
}

/** Schema of {@link InitOptions}. */
export const InitOptionsSchema: v.GenericSchema<InitOptions> = v.pipe(
  MachineOptionsSchema as v.GenericSchema<InitOptions>,
  v.check(
    (o) => o.userId === undefined || v.is(UserId, o.userId),
    "userId must be a valid user id",
  ),
  v.check(
    (o) =>
      o.requestTimeoutMs === undefined ||
      (Number.isInteger(o.requestTimeoutMs) && o.requestTimeoutMs >= 100 &&
        o.requestTimeoutMs <= 120000),
    "requestTimeoutMs must be an integer 100..120000",
  ),
);

/** Validates `init` options (`ERR_INVALID_INPUT`). */
export function parseInitOptions(options: unknown): InitOptions {
  return parseOrThrow(InitOptionsSchema, options, "ERR_INVALID_INPUT");
}

/** Options of `triggerActionEvent` (Mosaic's `ActionEventOptions`). */
export interface ActionEventOptions {
  /** Relates the action to your own context (an order id, a request id). */
  correlationId?: string;
  /** A user claimed but not yet authenticated — hash it, never send it in plaintext. */
  claimedUserId?: string;
  /** What `claimedUserId` is; only together with `claimedUserId`. */
  claimedUserIdType?: ClaimedUserIdType;
  /** Amount, currency and optional details of a transaction. */
  transactionData?: TransactionData;
  /** Flat string/number/boolean attributes (at most 50). */
  customAttributes?: FlatAttributes;
}

/** Schema of {@link ActionEventOptions}. */
export const ActionEventOptionsSchema: v.GenericSchema<ActionEventOptions> = v.pipe(
  v.strictObject({
    correlationId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
    claimedUserId: v.optional(UserId),
    claimedUserIdType: v.optional(ClaimedUserIdTypeSchema),
    transactionData: v.optional(TransactionDataSchema),
    customAttributes: v.optional(flatAttributes(50, 2048)),
  }),
  v.check(
    (o) => o.claimedUserIdType === undefined || o.claimedUserId !== undefined,
    "claimedUserIdType requires claimedUserId",
  ),
) as v.GenericSchema<ActionEventOptions>;

/** Validates action options (`ERR_INVALID_INPUT`) and maps them to wire attributes. */
export function toActionAttributes(options: unknown): ActionAttributes {
  const o = parseOrThrow(ActionEventOptionsSchema, options ?? {}, "ERR_INVALID_INPUT");
  return {
    ...(o.correlationId !== undefined ? { correlation_id: o.correlationId } : {}),
    ...(o.claimedUserId !== undefined ? { claimed_user_id: o.claimedUserId } : {}),
    ...(o.claimedUserIdType !== undefined ? { claimed_user_id_type: o.claimedUserIdType } : {}),
    ...(o.transactionData !== undefined ? { transaction_data: o.transactionData } : {}),
    ...(o.customAttributes !== undefined ? { custom_attributes: o.customAttributes } : {}),
  };
}
