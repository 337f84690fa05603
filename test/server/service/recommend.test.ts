// Recommendations (SPEC §10), table-driven: each signal alone, thresholds, score clamp and
// bands, rules (every matcher, priority, preview vs production, disabled), determinism.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Rule } from "../../../core/wire/backend.ts";
import type { ActionRecord } from "../../../core/service/action.ts";
import { recommend, typeForScore } from "../../../core/service/recommend.ts";
import {
  evaluateRules,
  ruleMatches,
  ruleProblem,
  type RuleSubject,
} from "../../../core/service/rules.ts";
import {
  DEFAULT_POLICY,
  type RiskPolicy,
  scoreSignals,
  type SignalInputs,
  SIGNALS,
} from "../../../core/service/signals.ts";

/** No signal present: score 10, ALLOW. */
const QUIET: SignalInputs = {
  device_actions_60s: 1,
  ip_actions_60s: 1,
  users_per_device_24h: 1,
  devices_per_user_24h: 1,
  interactions_before_action: 3,
  automation: false,
  key_changed: false,
  new_device_for_user: false,
  known_device_for_user: true,
  browser: true,
  key_assurance: "persistent-nonextractable",
  telemetry_dropped: 0,
  secure_token: false,
};

describe("signals (SPEC §10.3): each alone, at and past its threshold", () => {
  // deno-fmt-ignore
  const table: [string, Partial<SignalInputs>, string[], number][] = [
    ["nothing",                        {},                                            [],                          10],
    ["AUTOMATION",                     { automation: true },                          ["AUTOMATION"],              70],
    ["NO_INTERACTION (browser)",       { interactions_before_action: 0 },             ["NO_INTERACTION"],          35],
    ["no interaction, not a browser",  { interactions_before_action: 0, browser: false }, [],                      10],
    ["VELOCITY_DEVICE at 10",          { device_actions_60s: 10 },                    [],                          10],
    ["VELOCITY_DEVICE past 10",        { device_actions_60s: 11 },                    ["VELOCITY_DEVICE"],         40],
    ["VELOCITY_IP at 30",              { ip_actions_60s: 30 },                        [],                          10],
    ["VELOCITY_IP past 30",            { ip_actions_60s: 31 },                        ["VELOCITY_IP"],             30],
    ["MANY_USERS_PER_DEVICE at 3",     { users_per_device_24h: 3 },                   [],                          10],
    ["MANY_USERS_PER_DEVICE past 3",   { users_per_device_24h: 4 },                   ["MANY_USERS_PER_DEVICE"],   35],
    ["MANY_DEVICES_PER_USER at 5",     { devices_per_user_24h: 5 },                   [],                          10],
    ["MANY_DEVICES_PER_USER past 5",   { devices_per_user_24h: 6 },                   ["MANY_DEVICES_PER_USER"],   25],
    ["NEW_DEVICE_FOR_USER",            { new_device_for_user: true, known_device_for_user: false }, ["NEW_DEVICE_FOR_USER"], 25],
    ["KEY_CHANGED",                    { key_changed: true },                         ["KEY_CHANGED"],             30],
    ["EPHEMERAL_KEY",                  { key_assurance: "ephemeral" },                ["EPHEMERAL_KEY"],           15],
    ["persistent-file key",            { key_assurance: "persistent-file" },          [],                          10],
    ["TELEMETRY_DROPPED",              { telemetry_dropped: 1 },                      ["TELEMETRY_DROPPED"],       15],
    ["SECURE_TOKEN",                   { secure_token: true },                        ["SECURE_TOKEN"],            0],
  ];
  for (const [label, change, reasons, score] of table) {
    it(label, () => {
      const r = scoreSignals({ ...QUIET, ...change }, DEFAULT_POLICY);
      assert.deepEqual(r.reasons, reasons);
      assert.equal(r.score, score);
    });
  }

  it("lists reasons in table order and clamps the score to 0..100", () => {
    const all: SignalInputs = {
      ...QUIET,
      automation: true,
      interactions_before_action: 0,
      device_actions_60s: 99,
      ip_actions_60s: 99,
      users_per_device_24h: 9,
      devices_per_user_24h: 9,
      new_device_for_user: true,
      key_changed: true,
      key_assurance: "ephemeral",
      telemetry_dropped: 3,
      secure_token: true,
    };
    const r = scoreSignals(all, DEFAULT_POLICY);
    assert.deepEqual(r.reasons, SIGNALS.map((s) => s.reason));
    assert.equal(r.score, 100);
    const low = scoreSignals({ ...QUIET, secure_token: true }, { ...DEFAULT_POLICY, base: 0 });
    assert.equal(low.score, 0);
  });

  it("weights and thresholds are policy", () => {
    const policy: RiskPolicy = {
      ...DEFAULT_POLICY,
      weights: { ...DEFAULT_POLICY.weights, VELOCITY_IP: 70 },
      thresholds: { ...DEFAULT_POLICY.thresholds, velocityIp: 5 },
    };
    assert.deepEqual(scoreSignals({ ...QUIET, ip_actions_60s: 6 }, policy), {
      reasons: ["VELOCITY_IP"],
      score: 80,
    });
  });
});

