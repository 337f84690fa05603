/**
 * Service checks of the backend API (SPEC §7): client credentials, bearer authentication,
 * actions with session tokens, recommendations, results, and recommendation shapes (§10).
 *
 * @module
 */
import { verifyAccessToken } from "../../adapters/verify/verify.ts";
import type { Device } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import {
  causeOf,
  checkServiceHeader,
  expectError,
  expectStatus,
  jwksFor,
  needIssuer,
  type ServiceContext,
} from "./context.ts";

/**
 * Runs the backend checks; answers the backend (or `null`) for the secure-token checks.
 *
 * @example
 * ```ts
 * import type { Device } from "./actors.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * declare const device: Device | null;
 * const backend = await backendChecks(ctx, device);
 * ```
 */
export async function backendChecks(c: ServiceContext, d: Device | null): Promise<Backend | null> {
  const { run, http } = c;
  let backend: Backend | null = null;
  await run.check(C["svc.backend.token"], async (t) => {
    const b = new Backend(http, http.target.clientId, http.target.clientSecret);
    const res = expectStatus(t, await b.tokenRaw(), 200, "token endpoint");
    t.wire("AccessTokenResponse", res, "token response");
    const issuer = needIssuer(t, c);
    const jwks = await jwksFor(t, c, res.access_token);
    const p = await checkServiceHeader(t, res.access_token, "ds-access+jwt", c, "access token");
    t.wire("AccessClaims", p, "access token claims");
    t.equal([p.iss, p.aud, p.sub], [issuer, issuer, http.target.clientId], "[iss, aud, sub]");
    t.ok(String(p.scope).split(" ").includes("backend"), `scope ${p.scope}`);
    t.equal([res.token_type, res.scope], ["Bearer", p.scope], "[token_type, scope] of the answer");
    t.equal(res.expires_in, (p.exp as number) - (p.iat as number), "expires_in (exp − iat)");
    t.between(p.iat as number, http.nowS() - 5, http.nowS() + 5, "iat (the service's time)");
    await verifyAccessToken(String(res.access_token), { issuer, jwks, now: http.nowS() })
      .catch((e) => t.fail(`the access token does not verify: ${e.message}`));
    b.token = String(res.access_token);
    backend = b;
  });
  await run.check(C["svc.backend.token-form"], async (t) => {
    const b = new Backend(http, http.target.clientId, http.target.clientSecret);
    expectStatus(t, await b.tokenRaw({ form: true }), 200, "credentials as form fields");
  });
  await run.check(C["svc.backend.token-mixed"], async (t) => {
    const b = new Backend(http, http.target.clientId, http.target.clientSecret);
    const x = await b.tokenRaw({ both: true });
    expectError(t, x, 400, "ERR_INVALID_BODY", "Basic and form credentials in one request");
  });
  await run.check(C["svc.backend.token-wrong-secret"], async (t) => {
    const b = new Backend(http, http.target.clientId, http.target.clientSecret);
    const x = await b.tokenRaw({ secret: `${http.target.clientSecret}-wrong` });
    expectError(t, x, 401, "ERR_UNAUTHENTICATED", "wrong secret");
  });
  await run.check(C["svc.backend.token-grant"], async (t) => {
    const b = new Backend(http, http.target.clientId, http.target.clientSecret);
    expectError(t, await b.tokenRaw({ grant: "password" }), 400, "ERR_INVALID_BODY", "grant");
  });
  const action = { action_type: "login", session_token: d?.sessionToken ?? "" };
  await run.check(C["svc.backend.auth-missing"], async (t) => {
    const b = new Backend(http, "", "");
    const x = await b.call("POST", "/v1/backend/actions", action, null);
    expectError(t, x, 401, "ERR_UNAUTHENTICATED", "no Authorization");
  });
  await run.check(C["svc.backend.auth-invalid"], async (t) => {
    const b = new Backend(http, "", "");
    const garbage = await b.call("POST", "/v1/backend/actions", action, "Bearer not.a.token");
    expectError(t, garbage, 401, "ERR_UNAUTHENTICATED", "garbage bearer");
    // SPEC §7.0: a failed access token check carries the verifier's code.
    t.equal(causeOf(garbage), "ERR_TOKEN_MALFORMED", "details.cause of a garbage bearer");
    const dev = t.need(d, "a session (svc.session.create)");
    const confused = await b.call(
      "POST",
      "/v1/backend/actions",
      action,
      `Bearer ${dev.sessionToken}`,
    );
    expectError(t, confused, 401, "ERR_UNAUTHENTICATED", "a session token as bearer");
    t.equal(causeOf(confused), "ERR_TYP_MISMATCH", "details.cause of a session token as bearer");
  });

  let actionToken = "";
  let actionId = "";
  await run.check(C["svc.backend.action"], async (t) => {
    const b = t.need(backend as Backend | null, "an access token (svc.backend.token)");
    const dev = t.need(d, "a session (svc.session.create)");
    const x = await b.call("POST", "/v1/backend/actions", {
      action_type: "transaction",
      session_token: dev.sessionToken,
      correlation_id: "conformance-1",
      transaction_data: { amount: 12.5, currency: "EUR" },
    });
    const res = expectStatus(t, x, 201, "trigger action");
    t.wire("TriggerActionResponse", res, "trigger response");
    const p = await checkServiceHeader(
      t,
      res.action_token,
      "ds-action+jwt",
      c,
      "action token",
    );
    t.equal(
      [p.sub, p.aid, p.act],
      [dev.sessionId, res.action_id, "transaction"],
      "[sub, aid, act]",
    );
    // Values SPEC §5.5 and §12 imply.
    t.equal([p.iss, p.aud], [needIssuer(t, c), http.target.clientId], "[iss, aud]");
    t.between(p.iat as number, http.nowS() - 5, http.nowS() + 5, "iat (the service's time)");
    t.between((p.exp as number) - (p.iat as number), 60, 86400, "exp − iat (60–86400 s)");
    actionToken = String(res.action_token);
    actionId = String(res.action_id);
  });
  await run.check(C["svc.backend.action-invalid"], async (t) => {
    const b = t.need(backend as Backend | null, "an access token (svc.backend.token)");
    const dev = t.need(d, "a session (svc.session.create)");
    const neither = await b.call("POST", "/v1/backend/actions", { action_type: "login" });
    expectError(t, neither, 400, "ERR_INVALID_BODY", "no token");
    const both = await b.call("POST", "/v1/backend/actions", {
      action_type: "login",
      session_token: dev.sessionToken,
      secured_session_token: dev.sessionToken,
    });
    expectError(t, both, 400, "ERR_INVALID_BODY", "both tokens");
  });
  const recommendation = (b: Backend, token: string) =>
    b.call("GET", `/v1/backend/recommendation?action_token=${encodeURIComponent(token)}`);
  await run.check(C["svc.backend.recommendation"], async (t) => {
    const b = t.need(backend as Backend | null, "an access token (svc.backend.token)");
    if (actionToken === "") t.skip("needs an action (svc.backend.action)");
    const r = expectStatus(t, await recommendation(b, actionToken), 200, "recommendation");
    t.wire("Recommendation", r, "recommendation");
    const ctx = r.context as Record<string, unknown>;
    t.equal(
      [r.id, ctx.action_id, ctx.action_type],
      [actionId, actionId, "transaction"],
      "[id, action_id, action_type]",
    );
    t.equal(
      [ctx.client_id, ctx.session_id],
      [http.target.clientId, d?.sessionId],
      "[client_id, session_id]",
    );
  });
  await run.check(C["svc.backend.deterministic"], async (t) => {
    const b = t.need(backend as Backend | null, "an access token (svc.backend.token)");
    if (actionToken === "") t.skip("needs an action (svc.backend.action)");
    const pick = (
      r: Record<string, unknown>,
    ) => [r.recommendation, r.risk_score, r.reasons, r.context];
    const one = expectStatus(t, await recommendation(b, actionToken), 200, "first");
    const two = expectStatus(t, await recommendation(b, actionToken), 200, "second");
    t.equal(pick(two), pick(one), "[recommendation, risk_score, reasons, context]");
  });
  await run.check(C["svc.backend.recommendation-inline"], async (t) => {
    const b = t.need(backend as Backend | null, "an access token (svc.backend.token)");
    const dev = t.need(d, "a session (svc.session.create)");
    const x = await b.call("POST", "/v1/backend/actions?get_recommendation=true", {
      action_type: "checkout",
      session_token: dev.sessionToken,
    });
    const res = expectStatus(t, x, 201, "trigger with get_recommendation=true");
    t.wire("Recommendation", res.recommendation, "inline recommendation");
    t.equal((res.recommendation as { id?: unknown })?.id, res.action_id, "recommendation id");
  });
  await run.check(C["svc.backend.result"], async (t) => {
    const b = t.need(backend as Backend | null, "an access token (svc.backend.token)");
    if (actionToken === "") t.skip("needs an action (svc.backend.action)");
    const x = await b.call("POST", "/v1/backend/actions/result", {
      action_token: actionToken,
      result: "failure",
    });
    t.equal(expectStatus(t, x, 201, "report a result").ok, true, "ok");
    const r = expectStatus(t, await recommendation(b, actionToken), 200, "recommendation");
    t.equal((r.recommendation as { result?: unknown }).result, "failure", "recommendation.result");
  });
  return backend;
}
