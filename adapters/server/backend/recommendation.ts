/**
 * `GET /v1/backend/recommendation?action_token=…` (SPEC §7.3, §10) and
 * `POST /v1/backend/actions/result` (SPEC §7.4).
 *
 * @module
 */
import {
  ActionResultRequestSchema,
  CompactJws,
  errorFromCode,
  parseOrThrow,
} from "../../../core/mod.ts";
import * as v from "valibot";
import type { ActionRecord } from "../../../core/service/action.ts";
import { setsSessionUser } from "../../../core/service/action.ts";
import { recommend } from "../../../core/service/recommend.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { forbidOtherClient, json } from "../http/respond.ts";
import { deviceExpiry } from "../device/sessions.ts";
import { backendClient } from "./auth.ts";

/** The action an action token names, for `clientId`; 404 `ERR_ACTION_UNKNOWN` if gone. */
async function tokenAction(
  d: Deps,
  r: Req,
  clientId: string,
  token: string,
): Promise<ActionRecord> {
  const verified = await d.tokens.verifyAction(token, clientId, r.now).catch(forbidOtherClient);
  const action = await d.store.getAction(verified.actionId);
  if (action === null || action.clientId !== clientId || action.sessionId !== verified.sessionId) {
    throw errorFromCode("ERR_ACTION_UNKNOWN", "no such action");
  }
  return action;
}

/**
 * Answers an action's recommendation.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await getRecommendation(deps, req); // GET /v1/backend/recommendation, as buildApp routes it
 * ```
 */
export async function getRecommendation(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const token = r.query.get("action_token");
  if (token === null || !v.is(CompactJws, token)) {
    throw errorFromCode("ERR_INVALID_QUERY", "action_token is required");
  }
  const action = await tokenAction(d, r, client.id, token);
  const rules = await d.store.listRules(client.id);
  const rec = recommend({ action, rules, policy: d.opts.policy, nowMs: r.nowMs });
  await d.observe.decision(rec, rules, r.nowMs);
  return json(200, rec);
}

/**
 * Records an action's result; a successful login-type result with a user id sets the session's
 * user (SPEC §7.4).
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await reportResult(deps, req); // POST /v1/backend/actions/result, as buildApp routes it
 * ```
 */
export async function reportResult(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const { value } = await readJson(r.raw, {
    maxBytes: d.opts.limits.maxBodyBytes,
    accepted: ["json"],
  });
  const body = parseOrThrow(ActionResultRequestSchema, value, "ERR_INVALID_BODY");
  const action = await tokenAction(d, r, client.id, body.action_token);
  await d.store.setActionOutcome(action.id, {
    result: body.result,
    userId: body.user_id ?? null,
    challengeType: body.challenge_type ?? null,
    reportedAtMs: r.nowMs,
  });
  if (body.result === "success" && body.user_id !== undefined && setsSessionUser(action.type)) {
    const l = d.opts.limits;
    await d.store.patchSession(
      action.sessionId,
      { user: { id: body.user_id, seq: 0 } },
      r.now,
      l.retentionS,
    );
    await d.store.linkUser(client.id, action.deviceId, body.user_id, deviceExpiry(d, r));
  }
  return json(201, { ok: true });
}
