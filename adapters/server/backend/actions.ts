/**
 * `POST /v1/backend/actions[?get_recommendation=true]` (SPEC §7.2): trigger an action with a
 * session token or a secure session token (bound to the action type, single use at the
 * service), optionally answering its recommendation at once.
 *
 * @module
 */
import {
  type ActionEventData,
  errorFromCode,
  parseOrThrow,
  type SessionTokenResult,
  TriggerActionRequestSchema,
} from "../../../core/mod.ts";
import { recommend } from "../../../core/service/recommend.ts";
import { formatIp, parseIp } from "../../../core/service/ip.ts";
import { sessionStatus } from "../../../core/service/session.ts";
import type { SessionRecord } from "../../../core/service/session.ts";
import { recordAction } from "../actions.ts";
import type { Deps, Req } from "../context.ts";
import { readJson } from "../http/body.ts";
import { forbidOtherClient, json } from "../http/respond.ts";
import { sessionUnknown } from "../tokens.ts";
import { backendClient } from "./auth.ts";
import { commonTrigger } from "./trigger-check.ts";
import { peekSecureSessionId } from "../jws-peek.ts";
import { asciiTextOf } from "../../crypto/ascii.ts";

/**
 * Triggers an action event from a backend.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await triggerAction(deps, req); // POST /v1/backend/actions, as buildApp routes it
 * ```
 */
export async function triggerAction(d: Deps, r: Req): Promise<Response> {
  const client = await backendClient(d, r);
  const flag = r.query.get("get_recommendation");
  if (flag !== null && flag !== "true" && flag !== "false") {
    throw errorFromCode("ERR_INVALID_QUERY", "get_recommendation must be true or false");
  }
  const { value } = await readJson(r.raw, {
    maxBytes: d.opts.limits.maxBodyBytes,
    accepted: ["json"],
  });
  const body = commonTrigger(value) ??
    parseOrThrow(TriggerActionRequestSchema, value, "ERR_INVALID_BODY");
  // Members set one by one: on Node 20 a member after an object spread costs a slow runtime call.
  const presented: { sessionToken?: string; secureToken?: string; action: string } = {
    action: body.action_type,
  };
  if (body.session_token !== undefined) presented.sessionToken = body.session_token;
  if (body.secured_session_token !== undefined) {
    presented.secureToken = body.secured_session_token;
  }
  const { session, secure } = await presentedSession(d, r, client.id, presented);
  const l = d.opts.limits;
  const after = await d.store.patchSession(session.id, { seen: r.now }, r.now, l.retentionS) ??
    session;
  const ip = body.ip === undefined ? null : parseIp(body.ip);
  const data: ActionEventData = { action_type: body.action_type };
  if (body.correlation_id !== undefined) data.correlation_id = body.correlation_id;
  if (body.claimed_user_id !== undefined) data.claimed_user_id = body.claimed_user_id;
  if (body.claimed_user_id_type !== undefined) {
    data.claimed_user_id_type = body.claimed_user_id_type;
  }
  if (body.transaction_data !== undefined) data.transaction_data = body.transaction_data;
  if (body.custom_attributes !== undefined) data.custom_attributes = body.custom_attributes;
  const action = await recordAction(d, {
    session: after,
    source: secure ? "secure" : "session",
    seq: null,
    data,
    userId: after.userId,
    interactionsBefore: after.interactions,
    automation: after.automation,
    platform: after.platform,
    ip: ip === null ? null : formatIp(ip),
    userAgent: body.user_agent ?? null,
    nowMs: r.nowMs,
  });
  const out: Record<string, unknown> = { action_id: action.id, action_token: action.token };
  if (flag === "true") {
    const rules = await d.store.listRules(client.id);
    const rec = recommend({ action, rules, policy: d.opts.policy, nowMs: r.nowMs });
    await d.observe.decision(rec, rules, r.nowMs);
    out.recommendation = rec;
  }
  return json(201, out);
}

/**
 * The session a backend presents with a session token or a secure session token (consumed):
 * 403 `ERR_FORBIDDEN` for another client's token, 404 `ERR_SESSION_UNKNOWN` for a session the
 * service no longer has (a secure token is then not burned).
 */
export async function presentedSession(
  d: Deps,
  r: Req,
  clientId: string,
  t: { sessionToken?: string; secureToken?: string; action?: string },
): Promise<{ session: SessionRecord; secure: boolean }> {
  const l = d.opts.limits;
  const live = (s: SessionRecord | null): s is SessionRecord =>
    s !== null && s.clientId === clientId && sessionStatus(s, r.now, l.retentionS) !== "gone";
  if (t.secureToken !== undefined) {
    // Look the session up first, so that an unknown session refuses before the jti is consumed.
    const sid = peekSecureSessionId(t.secureToken, asciiTextOf(d.crypto));
    const candidate = sid === null ? null : await d.store.getSession(sid);
    const verified = await d.tokens.verifySecure(t.secureToken, {
      clientId,
      action: t.action!,
      now: r.now,
      beforeConsume: () => {
        if (!live(candidate)) throw sessionUnknown();
      },
    }).then(d.observe.secureAccepted, d.observe.secureRefused).catch(forbidOtherClient);
    return { session: checked(candidate, verified), secure: true };
  }
  const verified = await d.tokens.verifySession(t.sessionToken!, clientId, r.now).catch(
    forbidOtherClient,
  );
  const session = await d.store.getSession(verified.sessionId);
  if (!live(session)) throw sessionUnknown();
  return { session: checked(session, verified), secure: false };
}

function checked(
  session: SessionRecord | null,
  token: SessionTokenResult | { sessionId: string; jkt: string },
): SessionRecord {
  // The verified token names this very session and key (the pre-parse was of the same bytes).
  if (session === null || session.id !== token.sessionId || session.jkt !== token.jkt) {
    throw sessionUnknown();
  }
  return session;
}
