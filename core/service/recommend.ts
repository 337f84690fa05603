/**
 * Recommendations (SPEC §10): rules first, then signals, then the score bands. Deterministic:
 * a function of the stored action, the client's rules, the policy and the evaluation time.
 *
 * @module
 */
import type { RecommendationType, Rule } from "../wire/backend.ts";
import type { Recommendation } from "../wire/recommendation.ts";
import type { ActionRecord } from "./action.ts";
import { evaluateRules } from "./rules.ts";
import { type RiskPolicy, scoreSignals } from "./signals.ts";

/**
 * SPEC §10.2 step 3: the type a score gives when no production rule decided.
 *
 * @example
 * ```ts
 * import { DEFAULT_POLICY } from "./signals.ts";
 * typeForScore(55, { secure: false, knownDevice: false }, DEFAULT_POLICY); // "CHALLENGE"
 * ```
 */
export function typeForScore(
  score: number,
  facts: { readonly secure: boolean; readonly knownDevice: boolean },
  policy: RiskPolicy,
): RecommendationType {
  if (score >= policy.bands.deny) return "DENY";
  if (score >= policy.bands.challenge) return "CHALLENGE";
  if (score <= policy.bands.trust && facts.secure && facts.knownDevice) return "TRUST";
  return "ALLOW";
}

/**
 * The recommendation for an action (SPEC §10.1). `rules` are the client's rules (any order).
 *
 * @example
 * ```ts
 * import type { Rule } from "../wire/backend.ts";
 * import type { ActionRecord } from "./action.ts";
 * import { DEFAULT_POLICY } from "./signals.ts";
 * declare const action: ActionRecord;
 * declare const rules: readonly Rule[];
 * const rec = recommend({ action, rules, policy: DEFAULT_POLICY, nowMs: 1767225600000 });
 * rec.recommendation.type; // "ALLOW"
 * ```
 */
export function recommend(o: {
  readonly action: ActionRecord;
  readonly rules: readonly Rule[];
  readonly policy: RiskPolicy;
  readonly nowMs: number;
}): Recommendation {
  const a = o.action;
  const s = a.signals;
  const { decided, preview } = evaluateRules(o.rules, {
    ip: a.ip,
    deviceId: a.deviceId,
    userId: a.outcome?.userId ?? a.userId,
    claimedUserId: a.claimedUserId,
    jkt: a.jkt,
    actionType: a.type,
  });
  const { reasons, score } = scoreSignals(s, o.policy);
  const type = decided !== null ? decided.recommendation : typeForScore(
    score,
    { secure: s.secure_token, knownDevice: s.known_device_for_user },
    o.policy,
  );
  const allReasons: string[] = decided !== null
    ? [...reasons, `RULE_${decided.recommendation}`]
    : reasons;
  return {
    id: a.id,
    issued_at_ms: o.nowMs,
    recommendation: {
      type,
      result: a.outcome?.result ?? null,
      ...(a.outcome?.challengeType ? { challenge_type: a.outcome.challengeType } : {}),
    },
    risk_score: score,
    reasons: allReasons,
    context: {
      action_id: a.id,
      action_type: a.type,
      action_performed_at_ms: a.performedAtMs,
      client_id: a.clientId,
      session_id: a.sessionId,
      device_id: a.deviceId,
      user_id: a.outcome?.userId ?? a.userId,
      claimed_user_id: a.claimedUserId,
      claimed_user_id_type: a.claimedUserIdType,
      correlation_id: a.correlationId,
      ip: a.ip,
      user_agent: a.userAgent,
      token_kind: a.source,
      key_thumbprint: a.jkt,
      key_assurance: a.keyAssurance,
      transaction_data: a.transactionData,
      custom_attributes: a.customAttributes,
      signals: {
        device_actions_60s: s.device_actions_60s,
        ip_actions_60s: s.ip_actions_60s,
        users_per_device_24h: s.users_per_device_24h,
        devices_per_user_24h: s.devices_per_user_24h,
        interactions_before_action: s.interactions_before_action,
        automation: s.automation,
        key_changed: s.key_changed,
        new_device_for_user: s.new_device_for_user,
        browser: s.browser,
        telemetry_dropped: s.telemetry_dropped,
      },
    },
    preview_rule: preview === null
      ? null
      : { id: preview.id, name: preview.name, recommendation: preview.recommendation },
  };
}
