/**
 * Rules CRUD (SPEC §7.6): per client, priorities unique (409 `ERR_CONFLICT`), at most 1000;
 * another client's rule does not exist here (404 `ERR_RULE_UNKNOWN`).
 *
 * @module
 */
import { errorFromCode, Id, parseOrThrow, type Rule, RuleInputSchema } from "../../../core/mod.ts";
import * as v from "valibot";
import { MAX_RULES_PER_CLIENT, normalizeRule, ruleProblem } from "../../../core/service/rules.ts";
import { newId } from "../ids.ts";
import type { RuleWrite } from "../../store/types.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { json } from "../http/respond.ts";
import { backendClient } from "./auth.ts";

async function ruleBody(d: Deps, r: Req) {
  const { value } = await readJson(r.raw, {
    maxBytes: d.opts.limits.maxBodyBytes,
    accepted: ["json"],
  });
  const input = parseOrThrow(RuleInputSchema, value, "ERR_INVALID_BODY");
  const problem = ruleProblem(input.match);
  if (problem !== null) throw errorFromCode("ERR_INVALID_BODY", problem);
  return input;
}

function written(w: RuleWrite): Rule {
  if (w.ok) return w.rule;
  if (w.reason === "not_found") throw errorFromCode("ERR_RULE_UNKNOWN", "no such rule");
  if (w.reason === "limit") {
    throw errorFromCode("ERR_CONFLICT", `at most ${MAX_RULES_PER_CLIENT} rules per client`);
  }
  throw errorFromCode("ERR_CONFLICT", "another rule has this priority", {
    details: { field: "priority" },
  });
}

function ruleId(r: Req): string {
  const id = r.id ?? "";
  if (!v.is(Id, id)) throw errorFromCode("ERR_RULE_UNKNOWN", "no such rule");
  return id;
}

/** Records a rule change by the client's backend in the audit trail (when the console is on). */
function audited(
  d: Deps,
  r: Req,
  clientId: string,
  id: string,
  before: Rule | null,
  after: Rule | null,
) {
  const action = before === null ? "rule.create" : after === null ? "rule.delete" : "rule.update";
  return d.observe.audit(clientId, {
    at_ms: r.nowMs,
    actor: `client:${clientId}`,
    action,
    target: id,
    before,
    after,
  });
}

/** The stored rule before a change, when something audits it. */
function ruleBefore(d: Deps, clientId: string, id: string): Promise<Rule | null> {
  return d.observe.auditing ? d.store.getRule(clientId, id) : Promise.resolve(null);
}

/** `GET /v1/backend/rules`. */
export async function listRules(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  return json(200, { rules: await d.store.listRules(client.id) });
}

/** `POST /v1/backend/rules` → 201 rule. */
export async function createRule(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const rule = normalizeRule(newId("r_"), await ruleBody(d, r));
  const saved = written(await d.store.putRule(client.id, rule, "create", MAX_RULES_PER_CLIENT));
  await audited(d, r, client.id, saved.id, null, saved);
  return json(201, saved);
}

/** `GET /v1/backend/rules/{id}`. */
export async function getRule(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const rule = await d.store.getRule(client.id, ruleId(r));
  if (rule === null) throw errorFromCode("ERR_RULE_UNKNOWN", "no such rule");
  return json(200, rule);
}

/** `PUT /v1/backend/rules/{id}` → 200 rule (a whole rule replaces the stored one). */
export async function updateRule(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const id = ruleId(r);
  const rule = normalizeRule(id, await ruleBody(d, r));
  const before = await ruleBefore(d, client.id, id);
  const saved = written(await d.store.putRule(client.id, rule, "update", MAX_RULES_PER_CLIENT));
  await audited(d, r, client.id, id, before ?? saved, saved);
  return json(200, saved);
}

/** `DELETE /v1/backend/rules/{id}` → 204. */
export async function deleteRule(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const id = ruleId(r);
  const before = await ruleBefore(d, client.id, id);
  if (!(await d.store.deleteRule(client.id, id))) {
    throw errorFromCode("ERR_RULE_UNKNOWN", "no such rule");
  }
  if (before !== null) await audited(d, r, client.id, id, before, null);
  return new Response(null, { status: 204 });
}
