/**
 * Example: a Cloudflare Worker that verifies secure session tokens at the edge — locally,
 * against the service's JWKS (fetched from its URL and cached), bound to the device key and to
 * the action, single use through a Durable Object replay store (`replay-object.ts`, whose
 * module documentation states its atomicity limits).
 *
 * Bindings (wrangler or a workerd config, docs/embedding.md): `DS_ISSUER` (the service's issuer
 * URL), `DS_CLIENT_ID` (your client id), `DS_JWKS_URL` (usually
 * `<issuer>/.well-known/jwks.json`) and `REPLAY` (a Durable Object namespace of class
 * `ReplayObject`).
 *
 * `POST /api/transfer` with the token in the `DS-Secure-Session-Token` header answers
 * `200 {status:"verified", deviceId, sessionId}`; a replayed token `409 ERR_REPLAYED`; any other
 * rejection its SPEC §11 status and code.
 *
 * @module
 */
import { Hono } from "hono";
import { rejection, type SecureTokenEnv, secureTokenMiddleware } from "../../backend.ts";
import { type DurableObjectNamespaceLike, durableObjectReplayStore } from "./replay-object.ts";

export { ReplayObject } from "./replay-object.ts";

/** The Worker's bindings. */
export interface Env {
  readonly DS_ISSUER: string;
  readonly DS_CLIENT_ID: string;
  readonly DS_JWKS_URL: string;
  readonly REPLAY: DurableObjectNamespaceLike;
}

// Module scope lives as long as the isolate: the JWKS cache and the app are built once per
// isolate, not per request (bindings do not change within one).
let app: Hono<SecureTokenEnv> | null = null;

function build(env: Env): Hono<SecureTokenEnv> {
  const a = new Hono<SecureTokenEnv>();
  a.onError((e, c) => {
    const r = rejection(e);
    return r ? c.json(r.body, r.status as 400) : c.json({ code: "ERR_INTERNAL" }, 500);
  });
  a.post(
    "/api/transfer",
    secureTokenMiddleware({
      issuer: env.DS_ISSUER,
      audience: env.DS_CLIENT_ID,
      jwks: env.DS_JWKS_URL, // fetched once, cached per isolate (max-age, SPEC §3.7)
      actionType: "transaction",
      replayStore: durableObjectReplayStore(env.REPLAY),
    }),
    (c) => {
      const { result } = c.get("deviceSession");
      // Your business logic here; forward the token to the service with triggerAction for a
      // recommendation (examples/backend-hono).
      return c.json({ status: "verified", deviceId: result.deviceId, sessionId: result.sessionId });
    },
  );
  return a;
}

export default {
  fetch(request: Request, env: Env): Response | Promise<Response> {
    app ??= build(env);
    return app.fetch(request, env);
  },
};
