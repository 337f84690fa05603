/**
 * Operator rules (SPEC §7.6, §10.2 step 1): validation beyond the wire schema, matching, and
 * the priority walk that separates the deciding production rule from a preview rule.
 *
 * @module
 */
import type { Rule, RuleInput, RuleMatch } from "../wire/backend.ts";
import { type CidrBlock, cidrContains, parseCidr, parseIp } from "./ip.ts";

/** Most rules per client (SPEC §7.6). */
export const MAX_RULES_PER_CLIENT = 1000;

/** What a rule is matched against: the action's context. */
export interface RuleSubject {
  /** The end user's IP, when known. */
  readonly ip: string | null;
  readonly deviceId: string;
  /** The authenticated user, when known. */
  readonly userId: string | null;
  /** The claimed user, when given with the action. */
  readonly claimedUserId: string | null;
  /** Thumbprint of the device key. */
  readonly jkt: string;
  readonly actionType: string;
}

/**
 * Why a rule's matcher is invalid beyond its schema (an unparsable CIDR), or `null`.
 *
 * @example
 * ```ts
 * ruleProblem({ ip_cidrs: ["10.0.0.0/33"] }); // "ip_cidrs[0]: not an IPv4/IPv6 CIDR"
 * ```
 */
export function ruleProblem(match: RuleMatch): string | null {
  const cidrs = match.ip_cidrs ?? [];
  for (let i = 0; i < cidrs.length; i++) {
    if (parseCidr(cidrs[i]!) === null) return `match.ip_cidrs[${i}]: not an IPv4/IPv6 CIDR`;
  }
  return null;
}

/** A rule as written, with only the members SPEC §7.6 defines (unknown members dropped). */
export function normalizeRule(id: string, input: RuleInput): Rule {
  const m = input.match;
  const match: RuleMatch = m.ip_cidrs
    ? { ip_cidrs: [...m.ip_cidrs] }
    : m.device_ids
    ? { device_ids: [...m.device_ids] }
    : m.user_ids
    ? { user_ids: [...m.user_ids] }
    : m.key_thumbprints
    ? { key_thumbprints: [...m.key_thumbprints] }
    : { action_types: [...m.action_types!] };
  return {
    id,
    name: input.name,
    priority: input.priority,
    enabled: input.enabled,
    mode: input.mode,
    match,
    recommendation: input.recommendation,
  };
}

type Matcher = (s: RuleSubject) => boolean;
// Rules are immutable once stored (an update stores a new object), so a compiled matcher can be
// cached per rule object.
const compiled = new WeakMap<Rule, Matcher>();

function compile(rule: Rule): Matcher {
  const m = rule.match;
  if (m.ip_cidrs) {
    const blocks = m.ip_cidrs.map(parseCidr).filter((b): b is CidrBlock => b !== null);
    return (s) => {
      const ip = s.ip === null ? null : parseIp(s.ip);
      return ip !== null && blocks.some((b) => cidrContains(b, ip));
    };
  }
  if (m.device_ids) {
    const set = new Set(m.device_ids);
    return (s) => set.has(s.deviceId);
  }
  if (m.user_ids) {
    const set = new Set(m.user_ids);
    // The authenticated user or the one claimed with the action: either identifies the account.
    return (s) =>
      (s.userId !== null && set.has(s.userId)) ||
      (s.claimedUserId !== null && set.has(s.claimedUserId));
  }
  if (m.key_thumbprints) {
    const set = new Set(m.key_thumbprints);
    return (s) => set.has(s.jkt);
  }
  const set = new Set(m.action_types ?? []);
  return (s) => set.has(s.actionType);
}

/**
 * Whether `rule`'s matcher matches `subject` (ignores `enabled` and `mode`).
 *
 * @example
 * ```ts
 * import type { Rule } from "../wire/backend.ts";
 * declare const rule: Rule;
 * declare const deviceId: string, jkt: string;
 * ruleMatches(rule, {
 *   ip: "198.51.100.7",
 *   deviceId,
 *   userId: null,
 *   claimedUserId: null,
 *   jkt,
 *   actionType: "login",
 * });
 * ```
 */
export function ruleMatches(rule: Rule, subject: RuleSubject): boolean {
  let m = compiled.get(rule);
  if (m === undefined) compiled.set(rule, m = compile(rule));
  return m(subject);
}

/** The outcome of the rule walk. */
export interface RuleOutcome {
  /** The first matching enabled production rule, if any: it decides the type. */
  readonly decided: Rule | null;
  /** The first matching enabled preview rule before `decided`, if any: reported only. */
  readonly preview: Rule | null;
}

/**
 * SPEC §10.2 step 1: enabled rules in ascending priority; the first matching production rule
 * decides and stops the walk; the first matching preview rule before it is reported.
 *
 * @example
 * ```ts
 * import type { Rule } from "../wire/backend.ts";
 * declare const rules: readonly Rule[];
 * declare const subject: RuleSubject;
 * const { decided, preview } = evaluateRules(rules, subject);
 * ```
 */
export function evaluateRules(rules: readonly Rule[], subject: RuleSubject): RuleOutcome {
  const ordered = [...rules].sort((a, b) => a.priority - b.priority);
  let preview: Rule | null = null;
  for (const r of ordered) {
    if (!r.enabled || !ruleMatches(r, subject)) continue;
    if (r.mode === "production") return { decided: r, preview };
    preview ??= r;
  }
  return { decided: null, preview };
}
