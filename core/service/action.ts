/**
 * Action records (SPEC §5.5, §7.2, §7.4, §8.6): what the service stores per action event —
 * its attributes, the signal inputs captured when it was recorded (so its recommendation does
 * not drift as counters move on), and the latest reported result.
 *
 * @module
 */
import type { ActionResult, ChallengeType } from "../wire/backend.ts";
import type { KeyAssurance } from "../wire/primitives.ts";
import type { ClaimedUserIdType, TransactionData } from "../wire/telemetry.ts";
import { LOGIN_TYPE_ACTIONS } from "../wire/primitives.ts";
import type { SignalInputs } from "./signals.ts";

/** How an action reached the service. */
export type ActionSource =
  /** A backend, with a session token (SPEC §7.2). */
  | "session"
  /** A backend, with a verified secure session token (SPEC §7.2). */
  | "secure"
  /** The SDK, as an `action` telemetry event (SPEC §8.6). */
  | "telemetry";

/** The latest result reported for an action (SPEC §7.4). */
export interface ActionOutcome {
  readonly result: ActionResult;
  readonly userId: string | null;
  readonly challengeType: ChallengeType | null;
  readonly reportedAtMs: number;
}

/** A stored action. */
export interface ActionRecord {
  /** `a_…` */
  readonly id: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly deviceId: string;
  readonly type: string;
  readonly source: ActionSource;
  /** The telemetry `seq` of an SDK action, else `null`. */
  readonly seq: number | null;
  readonly performedAtMs: number;
  readonly jkt: string;
  readonly keyAssurance: KeyAssurance;
  /** The session's user when the action was recorded. */
  readonly userId: string | null;
  readonly claimedUserId: string | null;
  readonly claimedUserIdType: ClaimedUserIdType | null;
  readonly correlationId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly transactionData: TransactionData | null;
  readonly customAttributes: Readonly<Record<string, string | number | boolean>> | null;
  readonly signals: SignalInputs;
  /** The action token (a duplicate delivery of an SDK action gets the same one, SPEC §8.6). */
  readonly token: string;
  /** The action token's `exp`, seconds: the record is kept until then plus tolerance. */
  readonly expiresAt: number;
  outcome: ActionOutcome | null;
}

/**
 * Whether a successful result with a user id on this action type sets the session's user
 * (SPEC §7.4: login-type actions), rather than applying to the action only.
 *
 * @example
 * ```ts
 * setsSessionUser("login"); // true
 * setsSessionUser("transaction"); // false
 * ```
 */
export function setsSessionUser(actionType: string): boolean {
  return LOGIN_TYPE_ACTIONS.includes(actionType);
}

/**
 * The subject of an action for user-linked signals and counters: the authenticated user, else
 * the claimed one, else `null`.
 *
 * @example
 * ```ts
 * actionSubject({ userId: null, claimedUserId: "h(alice)" }); // "h(alice)"
 * ```
 */
export function actionSubject(a: {
  readonly userId: string | null;
  readonly claimedUserId: string | null;
}): string | null {
  return a.userId ?? a.claimedUserId;
}
