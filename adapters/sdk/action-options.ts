/**
 * Action-event options checked by hand (`core/wire/action-guards.ts`, held equal to
 * `ActionEventOptionsSchema` by a property test) and mapped to the wire's snake_case
 * attributes. Apart from `options.ts`: the browser entry checks `init` options at once and
 * receives this with the session's chunk.
 *
 * @module
 */
import type { ActionAttributes, TransactionData } from "../../core/wire/telemetry.ts";
import { actionOptionsProblem, dataOf } from "../../core/wire/action-guards.ts";
import { errorOf } from "../../core/errors/error.ts";
import type { ActionEventOptions } from "./options.ts";

/**
 * Validates action options (`ERR_INVALID_INPUT`) and maps them to wire attributes.
 *
 * @example
 * ```ts
 * toActionAttributes({ correlationId: "order-7" }); // { correlation_id: "order-7" }
 * ```
 */
export function toActionAttributes(options: unknown): ActionAttributes {
  const o = (options ?? {}) as ActionEventOptions;
  const problem = actionOptionsProblem(o);
  if (problem !== null) throw errorOf("ERR_INVALID_INPUT", problem);
  return {
    ...(o.correlationId !== undefined ? { correlation_id: o.correlationId } : {}),
    ...(o.claimedUserId !== undefined ? { claimed_user_id: o.claimedUserId } : {}),
    ...(o.claimedUserIdType !== undefined ? { claimed_user_id_type: o.claimedUserIdType } : {}),
    ...(o.transactionData !== undefined
      ? { transaction_data: dataOf(o.transactionData) as TransactionData }
      : {}),
    ...(o.customAttributes !== undefined ? { custom_attributes: dataOf(o.customAttributes) } : {}),
  };
}
