/**
 * Recording an action (SPEC §7.2 backend trigger, §8.6 SDK action event): counters move, the
 * signal inputs are captured, the action token is minted and the record stored once.
 *
 * @module
 */
import type { ActionEventData } from "../../core/mod.ts";
import { type ActionRecord, type ActionSource, actionSubject } from "../../core/service/action.ts";
import type { SessionRecord } from "../../core/service/session.ts";
import type { SignalInputs } from "../../core/service/signals.ts";
import { newActionId } from "./ids.ts";
import type { Deps } from "./context.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Facts of one action to record. */
export interface ActionInput {
  readonly session: SessionRecord;
  readonly source: ActionSource;
  /** The telemetry `seq` of an SDK action. */
  readonly seq: number | null;
  readonly data: ActionEventData;
  /** The session's user at the action. */
  readonly userId: string | null;
  readonly interactionsBefore: number;
  readonly automation: boolean;
  readonly platform: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly nowMs: number;
}

/**
 * Records an action and answers the stored record (for an SDK action already recorded, the
 * existing one: SPEC §8.6).
 *
 * @example
 * ```ts
 * import type { Deps } from "./context.ts";
 * declare const deps: Deps;
 * declare const input: ActionInput; // { session, source: "session", seq: null, data, … }
 * const action = await recordAction(deps, input);
 * action.token; // the action token
 * ```
 */
export async function recordAction(d: Deps, a: ActionInput): Promise<ActionRecord> {
  const s = a.session;
  const c = s.clientId;
  const subject = actionSubject({
    userId: a.userId,
    claimedUserId: a.data.claimed_user_id ?? null,
  });
  const store = d.store;
  const [deviceActions, ipActions, usersPerDevice, devicesPerUser, known] = await Promise.all([
    store.hit(`ds:v:${c}:d:${s.deviceId}`, a.nowMs, MINUTE_MS),
    a.ip === null ? 0 : store.hit(`ds:v:${c}:ip:${a.ip}`, a.nowMs, MINUTE_MS),
    store.addDistinct(`ds:l:${c}:d:${s.deviceId}`, subject, a.nowMs, DAY_MS),
    subject === null ? 0 : store.addDistinct(`ds:l:${c}:u:${subject}`, s.deviceId, a.nowMs, DAY_MS),
    subject === null ? false : store.knowsUser(c, s.deviceId, subject),
  ]);
  const signals: SignalInputs = {
    device_actions_60s: deviceActions,
    ip_actions_60s: ipActions,
    users_per_device_24h: usersPerDevice,
    devices_per_user_24h: devicesPerUser,
    interactions_before_action: a.interactionsBefore,
    automation: a.automation,
    key_changed: s.keyChanged,
    new_device_for_user: subject !== null && !known,
    known_device_for_user: subject !== null && known,
    browser: a.platform === "browser",
    key_assurance: s.keyAssurance,
    telemetry_dropped: s.dropped,
    secure_token: a.source === "secure",
  };
  const id = newActionId(s.id);
  const now = Math.floor(a.nowMs / 1000);
  const minted = await d.tokens.mintAction({
    clientId: c,
    sessionId: s.id,
    actionId: id,
    action: a.data.action_type,
    now,
  });
  const record: ActionRecord = {
    id,
    clientId: c,
    sessionId: s.id,
    deviceId: s.deviceId,
    type: a.data.action_type,
    source: a.source,
    seq: a.seq,
    performedAtMs: a.nowMs,
    jkt: s.jkt,
    keyAssurance: s.keyAssurance,
    userId: a.userId,
    claimedUserId: a.data.claimed_user_id ?? null,
    claimedUserIdType: a.data.claimed_user_id_type ?? null,
    correlationId: a.data.correlation_id ?? null,
    ip: a.ip,
    userAgent: a.userAgent,
    transactionData: a.data.transaction_data ?? null,
    customAttributes: a.data.custom_attributes ?? null,
    signals,
    token: minted.token,
    expiresAt: minted.exp,
    outcome: null,
  };
  // Kept while its token can be presented (plus the verifier's tolerance).
  const keepUntilMs = (minted.exp + d.opts.limits.clockToleranceS) * 1000;
  const stored = await store.putAction(record, keepUntilMs);
  if (stored.id === id) await d.observe.action(c, record.type, a.source, a.nowMs);
  return stored;
}
