// The operator console's API (docs/operations.md) on the runtime's real server, over a seeded
// scenario (support/console-scenario.ts): the counters, decisions, rule hits and audit trail it
// answers, its credentials, and that client a's operator sees nothing of client b.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Seeded } from "../support/console-scenario.ts";

const T = { timeout: 120_000 };
type Json = Record<string, unknown>;

describe("console API", { skip: typeof window !== "undefined" && "needs a server runtime" }, () => {
  let s: Seeded;
  let sc: typeof import("../support/console-scenario.ts");
  before(async () => {
    sc = await import("../support/console-scenario.ts");
    s = await sc.seedConsole();
  });
  after(() => s.h.close());

  const get = async (path: string, token: string): Promise<{ status: number; json: Json }> => {
    const r = await s.h.fetch(path, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, json: await r.json() as Json };
  };

  it("is off by default", T, async () => {
    const { startHarness } = await import("../support/harness.ts");
    const plain = await startHarness();
    try {
      for (const p of ["/console/", "/console/api/summary"]) {
        const r = await plain.fetch(p);
        assert.equal(r.status, 404, p);
        await r.body?.cancel();
      }
    } finally {
      await plain.close();
    }
  });

  it("serves the page with a strict CSP, and the embedded assets are up to date", T, async () => {
    const r = await s.h.fetch("/console/");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-security-policy")!, /script-src 'self'/);
    assert.match(await r.text(), /<title>device-session console<\/title>/);
    const js = await s.h.fetch("/console/console.js");
    assert.match(js.headers.get("content-type")!, /^text\/javascript/);
    await js.body?.cancel();
    const tool = "../../../tools/console-assets.mjs"; // computed: kept out of the browser bundle
    const { render } = await import(tool) as { render(): string };
    const { ASSETS } = await import("../../../adapters/server/console/assets.ts");
    const fresh = render() as string;
    for (const [name, a] of Object.entries(ASSETS)) {
      assert.ok(
        fresh.includes(JSON.stringify(a.body)),
        `${name}: run node tools/console-assets.mjs`,
      );
    }
  });

  it("answers the seeded counters, rule hits and DENY decisions", T, async () => {
    const { status, json } = await get("/console/api/summary", sc.ALICE);
    assert.equal(status, 200);
    assert.equal(json.client_id, "a");
    assert.equal(json.actor, "operator:alice");
    const hour = json.hour as Record<string, number>;
    assert.equal(hour["sessions.created"], s.sessionsA);
    assert.equal(hour["actions.login"], s.logins);
    assert.equal(hour["actions.transfer"], s.transfers);
    assert.equal(hour["recommendations.DENY"], s.denies);
    assert.equal(hour["telemetry.dropped"], s.dropped);
    assert.equal(hour["reasons.RULE_DENY"], s.denies);
    const day = json.day as Record<string, number>;
    assert.equal(day["sessions.created"], s.sessionsA);
    const rules = json.rules as { id: string; hits_24h: { production: number; preview: number } }[];
    const preview = rules.find((r) => r.id === s.previewRuleId)!;
    const production = rules.find((r) => r.id === s.productionRuleId)!;
    assert.deepEqual(preview.hits_24h, { production: 0, preview: s.transfers });
    assert.deepEqual(production.hits_24h, { production: s.denies, preview: 0 });
    const minute = (json.series as { minute: { counts: Record<string, number> }[] }).minute;
    const total = minute.reduce((n, b) => n + (b.counts["sessions.created"] ?? 0), 0);
    assert.equal(total, s.sessionsA, "the minute series adds up to the hour's total");
  });

  it("lists decisions with reasons and signals, searchable by device and user id", T, async () => {
    const all = await get("/console/api/decisions", sc.ALICE);
    const list = all.json.decisions as Json[];
    assert.equal(list.length, s.logins + s.transfers);
    const deny = list.find((e) => e.type === "DENY")!;
    assert.ok((deny.reasons as string[]).includes("RULE_DENY"));
    assert.deepEqual(deny.rule, { id: s.productionRuleId, name: "block 198.51.100.0/24" });
    assert.equal(typeof (deny.signals as Json).device_actions_60s, "number");
    const transfer = list.find((e) => e.action_type === "transfer")!;
    assert.equal((transfer.preview_rule as Json).id, s.previewRuleId);
    const byDevice = await get(`/console/api/decisions?q=${s.deviceA.id}`, sc.ALICE);
    assert.equal((byDevice.json.decisions as Json[]).length, s.deviceA.decisions);
    const byUser = await get("/console/api/decisions?q=user-2", sc.ALICE);
    assert.deepEqual((byUser.json.decisions as Json[]).map((e) => e.claimed_user_id), [
      "user-2",
      "user-2",
    ]);
  });

  it(
    "records rule changes and operator actions in the audit trail (who, when, before/after)",
    T,
    async () => {
      const r = await s.h.fetch(`/console/api/rules/${s.previewRuleId}`, {
        method: "POST",
        headers: { authorization: `Bearer ${sc.ALICE}`, "content-type": "application/json" },
        body: JSON.stringify({ mode: "production" }),
      });
      assert.equal(r.status, 200);
      assert.equal((await r.json() as Json).mode, "production");
      const { json } = await get("/console/api/audit", sc.ALICE);
      const entries = json.entries as Json[];
      assert.deepEqual(entries.map((e) => [e.actor, e.action]), [
        ["operator:alice", "rule.update"],
        ["client:a", "rule.update"],
        ["client:a", "rule.create"],
        ["client:a", "rule.create"],
      ]);
      assert.equal((entries[0]!.before as Json).mode, "preview");
      assert.equal((entries[0]!.after as Json).mode, "production");
      assert.equal((entries[1]!.before as Json).priority, 10);
      assert.equal((entries[1]!.after as Json).priority, 11);
      assert.equal(typeof entries[0]!.at_ms, "number");
      const rules = await s.a.call("GET", `/v1/backend/rules/${s.previewRuleId}`);
      assert.equal(
        (await rules.json() as Json).mode,
        "production",
        "the operator action took effect",
      );
    },
  );

  it("client a's operator sees nothing of client b, and cannot touch b's rules", T, async () => {
    const paths = [
      "/console/api/summary",
      "/console/api/decisions?limit=500",
      "/console/api/audit",
    ];
    for (
      const [token, mine, theirs] of [
        [sc.ALICE, "a", [s.bOnly.deviceId, s.bOnly.userId, s.bOnly.ruleName]],
        [s.a.token, "a", [s.bOnly.deviceId, s.bOnly.userId, s.bOnly.ruleName]],
        [sc.BOB, "b", [s.deviceA.id, "user-0", "deny every transfer", s.previewRuleId]],
      ] as const
    ) {
      for (const p of paths) {
        const { status, json } = await get(p, token);
        assert.equal(status, 200);
        assert.equal(json.client_id, mine);
        const text = JSON.stringify(json);
        for (const t of theirs) assert.ok(!text.includes(t), `${mine} sees ${t} in ${p}`);
      }
      const search = await get(`/console/api/decisions?q=${theirs[0]}`, token);
      assert.deepEqual(search.json.decisions, []);
    }
    const bRules = await (await s.b.call("GET", "/v1/backend/rules")).json() as { rules: Json[] };
    const bRule = bRules.rules[0]!.id as string;
    const r = await s.h.fetch(`/console/api/rules/${bRule}`, {
      method: "POST",
      headers: { authorization: `Bearer ${sc.ALICE}`, "content-type": "application/json" },
      body: JSON.stringify({ enabled: false }),
    });
    assert.equal(r.status, 404);
    assert.equal((await r.json() as Json).code, "ERR_RULE_UNKNOWN");
    const still = await (await s.b.call("GET", `/v1/backend/rules/${bRule}`)).json() as Json;
    assert.equal(still.enabled, true);
  });

  it("refuses requests without a valid credential", T, async () => {
    for (const auth of [null, "Bearer wrong-token", `Basic ${btoa("a:x")}`]) {
      const r = await s.h.fetch(
        "/console/api/summary",
        auth ? { headers: { authorization: auth } } : {},
      );
      assert.equal(r.status, 401, String(auth));
      assert.equal((await r.json() as Json).code, "ERR_UNAUTHENTICATED");
    }
    const strict = await sc.seedConsole({ console: { backendTokens: false, operators: [] } });
    try {
      const r = await strict.h.fetch("/console/api/summary", {
        headers: { authorization: `Bearer ${strict.a.token}` },
      });
      assert.equal(r.status, 401, "backend tokens turned off");
      await r.body?.cancel();
    } finally {
      await strict.h.close();
    }
  });
});
