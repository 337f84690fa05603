/**
 * The SDK's public options and action-event options (Mosaic-style names), checked by hand
 * (`core/wire/guards.ts`, held equal to the schemas of `options-schema.ts` by a property test)
 * and mapped to the wire's snake_case attributes.
 *
 * @module
 */
import { checkOptions, type MachineOptionsInput } from "../../core/session/options.ts";
import type { ClaimedUserIdType, TransactionData } from "../../core/wire/telemetry.ts";
import type { FlatAttributes } from "../../core/wire/primitives.ts";
import { INIT_OPTIONS } from "../../core/wire/guards.ts";

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

/** Validates `init` options (`ERR_INVALID_INPUT`). */
export function parseInitOptions(options: unknown): InitOptions {
  return checkOptions(INIT_OPTIONS, options as InitOptions);
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
