/**
 * Service checks of recommendations against what the suite itself set up (SPEC §7.6, §10): rules
 * it installs through the rules API (priority order, disabled rules, preview vs production) and
 * one scenario per documented signal of §10.3, each judged on the exact reasons, score and type
 * the policy implies. The policy is the one the test-control extension reports, else SPEC's
 * defaults.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { randomId } from "../../adapters/crypto/random.ts";
import { Device, event } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectStatus, type ServiceContext } from "./context.ts";
import type { ClientFacts } from "./control.ts";

type Policy = ClientFacts["policy"];

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
function expected(
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

function judge(
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
interface Acted {
  readonly token: string;
  readonly rec: Record<string, unknown>;
}

async function act(
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

async function recommendationOf(t: Assert, b: Backend, token: string) {
  const path = `/v1/backend/recommendation?action_token=${encodeURIComponent(token)}`;
  return expectStatus(t, await b.call("GET", path), 200, "recommendation");
}

/** `n` priorities the client's rules do not use, ascending. */
async function freePriorities(t: Assert, b: Backend, n: number): Promise<number[]> {
  const x = expectStatus(t, await b.call("GET", "/v1/backend/rules"), 200, "list rules");
  const used = new Set(((x.rules ?? []) as { priority: number }[]).map((r) => r.priority));
  const free: number[] = [];
  for (let p = 901; p <= 1000 && free.length < n; p++) if (!used.has(p)) free.push(p);
  if (free.length < n) t.skip("the client has no free rule priorities in 901–1000");
  return free;
}

/**
 * Runs the rule and signal checks.
 *
 * @example
 * ```ts
 * await recommendationChecks(ctx);
 * ```
 */
