/**
 * `GET /.well-known/jwks.json` and `GET /.well-known/device-session` (SPEC §7.9), readable from
 * any origin.
 *
 * @module
 */
import { JWKS_MAX_AGE_S } from "../../core/service/limits.ts";
import type { Deps, Req } from "./context.ts";
import { json } from "./http/respond.ts";
import { TEST_CONTROL_PATH } from "./test-control.ts";

const PUBLIC = { "access-control-allow-origin": "*" };

/** The JWK Set: current key and, during rotation, the previous one (SPEC §3.5). */
export function getJwks(d: Deps, r: Req): Response {
  d.keys.maintain(r.now);
  return json(200, d.keys.jwks(r.now), {
    ...PUBLIC,
    "cache-control": `public, max-age=${JWKS_MAX_AGE_S}`,
  });
}

/** The discovery document. */
export function getDiscovery(d: Deps, _r: Req): Response {
  const base = d.opts.base;
  return json(200, {
    issuer: d.opts.issuer,
    jwks_uri: `${base}.well-known/jwks.json`,
    token_endpoint: `${base}v1/oauth/token`,
    versions: [1],
    algorithms: d.opts.deviceAlgorithms,
    device_api: `${base}v1/device/`,
    backend_api: `${base}v1/backend/`,
    // Only in test mode (SPEC Appendix A): a production service never names it.
    ...(d.testClock !== null ? { test_control: `${base}${TEST_CONTROL_PATH}` } : {}),
  }, { ...PUBLIC, "cache-control": `public, max-age=${JWKS_MAX_AGE_S}` });
}
