/**
 * `GET /metrics` (docs/operations.md): this process's counters in the Prometheus text format
 * 0.0.4, behind its own bearer token, or only on a separate handler for an internal port.
 *
 * @module
 */
import type { Hono } from "hono";
import { errorFromCode } from "../../../core/mod.ts";
import type { Deps } from "../context.ts";
import { errorResponse } from "../http/respond.ts";
import { bearerToken, matchToken } from "./bearer.ts";
import { EXPOSITION_TYPE } from "./registry.ts";

/**
 * Answers a scrape: the exposition when the bearer token matches (or none is configured on
 * the separate port), else 401 `ERR_UNAUTHENTICATED`.
 *
 * @example
 * ```ts
 * import type { Deps } from "../context.ts";
 * declare const deps: Deps;
 * declare const request: Request; // GET /metrics
 * const res = await scrape(deps, request);
 * ```
 */
export async function scrape(d: Deps, request: Request): Promise<Response> {
  const m = d.observe.metrics;
  const o = d.opts.metrics;
  if (m === null || o === null) {
    return errorResponse(
      errorFromCode("ERR_NOT_FOUND", "no such route"),
      Math.floor(d.nowMs() / 1000),
    );
  }
  if (o.tokenSha256 !== undefined) {
    const token = bearerToken(request.headers.get("authorization"));
    if (token === null || (await matchToken(token, [o.tokenSha256])) === -1) {
      return errorResponse(
        errorFromCode("ERR_UNAUTHENTICATED", "the metrics bearer token is required"),
        Math.floor(d.nowMs() / 1000),
        { "www-authenticate": 'Bearer realm="metrics"' },
      );
    }
  }
  return new Response(m.render(), {
    status: 200,
    headers: { "content-type": EXPOSITION_TYPE, "cache-control": "no-store" },
  });
}

/**
 * Mounts `GET /metrics` on the public app, unless metrics are off or served separately.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { Deps } from "../context.ts";
 * declare const deps: Deps;
 * const app = new Hono();
 * mountMetrics(app, deps);
 * ```
 */
// deno-lint-ignore no-explicit-any
export function mountMetrics(app: Hono<any>, d: Deps): void {
  if (d.opts.metrics === null || d.opts.metrics.separate === true) return;
  app.get("/metrics", (c) => scrape(d, c.req.raw));
}
