/**
 * The valibot schemas of the SDK's options: the contract the SDK's hand-written checks
 * (`core/wire/guards.ts`) are held to by a property test.
 *
 * @module
 */
import * as v from "valibot";
import { MachineOptionsSchema } from "../../core/session/options-schema.ts";
import { ClaimedUserIdTypeSchema, TransactionDataSchema } from "../../core/wire/telemetry.ts";
import { flatAttributes, UserId } from "../../core/wire/primitives.ts";
import type { ActionEventOptions, InitOptions } from "./options.ts";

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
