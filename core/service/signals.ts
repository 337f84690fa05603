/**
 * Risk signals (SPEC §10.3) as one readable table: reason code, default weight, and the
 * condition over the signal inputs captured when the action was recorded. Weights and
 * thresholds are policy, configurable per service.
 *
 * @module
 */
import type { KeyAssurance } from "../wire/primitives.ts";

/** The signal inputs of one action, captured when it was recorded. */
export interface SignalInputs {
  /** Actions from the session's device in the 60 s up to and including this one. */
  readonly device_actions_60s: number;
  /** Actions from the end user's IP in the 60 s up to and including this one (0: no IP). */
  readonly ip_actions_60s: number;
  /** Distinct users seen on the device in 24 h. */
  readonly users_per_device_24h: number;
  /** Distinct devices seen for the user in 24 h (0: no user). */
  readonly devices_per_user_24h: number;
  /** Interaction events stored for the session before the action. */
  readonly interactions_before_action: number;
  /** The session reported `automation: true`. */
  readonly automation: boolean;
  /** The session's create presented a device id bound to another key (SPEC §6.2). */
  readonly key_changed: boolean;
  /** There is a user (or claimed user) and the device was never associated with them. */
  readonly new_device_for_user: boolean;
  /** There is a user and the device was associated with them before. */
  readonly known_device_for_user: boolean;
  /** The session's platform is `browser`. */
  readonly browser: boolean;
  readonly key_assurance: KeyAssurance;
  /** Cumulative events the device reported dropped for the session. */
  readonly telemetry_dropped: number;
  /** The action was triggered with a verified secure session token. */
  readonly secure_token: boolean;
}

/** Reason codes of signals (SPEC §10.3), in table order. */
export type SignalReason =
  | "AUTOMATION"
  | "NO_INTERACTION"
  | "VELOCITY_DEVICE"
  | "VELOCITY_IP"
  | "MANY_USERS_PER_DEVICE"
  | "MANY_DEVICES_PER_USER"
  | "NEW_DEVICE_FOR_USER"
  | "KEY_CHANGED"
  | "EPHEMERAL_KEY"
  | "TELEMETRY_DROPPED"
  | "SECURE_TOKEN";

/** Signal thresholds ("more than n"). */
export interface SignalThresholds {
  readonly velocityDevice: number;
  readonly velocityIp: number;
  readonly usersPerDevice: number;
  readonly devicesPerUser: number;
}

/** Score bands turning a score into a type (SPEC §10.2 step 3). */
export interface ScoreBands {
  /** `DENY` at or above. */
  readonly deny: number;
  /** `CHALLENGE` at or above. */
  readonly challenge: number;
  /** `TRUST` at or below (with a secure token on a device known for the user). */
  readonly trust: number;
}

/** The whole scoring policy. */
export interface RiskPolicy {
  /** Score before any signal (SPEC §10.2: 10). */
  readonly base: number;
  readonly weights: Readonly<Record<SignalReason, number>>;
  readonly thresholds: SignalThresholds;
  readonly bands: ScoreBands;
}

/** One row of the signal table. */
export interface SignalRow {
  readonly reason: SignalReason;
  /** Default weight in points (SPEC §10.3). */
  readonly weight: number;
  /** The condition, as SPEC §10.3 words it. */
  readonly when: string;
  readonly present: (s: SignalInputs, t: SignalThresholds) => boolean;
}

// deno-fmt-ignore
/**
 * SPEC §10.3, in table order (the order of `reasons`).
 *
 * @example
 * ```ts
 * SIGNALS.map((r) => r.reason); // ["AUTOMATION", "NO_INTERACTION", …]
 * ```
 */
export const SIGNALS: readonly SignalRow[] = [
  { reason: "AUTOMATION",            weight: 60,  when: "the session reported automation: true",               present: (s) => s.automation },
  { reason: "NO_INTERACTION",        weight: 25,  when: "browser session, no interaction before the action",    present: (s) => s.browser && s.interactions_before_action === 0 },
  { reason: "VELOCITY_DEVICE",       weight: 30,  when: "> velocityDevice actions from the device in 60 s",      present: (s, t) => s.device_actions_60s > t.velocityDevice },
  { reason: "VELOCITY_IP",           weight: 20,  when: "> velocityIp actions from the IP in 60 s",              present: (s, t) => s.ip_actions_60s > t.velocityIp },
  { reason: "MANY_USERS_PER_DEVICE", weight: 25,  when: "> usersPerDevice distinct users on the device in 24 h", present: (s, t) => s.users_per_device_24h > t.usersPerDevice },
  { reason: "MANY_DEVICES_PER_USER", weight: 15,  when: "> devicesPerUser distinct devices for the user in 24 h", present: (s, t) => s.devices_per_user_24h > t.devicesPerUser },
  { reason: "NEW_DEVICE_FOR_USER",   weight: 15,  when: "the (claimed) user was never seen on this device",      present: (s) => s.new_device_for_user },
  { reason: "KEY_CHANGED",           weight: 20,  when: "the session presented a device id bound to another key", present: (s) => s.key_changed },
  { reason: "EPHEMERAL_KEY",         weight: 5,   when: "key_assurance is ephemeral",                            present: (s) => s.key_assurance === "ephemeral" },
  { reason: "TELEMETRY_DROPPED",     weight: 5,   when: "the device reported dropped events in this session",    present: (s) => s.telemetry_dropped > 0 },
  { reason: "SECURE_TOKEN",          weight: -10, when: "triggered with a verified secure session token",        present: (s) => s.secure_token },
];

/**
 * The default policy: SPEC §10.2–§10.3 weights, thresholds and bands.
 *
 * @example
 * ```ts
 * const policy = { ...DEFAULT_POLICY, thresholds: { ...DEFAULT_POLICY.thresholds, velocityIp: 100 } };
 * ```
 */
export const DEFAULT_POLICY: RiskPolicy = {
  base: 10,
  weights: Object.fromEntries(SIGNALS.map((r) => [r.reason, r.weight])) as Record<
    SignalReason,
    number
  >,
  thresholds: { velocityDevice: 10, velocityIp: 30, usersPerDevice: 3, devicesPerUser: 5 },
  bands: { deny: 80, challenge: 50, trust: 10 },
};

/**
 * The signals present, in table order, and the clamped score (SPEC §10.2 step 2).
 *
 * @example
 * ```ts
 * declare const inputs: SignalInputs;
 * const { reasons, score } = scoreSignals(inputs, DEFAULT_POLICY);
 * ```
 */
export function scoreSignals(
  inputs: SignalInputs,
  policy: RiskPolicy,
): { reasons: SignalReason[]; score: number } {
  const reasons: SignalReason[] = [];
  let score = policy.base;
  for (const row of SIGNALS) {
    if (!row.present(inputs, policy.thresholds)) continue;
    reasons.push(row.reason);
    score += policy.weights[row.reason];
  }
  return { reasons, score: Math.min(100, Math.max(0, score)) };
}
