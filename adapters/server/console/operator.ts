/**
 * The operator extensions' one hook into the route table: `/metrics` and `/console/`, each
 * mounted only when configured (docs/operations.md).
 *
 * @module
 */
import type { Hono } from "hono";
import type { Deps } from "../context.ts";
import { mountMetrics } from "../metrics/mount.ts";
import { mountConsole } from "./mount.ts";

/**
 * Mounts `/metrics` and `/console/` as configured.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { Deps } from "../context.ts";
 * declare const deps: Deps;
 * const app = new Hono();
 * mountOperator(app, deps);
 * ```
 */
// deno-lint-ignore no-explicit-any
export function mountOperator(app: Hono<any>, d: Deps): void {
  mountMetrics(app, d);
  mountConsole(app, d);
}
