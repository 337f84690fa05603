/**
 * Device API messages (SPEC §6): config, session create and refresh.
 *
 * @module
 */
import * as v from "valibot";
import {
  type Alg,
  AlgSchema,
  ClientId,
  CompactJws,
  EpochSeconds,
  type FlatAttributes,
  flatAttributes,
  Id,
  type KeyAssurance,
  KeyAssuranceSchema,
  UserId,
} from "./primitives.ts";

const Nonce = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~+/=-]{1,128}$/, "an opaque nonce"));
const PosInt = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** `GET /v1/device/config` response (SPEC §6.1). */
export interface ConfigResponse {
  ver: 1;
  client_id: string;
  time: number;
  nonce: string;
  issuer: string;
  algorithms: Alg[];
  token_lifetime_s: number;
  secure_token_max_s: number;
  session_absolute_s: number;
  session_idle_s: number;
  telemetry: { max_batch_events: number; max_batch_bytes: number; max_event_bytes: number };
}

/** Schema of {@link ConfigResponse}. */
export const ConfigResponseSchema: v.GenericSchema<ConfigResponse> = v.looseObject({
  ver: v.literal(1),
  client_id: ClientId,
  time: EpochSeconds,
  nonce: Nonce,
  issuer: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  algorithms: v.pipe(v.array(AlgSchema), v.minLength(1)),
  token_lifetime_s: v.pipe(PosInt, v.minValue(60), v.maxValue(3600)),
  secure_token_max_s: v.pipe(PosInt, v.maxValue(3600)),
  session_absolute_s: PosInt,
  session_idle_s: PosInt,
  telemetry: v.looseObject({
    max_batch_events: PosInt,
    max_batch_bytes: PosInt,
    max_event_bytes: PosInt,
  }),
});

/** How the key came to be, reported at session create (SPEC §6.2, §9.8). */
export type KeyEvent = "none" | "created" | "lost";

/** `POST /v1/device/sessions` body (SPEC §6.2). */
export interface CreateSessionRequest {
  client_id: string;
  device_id?: string;
  user_id?: string;
  key_assurance: KeyAssurance;
  key_event: KeyEvent;
  attributes?: FlatAttributes;
}

/** Schema of {@link CreateSessionRequest}. */
export const CreateSessionRequestSchema: v.GenericSchema<CreateSessionRequest> = v.looseObject({
  client_id: ClientId,
  device_id: v.optional(Id),
  user_id: v.optional(UserId),
  key_assurance: KeyAssuranceSchema,
  key_event: v.picklist(["none", "created", "lost"]),
  attributes: v.optional(flatAttributes(64, 4096)),
});

/** `POST /v1/device/sessions` response (SPEC §6.2). */
export interface CreateSessionResponse {
  session_id: string;
  device_id: string;
  session_token: string;
  token_expires_at: number;
  session_expires_at: number;
  idle_timeout_s: number;
  user_id: string | null;
  time: number;
  nonce: string;
}

/** Schema of {@link CreateSessionResponse}. */
export const CreateSessionResponseSchema: v.GenericSchema<CreateSessionResponse> = v.looseObject({
  session_id: Id,
  device_id: Id,
  session_token: CompactJws,
  token_expires_at: EpochSeconds,
  session_expires_at: EpochSeconds,
  idle_timeout_s: PosInt,
  user_id: v.nullable(UserId),
  time: EpochSeconds,
  nonce: Nonce,
});

/** `POST /v1/device/sessions/{id}/refresh` response (SPEC §6.3). */
export interface RefreshResponse {
  session_token: string;
  token_expires_at: number;
  session_expires_at: number;
  user_id: string | null;
  time: number;
  nonce: string;
}

/** Schema of {@link RefreshResponse}. */
export const RefreshResponseSchema: v.GenericSchema<RefreshResponse> = v.looseObject({
  session_token: CompactJws,
  token_expires_at: EpochSeconds,
  session_expires_at: EpochSeconds,
  user_id: v.nullable(UserId),
  time: EpochSeconds,
  nonce: Nonce,
});

/** The body of a refresh request: empty (SPEC §6.3). */
export type RefreshRequest = Record<string, never>;

/** Schema of {@link RefreshRequest}: an object; members are ignored (must-ignore, §1.2). */
export const RefreshRequestSchema: v.GenericSchema<RefreshRequest> = v.looseObject(
  {},
) as unknown as v.GenericSchema<RefreshRequest>;
