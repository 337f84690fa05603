/**
 * What the console keeps per client (docs/operations.md): counters in minute and hour buckets,
 * the latest action decisions with their reasons and signals, and the audit trail. Recording
 * never fails a request: a store error is counted (by the caller's metrics) and swallowed.
 *
 * @module
 */
import type { Rule } from "../../../core/wire/backend.ts";
import type { Recommendation } from "../../../core/wire/recommendation.ts";
import { evaluateRules } from "../../../core/service/rules.ts";
import type { ConsoleStore } from "../../store/console.ts";

/** Settings of the recorder. */
export interface RecorderOptions {
  /** How many decisions each client keeps. */
  readonly recentDecisions: number;
  /** How long decisions are kept, milliseconds. */
  readonly decisionTtlMs: number;
  /** How many audit entries each client keeps. */
  readonly auditEntries: number;
  /** How long audit entries are kept, milliseconds. */
  readonly auditTtlMs: number;
}

/** One audit entry: who did what to which object, before and after. */
export interface AuditEntry {
  readonly at_ms: number;
  /** `client:<id>` (the backend API) or `operator:<id>` (the console). */
  readonly actor: string;
  /** e.g. `rule.create`, `rule.update`, `rule.delete`. */
  readonly action: string;
  readonly target: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** The members of a recommendation's `context` (SPEC §7.3) the console reads. */
interface DecisionContext {
  readonly client_id: string;
  readonly action_type: string;
  readonly session_id: string;
  readonly device_id: string;
  readonly user_id: string | null;
  readonly claimed_user_id: string | null;
  readonly ip: string | null;
  readonly key_thumbprint: string;
  readonly signals: unknown;
}

/**
 * Writes console data for one service.
 *
 * @example
 * ```ts
 * import type { Store } from "../../store/types.ts";
 * declare const store: Store;
 * declare const options: RecorderOptions;
 * const rec = new ConsoleRecorder(store.console!, options);
 * await rec.count("shop", Date.now(), { "sessions.created": 1 });
 * ```
 */
export class ConsoleRecorder {
  readonly store: ConsoleStore;
  readonly options: RecorderOptions;
  constructor(store: ConsoleStore, options: RecorderOptions) {
    this.store = store;
    this.options = options;
  }

  /** Adds counters to the client's current buckets. */
  count(clientId: string, atMs: number, counts: Record<string, number>): Promise<void> {
    return this.store.count(clientId, atMs, counts);
  }

  /** Records an answered recommendation: its counters and a decision entry. */
  async decision(rec: Recommendation, rules: readonly Rule[], atMs: number): Promise<void> {
    const c = rec.context as unknown as DecisionContext;
    // The deciding and preview rules, as recommend() found them (SPEC §7.6).
    const { decided, preview } = evaluateRules(rules, {
      ip: c.ip,
      deviceId: c.device_id,
      userId: c.user_id,
      claimedUserId: c.claimed_user_id,
      jkt: c.key_thumbprint,
      actionType: c.action_type,
    });
    const counts: Record<string, number> = { [`recommendations.${rec.recommendation.type}`]: 1 };
    for (const reason of rec.reasons) counts[`reasons.${reason}`] = 1;
    if (decided !== null) counts[`rules.production.${decided.id}`] = 1;
    if (preview !== null) counts[`rules.preview.${preview.id}`] = 1;
    const entry = {
      at_ms: atMs,
      action_id: rec.id,
      action_type: c.action_type,
      type: rec.recommendation.type,
      risk_score: rec.risk_score,
      reasons: rec.reasons,
      rule: decided === null ? null : { id: decided.id, name: decided.name },
      preview_rule: rec.preview_rule,
      session_id: c.session_id,
      device_id: c.device_id,
      user_id: c.user_id,
      claimed_user_id: c.claimed_user_id,
      signals: c.signals,
    };
    const o = this.options;
    await Promise.all([
      this.store.count(c.client_id, atMs, counts),
      this.store.push(
        c.client_id,
        "decisions",
        atMs,
        JSON.stringify(entry),
        o.recentDecisions,
        o.decisionTtlMs,
      ),
    ]);
  }

  /** Appends an audit entry. */
  audit(clientId: string, entry: AuditEntry): Promise<void> {
    const o = this.options;
    return this.store.push(
      clientId,
      "audit",
      entry.at_ms,
      JSON.stringify(entry),
      o.auditEntries,
      o.auditTtlMs,
    );
  }
}
