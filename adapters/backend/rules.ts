/**
 * Rules (SPEC §7.6) in camelCase, and their conversion to and from the wire.
 *
 * @module
 */
import * as v from "valibot";
import {
  Id,
  parseOrThrow,
  type RecommendationType,
  type Rule,
  type RuleInput,
  RuleInputSchema,
  type RuleMatch,
} from "../../core/mod.ts";

/** What a rule matches: exactly one member, a non-empty list of at most 1000 values. */
export interface BackendRuleMatch {
  ipCidrs?: string[];
  deviceIds?: string[];
  userIds?: string[];
  keyThumbprints?: string[];
  actionTypes?: string[];
}

/** A rule as you write it (SPEC §7.6); an `id` member, if present, is ignored. */
export interface BackendRuleInput {
  name: string;
  /** 1–1000, unique per client; lower is tried first. */
  priority: number;
  enabled: boolean;
  /** `preview` rules are reported, never applied (SPEC §10.2). */
  mode: "production" | "preview";
  match: BackendRuleMatch;
  recommendation: RecommendationType;
}

/** A stored rule. */
export interface BackendRule extends BackendRuleInput {
  id: string;
}

const MATCHERS: readonly [keyof BackendRuleMatch, keyof RuleMatch][] = [
  ["ipCidrs", "ip_cidrs"],
  ["deviceIds", "device_ids"],
  ["userIds", "user_ids"],
  ["keyThumbprints", "key_thumbprints"],
  ["actionTypes", "action_types"],
];

// Shape and member names in camelCase (a typo such as `ipCidr` is an error, not a silent
// no-op); value rules are the wire schema's, checked after conversion.
const InputShape = v.strictObject({
  // A stored rule can be passed back as is (`updateRule(id, { ...rule, enabled: false })`).
  id: v.optional(v.unknown()),
  name: v.unknown(),
  priority: v.unknown(),
  enabled: v.unknown(),
  mode: v.unknown(),
  match: v.strictObject(
    Object.fromEntries(MATCHERS.map(([camel]) => [camel, v.optional(v.unknown())])),
  ),
  recommendation: v.unknown(),
});

/**
 * The wire form of a rule input (`ERR_INVALID_INPUT` when invalid).
 *
 * @example
 * ```ts
 * ruleInputBody({ name: "tor", priority: 10, enabled: true, mode: "production",
 *   match: { ipCidrs: ["198.51.100.0/24"] }, recommendation: "DENY" });
 * ```
 */
export function ruleInputBody(input: BackendRuleInput): RuleInput {
  const i = parseOrThrow(InputShape, input, "ERR_INVALID_INPUT") as unknown as BackendRuleInput;
  const match: Record<string, unknown> = {};
  for (const [camel, snake] of MATCHERS) {
    if (i.match[camel] !== undefined) match[snake] = i.match[camel];
  }
  const body = {
    name: i.name,
    priority: i.priority,
    enabled: i.enabled,
    mode: i.mode,
    match,
    recommendation: i.recommendation,
  };
  return parseOrThrow(RuleInputSchema, body, "ERR_INVALID_INPUT");
}

/**
 * A rule from the wire (already checked against `RuleSchema`) in camelCase.
 *
 * @example
 * ```ts
 * import type { Rule } from "../../core/wire/backend.ts";
 * declare const wireRule: Rule;
 * const rule = toBackendRule(wireRule);
 * rule.match.ipCidrs;
 * ```
 */
export function toBackendRule(r: Rule): BackendRule {
  const match: BackendRuleMatch = {};
  for (const [camel, snake] of MATCHERS) {
    const values = r.match[snake];
    if (values !== undefined) match[camel] = [...values];
  }
  return {
    id: r.id,
    name: r.name,
    priority: r.priority,
    enabled: r.enabled,
    mode: r.mode,
    match,
    recommendation: r.recommendation,
  };
}

/**
 * A rule id, checked (`ERR_INVALID_INPUT`) and escaped for a URL path.
 *
 * @example
 * ```ts
 * `v1/backend/rules/${rulePath("r_abc")}`;
 * ```
 */
export function rulePath(id: string): string {
  return encodeURIComponent(parseOrThrow(Id, id, "ERR_INVALID_INPUT"));
}
