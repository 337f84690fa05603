/**
 * Service checks of rules (SPEC §7.6, §10.2) against rules the suite installs through the rules
 * API for one fresh device: priority order, disabled rules, preview vs production, the rules
 * counting at the time the recommendation is asked for, and the API's own answers.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import type { Device } from "./actors.ts";
import type { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";
import { act, judge, recommendationOf, type ScoringKit } from "./scoring.ts";

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
 * Runs the rule checks.
 *
 * @example
 * ```ts
 * import { scoringKit } from "./scoring.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await ruleChecks(ctx, await scoringKit(ctx));
 * ```
 */
export async function ruleChecks(c: ServiceContext, kit: ScoringKit): Promise<void> {
  const { run } = c;
  const { tag } = kit;
  const E = kit.expect;
  const b = kit.backend;
  const session = kit.session;
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

  await run.check(C["svc.rules.api"], async (t) => {
    const be = await b(t);
    const d = await session();
    const [id] = await rules(t, be, d, [["preview", "DENY"]]);
    const path = `/v1/backend/rules/${encodeURIComponent(id!)}`;
    let full: Record<string, unknown> = {};
    try {
      const got = expectStatus(t, await be.call("GET", path), 200, "GET the rule by id");
      t.equal(got.id, id, "id of the rule read back");
      t.equal(got.recommendation, "DENY", "recommendation of the rule read back");
      const [other] = await freePriorities(t, be, 1);
      const replaced = { ...got, id: "r_ignored", priority: other, recommendation: "CHALLENGE" };
      const put = expectStatus(t, await be.call("PUT", path, replaced), 200, "PUT the rule");
      t.equal([put.id, put.priority, put.recommendation], [id, other, "CHALLENGE"], "PUT answer");
      const bad = [
        ["two match kinds", { ...replaced, match: { device_ids: ["d_x"], user_ids: ["u"] } }],
        ["priority 0", { ...replaced, priority: 0 }],
        ["an unknown recommendation", { ...replaced, recommendation: "MAYBE" }],
      ] as const;
      for (const [what, body] of bad) {
        const { id: _id, ...rule } = body;
        expectError(
          t,
          await be.call("POST", "/v1/backend/rules", rule),
          400,
          "ERR_INVALID_BODY",
          `a rule with ${what}`,
        );
      }
      const { id: _id, ...dup } = replaced;
      full = dup;
      expectError(
        t,
        await be.call("POST", "/v1/backend/rules", dup),
        409,
        "ERR_CONFLICT",
        "a rule of a taken priority",
      );
    } finally {
      await drop(be, [id!]);
    }
    // A deleted id is unknown: read, replace (with a valid rule) and delete are all 404.
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      const x = await be.call(method, path, method === "PUT" ? full : undefined);
      expectError(t, x, 404, "ERR_RULE_UNKNOWN", `${method} a deleted rule`);
    }
    const unknown = "/v1/backend/rules/r_conformanceUnknownRule00";
    expectError(
      t,
      await be.call("GET", unknown),
      404,
      "ERR_RULE_UNKNOWN",
      "GET an unknown rule id",
    );
  });
}
