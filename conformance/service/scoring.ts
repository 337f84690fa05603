/**
 * What the rule and signal checks share (SPEC §10): the scoring policy (the test-control
 * extension's, else SPEC §10.2–§10.3's defaults), the reasons, score and type it implies for a
 * set of signals, and a backend that triggers actions and reads their recommendations.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { randomId } from "../../adapters/crypto/random.ts";
import { Device } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { expectStatus, type ServiceContext } from "./context.ts";
import type { ClientFacts } from "./control.ts";

/** A scoring policy, as the test-control extension reports it. */
export type Policy = ClientFacts["policy"];

/** SPEC §10.2–§10.3 defaults. */
const SPEC_POLICY: Policy = {
  base: 10,
  weights: {
    AUTOMATION: 60,
    NO_INTERACTION: 25,
    VELOCITY_DEVICE: 30,
    VELOCITY_IP: 20,
    MANY_USERS_PER_DEVICE: 25,
    MANY_DEVICES_PER_USER: 15,
    NEW_DEVICE_FOR_USER: 15,
    KEY_CHANGED: 20,
    EPHEMERAL_KEY: 5,
    TELEMETRY_DROPPED: 5,
    SECURE_TOKEN: -10,
  },
  thresholds: { velocity_device: 10, velocity_ip: 30, users_per_device: 3, devices_per_user: 5 },
  bands: { deny: 80, challenge: 50, trust: 10 },
};

/** Reason codes in the order of the SPEC §10.3 table (the order of `reasons`). */
const ORDER = Object.keys(SPEC_POLICY.weights);

/** What SPEC §10.2 implies for the signals present. */
export function expected(
  p: Policy,
  present: readonly string[],
  f: { secure?: boolean; known?: boolean } = {},
): { reasons: string[]; score: number; type: string } {
  const reasons = ORDER.filter((r) => present.includes(r));
  const sum = reasons.reduce((s, r) => s + (p.weights[r] ?? 0), p.base);
  const score = Math.min(100, Math.max(0, sum));
  const type = score >= p.bands.deny
    ? "DENY"
    : score >= p.bands.challenge
    ? "CHALLENGE"
    : score <= p.bands.trust && f.secure && f.known
    ? "TRUST"
    : "ALLOW";
  return { reasons, score, type };
}

export function judge(
  t: Assert,
  rec: Record<string, unknown>,
  want: { reasons: string[]; score: number; type: string },
  what: string,
): void {
  const type = (rec.recommendation as { type?: unknown } | undefined)?.type;
  t.equal(
    [rec.reasons, rec.risk_score, type],
    [want.reasons, want.score, want.type],
    `${what}: [reasons, risk_score, type]`,
  );
}

/** A triggered action: its token and its inline recommendation. */
export interface Acted {
  readonly token: string;
  readonly rec: Record<string, unknown>;
}

export async function act(
  t: Assert,
  b: Backend,
  d: Device,
  o: { secure?: boolean; claimed?: string; ip?: string; recommend?: boolean } = {},
): Promise<Acted> {
  const q = o.recommend === false ? "" : "?get_recommendation=true";
  const x = await b.call("POST", `/v1/backend/actions${q}`, {
    action_type: "transaction",
    ...(o.secure
      ? { secured_session_token: await d.secure("transaction") }
      : { session_token: d.sessionToken }),
    ...(o.claimed !== undefined ? { claimed_user_id: o.claimed } : {}),
    ...(o.ip !== undefined ? { ip: o.ip } : {}),
  });
  const res = expectStatus(t, x, 201, "trigger action");
  return {
    token: String(res.action_token),
    rec: (res.recommendation ?? {}) as Record<string, unknown>,
  };
}

export async function recommendationOf(t: Assert, b: Backend, token: string) {
  const path = `/v1/backend/recommendation?action_token=${encodeURIComponent(token)}`;
  return expectStatus(t, await b.call("GET", path), 200, "recommendation");
}

/** The shared set-up of the rule and signal checks. */
export interface ScoringKit {
  readonly policy: Policy;
  /** A random tag of this run: users and IPs of this run only (counters span 24 h). */
  readonly tag: string;
  /** The client's backend (the check is incomplete without an access token). */
  backend(t: Assert): Promise<Backend>;
  /** A device with a fresh session, created with `extra` body members. */
  session(extra?: Record<string, unknown>): Promise<Device>;
  /** What the policy implies for the signals `present`. */
  expect(
    present: string[],
    f?: { secure?: boolean; known?: boolean },
  ): { reasons: string[]; score: number; type: string };
}

/**
 * The kit for a run.
 *
 * @example
 * ```ts
 * import type { Assert } from "../core/assert.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const t: Assert;
 * declare const ctx: ServiceContext;
 * const kit = await scoringKit(ctx);
 * judge(t, (await act(t, await kit.backend(t), await kit.session())).rec, kit.expect([]), "…");
 * ```
 */
export async function scoringKit(c: ServiceContext): Promise<ScoringKit> {
  const { http } = c;
  const policy = c.control ? (await c.control.client()).policy : SPEC_POLICY;
  let backend: Backend | null = null;
  return {
    policy,
    tag: randomId().slice(0, 12),
    backend: async (t) =>
      backend ??= await Backend.create(http).catch((e) => t.skip(`no access token: ${e}`)),
    async session(extra = {}) {
      const d = await Device.create(http);
      await d.createSession(extra);
      return d;
    },
    expect: (present, f) => expected(policy, present, f),
  };
}