describe("type from score (SPEC §10.2 step 3)", () => {
  // deno-fmt-ignore
  const table: [number, boolean, boolean, string][] = [
    [100, true,  true,  "DENY"],
    [80,  false, false, "DENY"],
    [79,  false, false, "CHALLENGE"],
    [50,  true,  true,  "CHALLENGE"],
    [49,  false, false, "ALLOW"],
    [10,  true,  true,  "TRUST"],
    [0,   true,  true,  "TRUST"],
    [10,  false, true,  "ALLOW"], // no secure token
    [10,  true,  false, "ALLOW"], // device not known for the user
    [11,  true,  true,  "ALLOW"],
  ];
  for (const [score, secure, knownDevice, type] of table) {
    it(`${score} secure=${secure} known=${knownDevice} → ${type}`, () => {
      assert.equal(typeForScore(score, { secure, knownDevice }, DEFAULT_POLICY), type);
    });
  }
});

const SUBJECT: RuleSubject = {
  ip: "198.51.100.7",
  deviceId: "d_dev",
  userId: "alice",
  claimedUserId: "h-claimed",
  jkt: "J".repeat(43),
  actionType: "login",
};
let n = 0;
const rule = (o: Partial<Rule>): Rule => ({
  id: `r_${++n}`,
  name: `rule ${n}`,
  priority: n,
  enabled: true,
  mode: "production",
  match: { action_types: ["login"] },
  recommendation: "DENY",
  ...o,
});

describe("rule matchers (SPEC §7.6)", () => {
  // deno-fmt-ignore
  const table: [string, Rule["match"], boolean][] = [
    ["ip in an IPv4 CIDR",           { ip_cidrs: ["198.51.100.0/24"] },               true],
    ["ip outside",                   { ip_cidrs: ["198.51.101.0/24", "::/0"] },        false],
    ["one of several CIDRs",         { ip_cidrs: ["10.0.0.0/8", "198.51.100.7/32"] },  true],
    ["device id",                    { device_ids: ["d_other", "d_dev"] },             true],
    ["another device",               { device_ids: ["d_other"] },                      false],
    ["authenticated user",           { user_ids: ["alice"] },                          true],
    ["claimed user",                 { user_ids: ["h-claimed"] },                      true],
    ["another user",                 { user_ids: ["bob"] },                            false],
    ["key thumbprint",               { key_thumbprints: ["J".repeat(43)] },            true],
    ["another key",                  { key_thumbprints: ["K".repeat(43)] },            false],
    ["action type",                  { action_types: ["register", "login"] },         true],
    ["action type is byte-exact",    { action_types: ["logins"] },                     false],
  ];
  for (const [label, match, expected] of table) {
    it(label, () => assert.equal(ruleMatches(rule({ match }), SUBJECT), expected));
  }

  it("no IP never matches an ip_cidrs rule", () => {
    assert.equal(
      ruleMatches(rule({ match: { ip_cidrs: ["0.0.0.0/0"] } }), { ...SUBJECT, ip: null }),
      false,
    );
  });

  it("invalid CIDRs are reported before a rule is stored", () => {
    assert.equal(ruleProblem({ ip_cidrs: ["10.0.0.0/8", "2001:db8::/32"] }), null);
    assert.match(ruleProblem({ ip_cidrs: ["10.0.0.0/8", "10.0.0.0/40"] }) ?? "", /ip_cidrs\[1\]/);
  });
});

