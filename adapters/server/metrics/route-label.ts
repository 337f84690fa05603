/**
 * The route template of a request path, for metric labels: a route of the service's one route
 * table (hono's, `routes.ts`) by its template (`/v1/device/sessions/:id/refresh`), the operator
 * routes by prefix, anything else `unmatched` — so a scanner probing random paths cannot grow
 * the label set.
 *
 * @module
 */

/** Route templates compiled for {@link routeLabel}. */
export interface RouteTemplates {
  readonly list: readonly { readonly template: string; readonly pattern: RegExp }[];
}

/**
 * Compiles hono path templates (`:name` is one segment).
 *
 * @example
 * ```ts
 * const t = routeTemplates(["/v1/device/sessions/:id/refresh"]);
 * ```
 */
export function routeTemplates(paths: readonly string[]): RouteTemplates {
  const list = [...new Set(paths)].filter((p) => p.startsWith("/") && !p.includes("*")).map((
    template,
  ) => ({
    template,
    pattern: new RegExp(
      `^${
        template.split("/").map((s) =>
          s.startsWith(":") ? "[^/]+" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
        ).join("/")
      }$`,
    ),
  }));
  return { list };
}

/**
 * The bounded route label of `path`.
 *
 * @example
 * ```ts
 * const t = routeTemplates(["/v1/device/sessions/:id/refresh"]);
 * routeLabel("/v1/device/sessions/s_abc/refresh", t); // "/v1/device/sessions/:id/refresh"
 * routeLabel("/wp-admin", t); // "unmatched"
 * ```
 */
export function routeLabel(path: string, templates: RouteTemplates): string {
  if (path === "/metrics") return path;
  if (path === "/console" || path.startsWith("/console/")) {
    return path.startsWith("/console/api/") ? "/console/api" : "/console";
  }
  return templates.list.find((t) => t.pattern.test(path))?.template ?? "unmatched";
}
