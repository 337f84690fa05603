/**
 * The recommendation (SPEC §10.1) as JavaScript sees it: the wire document, checked against
 * its schema, with every member name in camelCase (`risk_score` → `riskScore`,
 * `device_actions_60s` → `deviceActions60s`). Member names the client does not know are
 * converted the same way and kept (SPEC §13.2: additive changes).
 *
 * @module
 */
import type { ActionResult, Recommendation, RecommendationType } from "../../core/mod.ts";

/** The context of a recommendation: what the service knew about the action (SPEC §10.1). */
export interface RecommendationContext {
  actionId?: string;
  actionType?: string;
  actionPerformedAtMs?: number;
  clientId?: string;
  sessionId?: string;
  deviceId?: string;
  userId?: string | null;
  claimedUserId?: string | null;
  correlationId?: string | null;
  ip?: string | null;
  /** `"session"` or `"secure"`: the kind of token the action was triggered with. */
  tokenKind?: string;
  keyThumbprint?: string | null;
  keyAssurance?: string | null;
  /** Signal inputs, e.g. `deviceActions60s`, `newDeviceForUser`. */
  signals?: Record<string, unknown>;
  [member: string]: unknown;
}

/** A recommendation for one action (SPEC §10.1), in camelCase. */
export interface ActionRecommendation {
  /** The action id. */
  id: string;
  issuedAtMs: number;
  /** `type` is what to do; `result` the latest result reported for the action (§7.4). */
  recommendation: { type: RecommendationType; result: ActionResult | null };
  /** 0 (no risk) to 100. */
  riskScore: number;
  /** Reason codes (SPEC §10.3); unknown ones are informational. */
  reasons: string[];
  context: RecommendationContext;
  /** A preview rule that would have decided (SPEC §10.2), or `null`. */
  previewRule: { id: string; name: string; recommendation: RecommendationType } | null;
  [member: string]: unknown;
}

/**
 * `snake_case` → `camelCase`; names without `_` are unchanged.
 *
 * @example
 * ```ts
 * camelName("device_actions_60s"); // "deviceActions60s"
 * ```
 */
export function camelName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Deep copy of a JSON value with every object member name in camelCase. */
function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[camelName(k)] = camelize(v);
  return out;
}

/**
 * A wire recommendation (already checked against `RecommendationSchema`) in camelCase.
 *
 * @example
 * ```ts
 * import type { Recommendation } from "../../core/wire/recommendation.ts";
 * declare const wireRecommendation: Recommendation;
 * declare function reject(): void;
 * const rec = toActionRecommendation(wireRecommendation);
 * if (rec.recommendation.type === "DENY") reject();
 * ```
 */
export function toActionRecommendation(r: Recommendation): ActionRecommendation {
  return camelize(r) as ActionRecommendation;
}
