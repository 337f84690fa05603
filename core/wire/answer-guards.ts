/**
 * Hand-written checks of the service's answers the SDK receives (config, create, refresh,
 * telemetry ack), equal to the valibot schemas of `device.ts` and `telemetry.ts` (a property
 * test holds them to it). Apart from `guards.ts`: only the session needs them.
 *
 * @module
 */
import {
  array,
  clientId,
  epochS,
  type Guard,
  id,
  int,
  isUserId,
  jws,
  len,
  nonce,
  nullable,
  obj,
  oneOf,
  posInt,
} from "./guards.ts";

const count = int(0);

/** `GET /v1/device/config` answer (SPEC §6.1). */
export const isConfigResponse: Guard = obj({
  ver: oneOf(1),
  client_id: clientId,
  time: epochS,
  nonce,
  issuer: len(1, 2048),
  algorithms: array(oneOf("EdDSA", "ES256"), 1),
  token_lifetime_s: int(60, 3600),
  secure_token_max_s: int(1, 3600),
  session_absolute_s: posInt,
  session_idle_s: posInt,
  telemetry: obj({ max_batch_events: posInt, max_batch_bytes: posInt, max_event_bytes: posInt }),
});

const tokenAnswer = {
  session_token: jws,
  token_expires_at: epochS,
  session_expires_at: epochS,
  user_id: nullable(isUserId),
  time: epochS,
  nonce,
};
/** `POST /v1/device/sessions/{id}/refresh` answer (SPEC §6.3). */
export const isRefreshResponse: Guard = obj(tokenAnswer);
/** `POST /v1/device/sessions` answer (SPEC §6.2). */
export const isCreateSessionResponse: Guard = obj({
  session_id: id,
  device_id: id,
  ...tokenAnswer,
  idle_timeout_s: posInt,
});

/** `POST /v1/device/telemetry` answer (SPEC §6.4). */
export const isTelemetryAck: Guard = obj({
  acked_seq: count,
  high_seq: count,
  actions: array(obj({ seq: posInt, action_id: id, action_token: jws })),
  user_id: nullable(isUserId),
  time: int(0, Infinity),
});
