/**
 * Mounts the operator console (docs/operations.md): the static page at `/console/` and its
 * JSON API at `/console/api/*`, only when the `console` option is set.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { Deps, Req } from "../context.ts";
import { ASSETS } from "./assets.ts";
import { audit, decisions, patchRule, summary } from "./api.ts";

// The page loads only its own script and style, and talks only to its own origin.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function asset(name: string): Response {
  const a = ASSETS[name]!;
  return new Response(a.body, {
    status: 200,
    headers: {
      "content-type": a.type,
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });
}

/**
 * Adds the console's routes to `app` when the console is on.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { Deps } from "../context.ts";
 * declare const deps: Deps;
 * const app = new Hono();
 * mountConsole(app, deps);
 * ```
 */
// deno-lint-ignore no-explicit-any
export function mountConsole(app: Hono<any>, d: Deps): void {
  if (d.observe.console === null) return;
  type C = Context<{ Bindings: { req: Req } }>;
  const bind = (h: (d: Deps, r: Req) => Promise<Response>) => (c: C) => {
    const r = c.env.req;
    r.id = c.req.param("id");
    return h(d, r);
  };
  app.get(
    "/console",
    () => new Response(null, { status: 308, headers: { location: "/console/" } }),
  );
  app.get("/console/", () => asset("index.html"));
  app.get("/console/console.js", () => asset("console.js"));
  app.get("/console/console.css", () => asset("console.css"));
  app.get("/console/api/summary", bind(summary));
  app.get("/console/api/decisions", bind(decisions));
  app.get("/console/api/audit", bind(audit));
  app.post("/console/api/rules/:id", bind(patchRule));
}
