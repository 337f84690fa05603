/**
 * The route template of a request path, for metric labels: a known route with its id segment
 * replaced by `:id`, the operator routes by prefix, anything else `unmatched` — so a scanner
 * probing random paths cannot grow the label set.
 *
 * @module
 */
import { allowedMethods } from "../http/routes.ts";

/**
 * The bounded route label of `path`.
 *
 * @example
 * ```ts
 * routeLabel("/v1/device/sessions/s_abc/refresh"); // "/v1/device/sessions/:id/refresh"
 * routeLabel("/wp-admin"); // "unmatched"
 * ```
 */
export function routeLabel(path: string): string {
  if (path === "/metrics") return path;
  if (path === "/console" || path.startsWith("/console/")) {
    return path.startsWith("/console/api/") ? "/console/api" : "/console";
  }
  if (allowedMethods(path) === null) return "unmatched";
  return path
    .replace(/^\/v1\/device\/sessions\/[^/]+\/refresh$/, "/v1/device/sessions/:id/refresh")
    .replace(/^\/v1\/backend\/rules\/[^/]+$/, "/v1/backend/rules/:id");
}
