/**
 * Secure-token middleware for hono (any runtime hono runs on). Only hono's types are
 * imported: the middleware is a plain function and loads nothing of hono at run time.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { errorFromCode } from "../../core/mod.ts";
import {
  rejection,
  secureTokenChecker,
  type SecureTokenOptions,
  type VerifiedSecureToken,
} from "./secure-token.ts";

/** The hono environment the middleware provides: `c.get("deviceSession")`. */
export interface SecureTokenEnv {
  Variables: { deviceSession: VerifiedSecureToken };
}

/** Options of {@link secureTokenMiddleware}; `actionType` may read the hono `Context`. */
export type SecureTokenMiddlewareOptions = SecureTokenOptions<Context>;

/**
 * A hono middleware that verifies the request's secure session token locally (SPEC §5.4) —
 * signature, device binding, inner session token, expiry, action type — and consumes its
 * `jti` in `replayStore`, before your handler runs. On success `c.get("deviceSession")` holds
 * `{ token, actionType, result }`; forward `token` to the service with `triggerAction` (the
 * service counts it once more in its own store, SPEC §5.7.3). On failure it answers the
 * catalog status with `{ code, message }` (e.g. 409 `ERR_REPLAYED`, 403
 * `ERR_ACTION_MISMATCH`, 401 for a missing or invalid token). Options are checked when the
 * middleware is built (`ERR_INVALID_INPUT`).
 *
 * With `field`, the token is read from the JSON body through `c.req.json()`, which hono
 * caches, so your handler can read the body again. Cap body sizes with hono's `bodyLimit`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { createMemoryReplayStore, secureTokenMiddleware } from "device-session/backend";
 *
 * const app = new Hono();
 * app.post(
 *   "/api/transfer",
 *   secureTokenMiddleware({
 *     issuer: "https://risk.example.com",
 *     audience: "demo",
 *     jwks: "https://risk.example.com/.well-known/jwks.json",
 *     actionType: "transaction",
 *     replayStore: createMemoryReplayStore(),
 *   }),
 *   async (c) => {
 *     const { token, result } = c.get("deviceSession");
 *     return c.json({ deviceId: result.deviceId });
 *   },
 * );
 * ```
 */
export function secureTokenMiddleware(
  options: SecureTokenMiddlewareOptions,
): MiddlewareHandler<SecureTokenEnv> {
  const check = secureTokenChecker(options);
  return async (c, next) => {
    let verified: VerifiedSecureToken;
    try {
      verified = await check(c, {
        header: (name) => c.req.header(name) ?? null,
        body: async () => {
          try {
            return await c.req.json();
          } catch (e) {
            throw errorFromCode("ERR_INVALID_BODY", "the request body is not JSON", { cause: e });
          }
        },
      });
    } catch (e) {
      const r = rejection(e);
      // Not a device-session error: a bug, for the app's onError.
      if (r === null) throw e;
      return c.json(r.body, r.status as 400, { "cache-control": "no-store" });
    }
    c.set("deviceSession", verified);
    await next();
  };
}
