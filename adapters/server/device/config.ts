/**
 * `GET /v1/device/config?client_id=…` (SPEC §6.1).
 *
 * @module
 */
import { ClientId, errorFromCode } from "../../../core/mod.ts";
import * as v from "valibot";
import { BATCH_LIMITS } from "../../../core/service/limits.ts";
import type { Deps, Req } from "../context.ts";
import { deviceClient, withNonce } from "./common.ts";

/**
 * Answers the device configuration with a fresh nonce.
 *
 * @example
 * ```ts
 * import type { Deps, Req } from "../context.ts";
 * declare const deps: Deps;
 * declare const req: Req;
 * const res: Response = await getConfig(deps, req); // GET /v1/device/config, as buildApp routes it
 * ```
 */
export function getConfig(d: Deps, r: Req): Promise<Response> {
  const id = r.query.get("client_id");
  if (id === null || !v.is(ClientId, id)) {
    throw errorFromCode("ERR_INVALID_QUERY", "client_id is required (^[A-Za-z0-9._-]{1,128}$)");
  }
  const client = deviceClient(d, r, id);
  const l = d.opts.limits;
  return withNonce(d, r, 200, {
    ver: 1,
    client_id: client.id,
    issuer: d.opts.issuer,
    algorithms: d.opts.deviceAlgorithms,
    token_lifetime_s: l.tokenLifetimeS,
    secure_token_max_s: l.secureTokenMaxS,
    session_absolute_s: l.sessionAbsoluteS,
    session_idle_s: l.sessionIdleS,
    telemetry: {
      max_batch_events: BATCH_LIMITS.maxEvents,
      max_batch_bytes: BATCH_LIMITS.maxBatchBytes,
      max_event_bytes: BATCH_LIMITS.maxEventDataBytes,
    },
  });
}
