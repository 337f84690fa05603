/**
 * The console's JSON API (docs/operations.md), every answer scoped to the caller's client:
 *
 * | route | answers |
 * |---|---|
 * | `GET /console/api/summary` | totals of the last hour and day, minute and hour series, rules with hits |
 * | `GET /console/api/decisions?q=&limit=` | the latest decisions, filtered by session, device or user id |
 * | `GET /console/api/audit` | the audit trail, newest first |
 * | `POST /console/api/rules/{id}` | an operator action: `{ enabled?, mode? }` on one rule (audited) |
 *
 * @module
 */
import * as v from "valibot";
import { errorFromCode, Id, parseOrThrow, type Rule } from "../../../core/mod.ts";
import { MAX_RULES_PER_CLIENT } from "../../../core/service/rules.ts";
import type { ConsoleBucket } from "../../store/console.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { consoleCaller } from "./auth.ts";
import type { ConsoleRecorder } from "./recorder.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function recorder(d: Deps): ConsoleRecorder {
  return d.observe.console!;
}

function sum(buckets: readonly ConsoleBucket[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of buckets) {
    for (const [k, n] of Object.entries(b.counts)) out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

/** `GET /console/api/summary`. */
export async function summary(d: Deps, r: Req): Promise<Response> {
  const caller = await consoleCaller(d, r);
  const store = recorder(d).store;
  const minuteFrom = r.nowMs - HOUR_MS + 1;
  const hourFrom = r.nowMs - DAY_MS + 1;
  const [minutes, hours, rules] = await Promise.all([
    store.series(caller.clientId, "minute", Math.floor(minuteFrom / 60_000) * 60_000, r.nowMs),
    store.series(caller.clientId, "hour", Math.floor(hourFrom / HOUR_MS) * HOUR_MS, r.nowMs),
    d.store.listRules(caller.clientId),
  ]);
  const day = sum(hours);
  return json(200, {
    client_id: caller.clientId,
    actor: caller.actor,
    now_ms: r.nowMs,
    hour: sum(minutes),
    day,
    series: { minute: minutes, hour: hours },
    rules: rules.map((rule) => ({
      ...rule,
      hits_24h: {
        production: day[`rules.production.${rule.id}`] ?? 0,
        preview: day[`rules.preview.${rule.id}`] ?? 0,
      },
    })),
  });
}

/** `GET /console/api/decisions?q=&limit=`: `q` matches a session, device or user id exactly. */
export async function decisions(d: Deps, r: Req): Promise<Response> {
  const caller = await consoleCaller(d, r);
  const rec = recorder(d);
  const limit = Math.min(Math.max(Number(r.query.get("limit") ?? 50) | 0, 1), 500);
  const q = (r.query.get("q") ?? "").trim();
  const o = rec.options;
  const texts = await rec.store.recent(
    caller.clientId,
    "decisions",
    r.nowMs,
    o.decisionTtlMs,
    o.recentDecisions,
  );
  const all = texts.map((t) => JSON.parse(t) as Record<string, unknown>);
  const hits = q === ""
    ? all
    : all.filter((e) =>
      e.session_id === q || e.device_id === q || e.user_id === q || e.claimed_user_id === q
    );
  return json(200, { client_id: caller.clientId, decisions: hits.slice(0, limit) });
}

/** `GET /console/api/audit`. */
export async function audit(d: Deps, r: Req): Promise<Response> {
  const caller = await consoleCaller(d, r);
  const rec = recorder(d);
  const o = rec.options;
  const texts = await rec.store.recent(caller.clientId, "audit", r.nowMs, o.auditTtlMs, 200);
  return json(200, { client_id: caller.clientId, entries: texts.map((t) => JSON.parse(t)) });
}

const RulePatch = v.strictObject({
  enabled: v.optional(v.boolean()),
  mode: v.optional(v.picklist(["production", "preview"])),
});

/** `POST /console/api/rules/{id}`: an operator switches a rule on or off, or its mode. */
export async function patchRule(d: Deps, r: Req): Promise<Response> {
  const caller = await consoleCaller(d, r);
  const id = r.id ?? "";
  const before = v.is(Id, id) ? await d.store.getRule(caller.clientId, id) : null;
  if (before === null) throw errorFromCode("ERR_RULE_UNKNOWN", "no such rule");
  const { value } = await readJson(r.raw, { maxBytes: 1024, accepted: ["json"] });
  const patch = parseOrThrow(RulePatch, value, "ERR_INVALID_BODY");
  const after: Rule = { ...before, ...patch };
  const w = await d.store.putRule(caller.clientId, after, "update", MAX_RULES_PER_CLIENT);
  if (!w.ok) throw errorFromCode("ERR_RULE_UNKNOWN", "no such rule");
  await d.observe.audit(caller.clientId, {
    at_ms: r.nowMs,
    actor: caller.actor,
    action: "rule.update",
    target: id,
    before,
    after: w.rule,
  });
  return json(200, w.rule);
}