describe("rule walk (SPEC §10.2 step 1)", () => {
  it("ascending priority; the first matching production rule decides", () => {
    const a = rule({ priority: 20, recommendation: "DENY" });
    const b = rule({ priority: 10, recommendation: "TRUST" });
    assert.equal(evaluateRules([a, b], SUBJECT).decided, b);
  });

  it("a preview rule before the deciding one is reported; after it, not", () => {
    const p1 = rule({ priority: 1, mode: "preview", recommendation: "CHALLENGE" });
    const p2 = rule({ priority: 2, mode: "preview", recommendation: "DENY" });
    const d = rule({ priority: 3, recommendation: "ALLOW" });
    const p4 = rule({ priority: 4, mode: "preview" });
    assert.deepEqual(evaluateRules([p4, d, p2, p1], SUBJECT), { decided: d, preview: p1 });
    assert.deepEqual(evaluateRules([p4], SUBJECT), { decided: null, preview: p4 });
  });

  it("disabled and non-matching rules are skipped", () => {
    const off = rule({ priority: 1, enabled: false });
    const miss = rule({ priority: 2, match: { device_ids: ["d_other"] } });
    const hit = rule({ priority: 3, recommendation: "CHALLENGE" });
    assert.equal(evaluateRules([off, miss, hit], SUBJECT).decided, hit);
  });
});

const action = (signals: Partial<SignalInputs> = {}): ActionRecord => ({
  id: "a_1",
  clientId: "demo",
  sessionId: "s_1",
  deviceId: "d_dev",
  type: "login",
  source: "session",
  seq: null,
  performedAtMs: 1_800_000_000_000,
  jkt: "J".repeat(43),
  keyAssurance: "persistent-nonextractable",
  userId: "alice",
  claimedUserId: null,
  claimedUserIdType: null,
  correlationId: "c-1",
  ip: "198.51.100.7",
  userAgent: null,
  transactionData: null,
  customAttributes: null,
  signals: { ...QUIET, ...signals },
  token: "t",
  expiresAt: 0,
  outcome: null,
});

describe("recommend (SPEC §10.1–§10.2)", () => {
  it("a production rule sets the type and appends RULE_<type> after the signal reasons", () => {
    const r = recommend({
      action: action({ automation: true }),
      rules: [
        rule({ priority: 5, recommendation: "ALLOW", match: { ip_cidrs: ["198.51.100.0/24"] } }),
      ],
      policy: DEFAULT_POLICY,
      nowMs: 1,
    });
    assert.equal(r.recommendation.type, "ALLOW");
    assert.deepEqual(r.reasons, ["AUTOMATION", "RULE_ALLOW"]);
    assert.equal(r.risk_score, 70); // signals still score
  });

  it("outputs the SPEC §10.1 shape, deterministically", async () => {
    const input = {
      action: action({ secure_token: true }),
      rules: [],
      policy: DEFAULT_POLICY,
      nowMs: 42,
    };
    const r1 = recommend(input);
    assert.deepEqual(recommend(input), r1);
    assert.equal(r1.id, "a_1");
    assert.equal(r1.issued_at_ms, 42);
    assert.deepEqual(r1.recommendation, { type: "TRUST", result: null });
    assert.equal(r1.risk_score, 0);
    assert.equal(r1.preview_rule, null);
    const v = await import("valibot");
    const { RecommendationSchema } = await import("../../../core/wire/recommendation.ts");
    assert.ok(v.is(RecommendationSchema, r1));
    const ctx = r1.context as Record<string, unknown>;
    for (
      const k of [
        "action_id",
        "action_type",
        "action_performed_at_ms",
        "client_id",
        "session_id",
        "device_id",
        "user_id",
        "claimed_user_id",
        "correlation_id",
        "ip",
        "token_kind",
        "key_thumbprint",
        "key_assurance",
        "signals",
      ]
    ) {
      assert.ok(Object.hasOwn(ctx, k), k);
    }
  });

  it("the latest reported result and its user show in the output", () => {
    const a = action();
    a.outcome = { result: "failure", userId: "bob", challengeType: "sms_otp", reportedAtMs: 5 };
    const r = recommend({
      action: a,
      rules: [rule({ match: { user_ids: ["bob"] }, recommendation: "DENY" })],
      policy: DEFAULT_POLICY,
      nowMs: 6,
    });
    assert.deepEqual(r.recommendation, {
      type: "DENY",
      result: "failure",
      challenge_type: "sms_otp",
    });
    assert.equal((r.context as { user_id: string }).user_id, "bob");
  });
});
