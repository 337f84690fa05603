/**
 * The route table of SPEC §6 and §7, used to tell 404 `ERR_NOT_FOUND` (no such path) from 405
 * `ERR_METHOD_NOT_ALLOWED` (path exists, method does not; with `Allow`).
 *
 * @module
 */

/** Every route: a path pattern and its methods. */
export const ROUTES: readonly { readonly pattern: RegExp; readonly methods: readonly string[] }[] =
  [
    { pattern: /^\/v1\/device\/config$/, methods: ["GET"] },
    { pattern: /^\/v1\/device\/sessions$/, methods: ["POST"] },
    { pattern: /^\/v1\/device\/sessions\/[^/]+\/refresh$/, methods: ["POST"] },
    { pattern: /^\/v1\/device\/telemetry$/, methods: ["POST"] },
    { pattern: /^\/v1\/oauth\/token$/, methods: ["POST"] },
    { pattern: /^\/v1\/backend\/actions$/, methods: ["POST"] },
    { pattern: /^\/v1\/backend\/recommendation$/, methods: ["GET"] },
    { pattern: /^\/v1\/backend\/actions\/result$/, methods: ["POST"] },
    { pattern: /^\/v1\/backend\/users\/clear$/, methods: ["POST"] },
    { pattern: /^\/v1\/backend\/rules$/, methods: ["GET", "POST"] },
    { pattern: /^\/v1\/backend\/rules\/[^/]+$/, methods: ["GET", "PUT", "DELETE"] },
    { pattern: /^\/\.well-known\/jwks\.json$/, methods: ["GET"] },
    { pattern: /^\/\.well-known\/device-session$/, methods: ["GET"] },
    { pattern: /^\/healthz$/, methods: ["GET"] },
    { pattern: /^\/readyz$/, methods: ["GET"] },
  ];

/**
 * The methods `path` accepts (plus `HEAD` for `GET` routes), or `null` when no route has it.
 *
 * @example
 * ```ts
 * allowedMethods("/v1/backend/rules"); // ["GET", "HEAD", "POST"]
 * ```
 */
export function allowedMethods(path: string): string[] | null {
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (route === undefined) return null;
  return route.methods.flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m]));
}
