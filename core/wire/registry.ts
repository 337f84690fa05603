/**
 * Every message schema by its wire name, with the code an invalid instance fails with. The
 * wire vectors (`vectors/wire/messages.json`) and the conformance suite address schemas by
 * these names.
 *
 * @module
 */
import type * as v from "valibot";
import type { ErrorCode } from "../errors/catalog.ts";
import { errorFromCode } from "../errors/error.ts";
import { parseClaims, parseOrThrow } from "./parse.ts";
import * as backend from "./backend.ts";
import * as device from "./device.ts";
import * as rec from "./recommendation.ts";
import * as telemetry from "./telemetry.ts";
import * as tokens from "./tokens.ts";

/** A registered message schema. */
export interface WireEntry {
  /** The schema. */
  readonly schema: v.GenericSchema<unknown>;
  /** The code a receiver fails an invalid instance with. */
  readonly code: ErrorCode;
  /** Token kind, for claim sets (validated with `parseClaims`). */
  readonly claimsOf?: "proof" | "session" | "secure" | "action" | "access";
  /** SPEC section defining it. */
  readonly spec: string;
}

const e = (
  schema: v.GenericSchema<unknown>,
  code: ErrorCode,
  spec: string,
  claimsOf?: WireEntry["claimsOf"],
): WireEntry => (claimsOf ? { schema, code, spec, claimsOf } : { schema, code, spec });

// deno-fmt-ignore
/**
 * The registry of wire messages.
 *
 * @example
 * ```ts
 * import { parseOrThrow } from "./parse.ts";
 * declare const body: unknown;
 * const { schema, code } = WIRE_MESSAGES.TelemetryBatch!;
 * parseOrThrow(schema, body, code);
 * ```
 */
export const WIRE_MESSAGES: Readonly<Record<string, WireEntry>> = {
  ConfigResponse: e(device.ConfigResponseSchema, "ERR_SERVICE", "6.1"),
  CreateSessionRequest: e(device.CreateSessionRequestSchema, "ERR_INVALID_BODY", "6.2"),
  CreateSessionResponse: e(device.CreateSessionResponseSchema, "ERR_SERVICE", "6.2"),
  RefreshResponse: e(device.RefreshResponseSchema, "ERR_SERVICE", "6.3"),
  TelemetryBatch: e(telemetry.TelemetryBatchSchema, "ERR_INVALID_BODY", "8.3"),
  TelemetryEvent: e(telemetry.TelemetryEventSchema, "ERR_INVALID_BODY", "8.1"),
  TelemetryAck: e(telemetry.TelemetryAckSchema, "ERR_SERVICE", "6.4"),
  ErrorBody: e(rec.ErrorBodySchema, "ERR_SERVICE", "6.5"),
  AccessTokenRequest: e(backend.AccessTokenRequestSchema, "ERR_INVALID_BODY", "7.1"),
  AccessTokenResponse: e(backend.AccessTokenResponseSchema, "ERR_SERVICE", "7.1"),
  TriggerActionRequest: e(backend.TriggerActionRequestSchema, "ERR_INVALID_BODY", "7.2"),
  TriggerActionResponse: e(backend.TriggerActionResponseSchema, "ERR_SERVICE", "7.2"),
  ActionResultRequest: e(backend.ActionResultRequestSchema, "ERR_INVALID_BODY", "7.4"),
  ClearUserRequest: e(backend.ClearUserRequestSchema, "ERR_INVALID_BODY", "7.5"),
  RuleInput: e(backend.RuleInputSchema, "ERR_INVALID_BODY", "7.6"),
  Rule: e(backend.RuleSchema, "ERR_SERVICE", "7.6"),
  Recommendation: e(rec.RecommendationSchema, "ERR_SERVICE", "10.1"),
  Jwks: e(rec.JwksSchema, "ERR_SERVICE", "3.5"),
  Discovery: e(rec.DiscoverySchema, "ERR_SERVICE", "7.9"),
  DeviceSignedHeader: e(tokens.DeviceSignedHeaderSchema, "ERR_JWK_INVALID", "4.5"),
  ServiceSignedHeader: e(tokens.ServiceSignedHeaderSchema, "ERR_KEY_UNKNOWN", "5.3"),
  ProofClaims: e(tokens.ProofClaimsSchema, "ERR_CLAIM_INVALID", "5.2", "proof"),
  SessionClaims: e(tokens.SessionClaimsSchema, "ERR_CLAIM_INVALID", "5.3", "session"),
  SecureClaims: e(tokens.SecureClaimsSchema, "ERR_CLAIM_INVALID", "5.4", "secure"),
  ActionClaims: e(tokens.ActionClaimsSchema, "ERR_CLAIM_INVALID", "5.5", "action"),
  AccessClaims: e(tokens.AccessClaimsSchema, "ERR_CLAIM_INVALID", "5.6", "access"),
};

/**
 * Validates `value` as the wire message `name`, throwing the registered code on failure (claim
 * sets fail with `ERR_CLAIM_MISSING`, `ERR_VERSION_UNSUPPORTED` or `ERR_CLAIM_INVALID`).
 *
 * @example
 * ```ts
 * declare const body: unknown;
 * validateWire("TelemetryBatch", body); // throws ERR_INVALID_BODY when invalid
 * ```
 */
export function validateWire(name: string, value: unknown): unknown {
  const entry = WIRE_MESSAGES[name];
  if (entry === undefined) {
    throw errorFromCode("ERR_INVALID_INPUT", `unknown wire message ${name}`);
  }
  if (entry.claimsOf !== undefined) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw errorFromCode("ERR_TOKEN_MALFORMED", "a token payload must be a JSON object");
    }
    return parseClaims(entry.schema, entry.claimsOf, value as Record<string, unknown>);
  }
  return parseOrThrow(entry.schema, value, entry.code);
}