export async function recommendationChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const policy = c.control ? (await c.control.client()).policy : SPEC_POLICY;
  const th = policy.thresholds;
  const tag = randomId().slice(0, 12); // users and IPs of this run only (counters span 24 h)
  let backend: Backend | null = null;
  const b = async (t: Assert): Promise<Backend> =>
    backend ??= await Backend.create(http).catch((e) => t.skip(`no access token: ${e}`));
  const session = async (extra: Record<string, unknown> = {}) => {
    const d = await Device.create(http);
    await d.createSession(extra);
    return d;
  };
  const E = (present: string[], f?: { secure?: boolean; known?: boolean }) =>
    expected(policy, present, f);
  const rules = async (t: Assert, be: Backend, d: Device, list: [string, string, boolean?][]) => {
    const priorities = await freePriorities(t, be, list.length);
    const ids: string[] = [];
    for (const [i, [mode, recommendation, enabled]] of list.entries()) {
      const rule = {
        name: `conformance-${tag}-${i}`,
        priority: priorities[i],
        enabled: enabled ?? true,
        mode,
        match: { device_ids: [d.deviceId] },
        recommendation,
      };
      const x = await be.call("POST", "/v1/backend/rules", rule);
      ids.push(String(expectStatus(t, x, 201, "create rule").id));
    }
    return ids;
  };
  const drop = async (be: Backend, ids: readonly string[]) => {
    for (const id of ids) await be.call("DELETE", `/v1/backend/rules/${encodeURIComponent(id)}`);
  };

  await run.check(C["svc.rules.order"], async (t) => {
    const be = await b(t);
    const d = await session();
    // Ascending priority: a disabled DENY, then CHALLENGE, then TRUST.
    const ids = await rules(t, be, d, [
      ["production", "DENY", false],
      ["production", "CHALLENGE"],
      ["production", "TRUST"],
    ]);
    try {
      const a = await act(t, be, d);
      const base = E([]);
      judge(
        t,
        a.rec,
        { ...base, reasons: ["RULE_CHALLENGE"], type: "CHALLENGE" },
        "first enabled match",
      );
      // The rules that count are the client's rules when the recommendation is asked for.
      await drop(be, [ids[1]!]);
      judge(t, await recommendationOf(t, be, a.token), {
        ...base,
        reasons: ["RULE_TRUST"],
        type: "TRUST",
      }, "after deleting the CHALLENGE rule");
    } finally {
      await drop(be, ids);
    }
  });

  await run.check(C["svc.rules.preview"], async (t) => {
    const be = await b(t);
    const d = await session();
    const ids = await rules(t, be, d, [
      ["preview", "DENY"],
      ["production", "ALLOW"],
      ["preview", "CHALLENGE"],
    ]);
    try {
      const a = await act(t, be, d);
      judge(
        t,
        a.rec,
        { ...E([]), reasons: ["RULE_ALLOW"], type: "ALLOW" },
        "preview, production, preview",
      );
      t.equal(a.rec.preview_rule, {
        id: ids[0],
        name: `conformance-${tag}-0`,
        recommendation: "DENY",
      }, "preview_rule (the preview rule before the deciding rule)");
      await drop(be, [ids[1]!]);
      const r = await recommendationOf(t, be, a.token);
      judge(t, r, E([]), "preview rules only: the signals decide");
      t.equal(
        (r.preview_rule as { id?: unknown } | null)?.id,
        ids[0],
        "preview_rule (the first preview match)",
      );
      t.equal(
        (await recommendationOf(t, be, (await act(t, be, await session())).token)).preview_rule,
        null,
        "preview_rule of another device's action",
      );
    } finally {
      await drop(be, ids);
    }
  });

  await run.check(C["svc.signals.automation"], async (t) => {
    const be = await b(t);
    const d = await session();
    await d.telemetry([event(1, "device", { platform: "node", automation: true })]);
    judge(t, (await act(t, be, d)).rec, E(["AUTOMATION"]), "automation: true");
    const w = await session({ attributes: { platform: "browser" } });
    await w.telemetry([event(1, "device", { platform: "browser", automation: true })]);
    judge(
      t,
      (await act(t, be, w)).rec,
      E(["AUTOMATION", "NO_INTERACTION"]),
      "a browser with automation",
    );
  });

  await run.check(C["svc.signals.no-interaction"], async (t) => {
    const be = await b(t);
    const d = await session({ attributes: { platform: "browser" } });
    judge(t, (await act(t, be, d)).rec, E(["NO_INTERACTION"]), "a browser session, no interaction");
    await d.telemetry([event(1)]);
    judge(t, (await act(t, be, d)).rec, E([]), "after an interaction");
    const n = await session({ attributes: { platform: "node" } });
    judge(t, (await act(t, be, n)).rec, E([]), "a non-browser session without interaction");
  });

  await run.check(C["svc.signals.velocity-device"], async (t) => {
    const be = await b(t);
    const d = await session();
    for (let i = 1; i < th.velocity_device; i++) await act(t, be, d, { recommend: false });
    judge(
      t,
      (await act(t, be, d)).rec,
      E([]),
      `action ${th.velocity_device} of the device in 60 s`,
    );
    judge(t, (await act(t, be, d)).rec, E(["VELOCITY_DEVICE"]), `action ${th.velocity_device + 1}`);
  });

  await run.check(C["svc.signals.velocity-ip"], async (t) => {
    const be = await b(t);
    const h = (i: number) =>
      ((tag.charCodeAt(2 * i) << 8) | tag.charCodeAt(2 * i + 1)).toString(16);
    const ip = `2001:db8:${h(0)}:${h(1)}:${h(2)}::1`; // this run's own address
    const per = Math.max(1, th.velocity_device);
    let d = await session();
    let used = 0;
    for (let i = 1; i <= th.velocity_ip + 1; i++) {
      if (used === per) [d, used] = [await session(), 0];
      used++;
      const last = i >= th.velocity_ip;
      const a = await act(t, be, d, { ip, recommend: last });
      if (i === th.velocity_ip) judge(t, a.rec, E([]), `action ${i} from the IP in 60 s`);
      if (i === th.velocity_ip + 1) judge(t, a.rec, E(["VELOCITY_IP"]), `action ${i} from the IP`);
    }
  });

  await run.check(C["svc.signals.many-users-per-device"], async (t) => {
    const be = await b(t);
    const d = await session();
    for (let i = 1; i <= th.users_per_device + 1; i++) {
      const a = await act(t, be, d, { claimed: `conf-${tag}-u${i}` });
      const many = i > th.users_per_device ? ["MANY_USERS_PER_DEVICE"] : [];
      const velocity = i > th.velocity_device ? ["VELOCITY_DEVICE"] : [];
      if (i >= th.users_per_device) {
        judge(
          t,
          a.rec,
          E([...many, ...velocity, "NEW_DEVICE_FOR_USER"]),
          `claimed user ${i} on the device`,
        );
      }
    }
  });

  await run.check(C["svc.signals.many-devices-per-user"], async (t) => {
    const be = await b(t);
    const user = `conf-${tag}-many-devices`;
    for (let i = 1; i <= th.devices_per_user + 1; i++) {
      const a = await act(t, be, await session(), { claimed: user });
      const many = i > th.devices_per_user ? ["MANY_DEVICES_PER_USER"] : [];
      if (i >= th.devices_per_user) {
        judge(t, a.rec, E([...many, "NEW_DEVICE_FOR_USER"]), `device ${i} of the claimed user`);
      }
    }
  });

  await run.check(C["svc.signals.new-device-for-user"], async (t) => {
    const be = await b(t);
    const user = `conf-${tag}-new-device`;
    const known = await session({ user_id: user });
    judge(t, (await act(t, be, known)).rec, E([]), "the session's authenticated user");
    const other = await session();
    judge(
      t,
      (await act(t, be, other, { claimed: user })).rec,
      E(["NEW_DEVICE_FOR_USER"]),
      "a claimed user new to the device",
    );
    const claimedOnly = await act(t, be, other, { claimed: user });
    judge(
      t,
      claimedOnly.rec,
      E(["NEW_DEVICE_FOR_USER"]),
      "a claim alone never makes the device known",
    );
  });

  await run.check(C["svc.signals.key-changed"], async (t) => {
    const be = await b(t);
    const first = await session();
    const second = await Device.create(http);
    await second.createSession({ device_id: first.deviceId, key_event: "lost" });
    t.ok(second.deviceId !== first.deviceId, "another key gets a new device id (SPEC §6.2.1)");
    judge(
      t,
      (await act(t, be, second)).rec,
      E(["KEY_CHANGED"]),
      "the session that presented the id with another key",
    );
    judge(t, (await act(t, be, first)).rec, E([]), "the earlier session of the device");
  });

  await run.check(C["svc.signals.ephemeral-key"], async (t) => {
    const be = await b(t);
    const d = await session({ key_assurance: "ephemeral" });
    judge(t, (await act(t, be, d)).rec, E(["EPHEMERAL_KEY"]), "key_assurance ephemeral");
  });

  await run.check(C["svc.signals.telemetry-dropped"], async (t) => {
    const be = await b(t);
    const d = await session();
    judge(t, (await act(t, be, d)).rec, E([]), "before any drop");
    await d.telemetry([], { dropped: { total: 2, by_priority: { "1": 2 } } });
    judge(t, (await act(t, be, d)).rec, E(["TELEMETRY_DROPPED"]), "after 2 dropped events");
  });

  await run.check(C["svc.signals.secure-token"], async (t) => {
    const be = await b(t);
    const user = `conf-${tag}-secure`;
    const known = await session({ user_id: user });
    judge(
      t,
      (await act(t, be, known, { secure: true })).rec,
      E(["SECURE_TOKEN"], { secure: true, known: true }),
      "a secure token on a device known for the user",
    );
    const anon = await session();
    judge(
      t,
      (await act(t, be, anon, { secure: true })).rec,
      E(["SECURE_TOKEN"], { secure: true }),
      "a secure token, no user",
    );
  });
}
