// A small in-memory stand-in for the service's backend API (SPEC §7.1–§7.6), as a `fetch`
// function: no network, no crypto. Tokens are opaque compact-JWS-shaped strings. Tests read
// what was sent (`calls`) and steer failures (`intercept`, `revoke`, `tokenDelayMs`).
import {
  ClearUserRequestSchema,
  type Rule,
  RuleInputSchema,
  TriggerActionRequestSchema,
} from "../../core/mod.ts";
import * as v from "valibot";

export interface StubCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
}

export interface StubOptions {
  clientId?: string;
  clientSecret?: string;
  /** Path prefix the service is mounted under (e.g. "/risk"). */
  prefix?: string;
  expiresIn?: number;
}

export const CLIENT_ID = "demo";
export const CLIENT_SECRET = "s3cret: with colon & ünïcode";

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
const error = (status: number, code: string, message = code, details?: object): Response =>
  json(status, { code, message, time: 1767225600, ...(details ? { details } : {}) });

export function recommendationFor(actionId: string, type = "ALLOW"): Record<string, unknown> {
  return {
    id: actionId,
    issued_at_ms: 1767225600123,
    recommendation: { type, result: null },
    risk_score: 25,
    reasons: ["NO_INTERACTION"],
    context: {
      action_id: actionId,
      action_type: "transaction",
      client_id: CLIENT_ID,
      user_id: null,
      token_kind: "secure",
      signals: { device_actions_60s: 1, new_device_for_user: true },
    },
    preview_rule: null,
  };
}

export function createStubService(options: StubOptions = {}) {
  const clientId = options.clientId ?? CLIENT_ID;
  const clientSecret = options.clientSecret ?? CLIENT_SECRET;
  const prefix = options.prefix ?? "";
  const state = {
    calls: [] as StubCall[],
    tokenRequests: 0,
    valid: new Set<string>(),
    consumed: new Set<string>(),
    actions: new Map<string, { type: string }>(),
    rules: new Map<string, Rule>(),
    expiresIn: options.expiresIn ?? 3600,
    tokenDelayMs: 0,
    recommendationType: "ALLOW",
    /** Answers instead of the stub when it returns a Response. */
    intercept: null as null | ((call: StubCall) => Response | Promise<Response> | undefined),
    /** Forgets every access token (a service restart with a new key). */
    revoke(): void {
      state.valid.clear();
    },
  };
  let n = 0;

  function checkBasic(header: string | null): boolean {
    const m = /^Basic (.+)$/.exec(header ?? "");
    if (!m) return false;
    const text = new TextDecoder().decode(Uint8Array.from(atob(m[1]!), (c) => c.charCodeAt(0)));
    const [id, secret] = text.split(":").map((s) => decodeURIComponent(s.replace(/\+/g, " ")));
    return id === clientId && secret === clientSecret;
  }

  async function handle(call: StubCall): Promise<Response> {
    const { method, path } = call;
    if (method === "POST" && path === "/v1/oauth/token") {
      state.tokenRequests++;
      if (state.tokenDelayMs) await new Promise((r) => setTimeout(r, state.tokenDelayMs));
      if (!checkBasic(call.headers.get("authorization"))) return error(401, "ERR_UNAUTHENTICATED");
      const form = new URLSearchParams(call.body);
      if (form.get("grant_type") !== "client_credentials") return error(400, "ERR_INVALID_BODY");
      const token = `eyJ0eXAiOiJhY2Nlc3MifQ.t${++n}.sig`;
      state.valid.add(token);
      return json(200, {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.expiresIn,
        scope: "backend",
      });
    }
    const bearer = /^Bearer (.+)$/.exec(call.headers.get("authorization") ?? "")?.[1];
    if (bearer === undefined || !state.valid.has(bearer)) {
      return error(401, "ERR_UNAUTHENTICATED", "access token missing or invalid");
    }
    const body = call.body === "" ? undefined : JSON.parse(call.body);
    if (method === "POST" && path === "/v1/backend/actions") {
      const r = v.safeParse(TriggerActionRequestSchema, body);
      if (!r.success) return error(400, "ERR_INVALID_BODY", r.issues[0].message);
      const secure = r.output.secured_session_token;
      if (secure !== undefined) {
        if (state.consumed.has(secure)) return error(409, "ERR_REPLAYED");
        state.consumed.add(secure);
      }
      const id = `a_${++n}`;
      state.actions.set(id, { type: r.output.action_type });
      const answer: Record<string, unknown> = { action_id: id, action_token: `act.${id}.sig` };
      if (call.query.get("get_recommendation") === "true") {
        answer.recommendation = recommendationFor(id, state.recommendationType);
      }
      return json(201, answer);
    }
    if (method === "GET" && path === "/v1/backend/recommendation") {
      const id = /^act\.(a_\d+)\.sig$/.exec(call.query.get("action_token") ?? "")?.[1];
      if (id === undefined || !state.actions.has(id)) return error(404, "ERR_ACTION_UNKNOWN");
      return json(200, recommendationFor(id, state.recommendationType));
    }
    if (method === "POST" && path === "/v1/backend/actions/result") return json(201, { ok: true });
    if (method === "POST" && path === "/v1/backend/users/clear") {
      if (!v.is(ClearUserRequestSchema, body)) return error(400, "ERR_INVALID_BODY");
      return json(200, { ok: true });
    }
    if (path === "/v1/backend/rules") {
      if (method === "GET") return json(200, { rules: [...state.rules.values()] });
      const r = v.safeParse(RuleInputSchema, body);
      if (!r.success) return error(400, "ERR_INVALID_BODY");
      if ([...state.rules.values()].some((x) => x.priority === r.output.priority)) {
        return error(409, "ERR_CONFLICT", "duplicate priority");
      }
      const rule = { ...r.output, id: `r_${++n}` };
      state.rules.set(rule.id, rule);
      return json(201, rule);
    }
    const ruleId = /^\/v1\/backend\/rules\/([^/]+)$/.exec(path)?.[1];
    if (ruleId !== undefined) {
      const rule = state.rules.get(ruleId);
      if (rule === undefined) return error(404, "ERR_NOT_FOUND");
      if (method === "GET") return json(200, rule);
      if (method === "DELETE") {
        state.rules.delete(ruleId);
        return new Response(null, { status: 204 });
      }
      const r = v.safeParse(RuleInputSchema, body);
      if (!r.success) return error(400, "ERR_INVALID_BODY");
      const updated = { ...r.output, id: ruleId };
      state.rules.set(ruleId, updated);
      return json(200, updated);
    }
    return error(404, "ERR_NOT_FOUND");
  }

  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    if (!url.pathname.startsWith(`${prefix}/`)) return error(404, "ERR_NOT_FOUND");
    const call: StubCall = {
      method: init.method ?? "GET",
      path: url.pathname.slice(prefix.length),
      query: url.searchParams,
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : "",
    };
    state.calls.push(call);
    return (await state.intercept?.(call)) ?? handle(call);
  };
  return { fetch, state };
}
