/**
 * The hono application: every route of SPEC §6 and §7 bound to its handler, 404 vs 405, and
 * thrown errors turned into SPEC §6.5 bodies by the caller (`app.ts`). hono's route table is
 * the only one: the `Allow` of a 405 is read from it (`app.routes`), so a route added anywhere
 * (test control, a `mount(app)` of another module) gets its 405 too.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { errorFromCode } from "../../core/mod.ts";
import type { Deps, Req } from "./context.ts";
import { getConfig } from "./device/config.ts";
import { createSession, refreshSession } from "./device/sessions.ts";
import { postTelemetry } from "./device/telemetry.ts";
import { issueToken } from "./backend/oauth.ts";
import { triggerAction } from "./backend/actions.ts";
import { getRecommendation, reportResult } from "./backend/recommendation.ts";
import { clearUser } from "./backend/users.ts";
import { createRule, deleteRule, getRule, listRules, updateRule } from "./backend/rules.ts";
import { getDiscovery, getJwks } from "./well-known.ts";
import { json } from "./http/respond.ts";
import { mountTestControl } from "./test-control.ts";
import { mountOperator } from "./console/operator.ts";

/** What each request carries into hono (as its "bindings"). */
export interface Bindings {
  readonly req: Req;
}

type Handler = (d: Deps, r: Req) => Response | Promise<Response>;

/** Thrown by a route to hand an error back to the caller of `app.fetch`. */
export class RouteError {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Builds the hono app over `deps`. Errors propagate out of `fetch` as {@link RouteError}s.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "./context.ts";
 * declare const deps: Deps;
 * declare const request: Request;
 * declare const req: Req; // newReq(request, …)
 * const app = buildApp(deps);
 * const res = await app.fetch(request, { req });
 * ```
 */
export function buildApp(d: Deps): Hono<{ Bindings: Bindings }> {
  const app = new Hono<{ Bindings: Bindings }>();
  const bind = (h: Handler) => (c: Context<{ Bindings: Bindings }>) => h(d, c.env.req);
  // Only routes with an `:id` read it (`c.req` makes hono's request wrapper).
  const bindId = (h: Handler) => (c: Context<{ Bindings: Bindings }>) => {
    const r = c.env.req;
    r.id = c.req.param("id");
    return h(d, r);
  };
  app.get("/v1/device/config", bind(getConfig));
  app.post("/v1/device/sessions", bind(createSession));
  app.post("/v1/device/sessions/:id/refresh", bindId(refreshSession));
  app.post("/v1/device/telemetry", bind(postTelemetry));
  app.post("/v1/oauth/token", bind(issueToken));
  app.post("/v1/backend/actions", bind(triggerAction));
  app.get("/v1/backend/recommendation", bind(getRecommendation));
  app.post("/v1/backend/actions/result", bind(reportResult));
  app.post("/v1/backend/users/clear", bind(clearUser));
  app.get("/v1/backend/rules", bind(listRules));
  app.post("/v1/backend/rules", bind(createRule));
  app.get("/v1/backend/rules/:id", bindId(getRule));
  app.put("/v1/backend/rules/:id", bindId(updateRule));
  app.delete("/v1/backend/rules/:id", bindId(deleteRule));
  app.get("/.well-known/jwks.json", bind(getJwks));
  app.get("/.well-known/device-session", bind(getDiscovery));
  // Liveness: the process answers (never touches the store). Readiness: the store answers too.
  app.get("/healthz", (c) => json(200, { status: "ok", time: c.env.req.now }));
  if (d.testClock !== null) mountTestControl(app, d, d.testClock);
  mountOperator(app, d);
  app.get("/readyz", async (c) => {
    if (await d.ready()) return json(200, { status: "ready", time: c.env.req.now });
    throw new RouteError(
      errorFromCode("ERR_UNAVAILABLE", "the store does not answer", {
        details: { retry_after_s: 1 },
      }),
    );
  });
  allowMethods(app);
  app.onError((err) => {
    throw err instanceof RouteError ? err : new RouteError(err);
  });
  return app;
}

/**
 * Answers a request no route took: 405 `ERR_METHOD_NOT_ALLOWED` with the methods hono's own
 * table has for its path (and `HEAD` for `GET`: hono answers it), else 404 `ERR_NOT_FOUND`. Call
 * it last: it reads the routes added so far. The per-path catch-alls live in a second router
 * consulted only then, so a routed request matches its one handler (hono's fast path, no
 * middleware chain).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * declare const app: Hono<{ Bindings: Bindings }>;
 * declare const health: () => Response;
 * app.get("/healthz", health);
 * allowMethods(app); // DELETE /healthz → 405, Allow: GET, HEAD
 * ```
 */
export function allowMethods(app: Hono<{ Bindings: Bindings }>): void {
  const byPath = new Map<string, string[]>();
  for (const { path, method } of app.routes) {
    if (method === "ALL") continue; // middleware, not a route
    const methods = byPath.get(path) ?? [];
    if (!methods.includes(method)) methods.push(method);
    byPath.set(path, methods);
  }
  const others = new Hono<{ Bindings: Bindings }>();
  for (const [path, methods] of byPath) {
    const allow = methods.flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
    others.all(path, () => {
      throw new RouteError(
        errorFromCode("ERR_METHOD_NOT_ALLOWED", `allowed: ${allow.join(", ")}`, {
          details: { allow },
        }),
      );
    });
  }
  others.notFound(() => {
    throw new RouteError(errorFromCode("ERR_NOT_FOUND", "no such route"));
  });
  others.onError((err) => {
    throw err;
  });
  app.notFound((c) => others.fetch(c.req.raw, c.env));
}
