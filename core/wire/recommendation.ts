/**
 * Recommendation output, error bodies, JWKS and discovery documents (SPEC §3.5, §6.5, §7.9, §10).
 *
 * @module
 */
import * as v from "valibot";
import { ERROR_CODES, type ErrorCode } from "../errors/catalog.ts";
import { type RecommendationType, RecommendationTypeSchema } from "./backend.ts";
import {
  type Alg,
  AlgSchema,
  EpochMillis,
  EpochSeconds,
  Id,
  JsonObject,
  Thumbprint,
} from "./primitives.ts";

/** Reason codes (SPEC §10.3). Receivers treat unknown codes as informational (§13.2). */
export const REASON_CODES: readonly string[] = [
  "AUTOMATION",
  "NO_INTERACTION",
  "VELOCITY_DEVICE",
  "VELOCITY_IP",
  "MANY_USERS_PER_DEVICE",
  "MANY_DEVICES_PER_USER",
  "NEW_DEVICE_FOR_USER",
  "KEY_CHANGED",
  "EPHEMERAL_KEY",
  "TELEMETRY_DROPPED",
  "SECURE_TOKEN",
  "RULE_TRUST",
  "RULE_ALLOW",
  "RULE_CHALLENGE",
  "RULE_DENY",
];

/** The recommendation of SPEC §10.1. */
export interface Recommendation {
  id: string;
  issued_at_ms: number;
  recommendation: { type: RecommendationType; result: "success" | "failure" | "incomplete" | null };
  risk_score: number;
  reasons: string[];
  context: Record<string, unknown>;
  preview_rule: { id: string; name: string; recommendation: RecommendationType } | null;
}

/** Schema of {@link Recommendation}. */
export const RecommendationSchema: v.GenericSchema<Recommendation> = v.looseObject({
  id: Id,
  issued_at_ms: EpochMillis,
  recommendation: v.looseObject({
    type: RecommendationTypeSchema,
    result: v.nullable(v.picklist(["success", "failure", "incomplete"])),
  }),
  risk_score: v.pipe(v.number(), v.minValue(0), v.maxValue(100)),
  reasons: v.array(v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9_]{0,63}$/))),
  context: JsonObject,
  preview_rule: v.nullable(
    v.looseObject({ id: Id, name: v.string(), recommendation: RecommendationTypeSchema }),
  ),
});

/** The error body of SPEC §6.5. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  time: number;
  details?: Record<string, unknown>;
}

/** Schema of {@link ErrorBody}: `code` must be a catalog code. */
export const ErrorBodySchema: v.GenericSchema<ErrorBody> = v.looseObject({
  code: v.picklist(ERROR_CODES as ErrorCode[]),
  message: v.pipe(v.string(), v.maxLength(1024)),
  time: EpochSeconds,
  details: v.optional(JsonObject),
});

/** A service signing key as published in the JWKS (SPEC §3.5). */
export interface ServiceJwk {
  kty: "OKP" | "EC";
  crv: "Ed25519" | "P-256";
  x: string;
  y?: string;
  kid: string;
  alg: Alg;
  use: "sig";
}

const B64_32 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/));
const PRIVATE = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/** Schema of {@link ServiceJwk}: public members only, `alg` agreeing with the key type. */
export const ServiceJwkSchema: v.GenericSchema<ServiceJwk> = v.pipe(
  v.looseObject({
    kty: v.picklist(["OKP", "EC"]),
    crv: v.picklist(["Ed25519", "P-256"]),
    x: B64_32,
    y: v.optional(B64_32),
    kid: Thumbprint,
    alg: AlgSchema,
    use: v.literal("sig"),
  }),
  v.check((k) => !PRIVATE.some((m) => Object.hasOwn(k, m)), "a public key"),
  v.check(
    (k) =>
      (k.kty === "OKP" && k.crv === "Ed25519" && k.alg === "EdDSA" && k.y === undefined) ||
      (k.kty === "EC" && k.crv === "P-256" && k.alg === "ES256" && k.y !== undefined),
    "alg, kty and crv agreeing",
  ),
) as v.GenericSchema<ServiceJwk>;

/** The JWKS document (SPEC §3.5): one or two keys. */
export interface Jwks {
  keys: ServiceJwk[];
}

/** Schema of {@link Jwks}. */
export const JwksSchema: v.GenericSchema<Jwks> = v.looseObject({
  keys: v.pipe(v.array(ServiceJwkSchema), v.minLength(1), v.maxLength(2)),
});

/** The discovery document (SPEC §7.9). */
export interface Discovery {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  versions: number[];
  algorithms: Alg[];
  /** The test-control extension's base URL (SPEC Appendix A), only in test mode. */
  test_control?: string;
}

/** Schema of {@link Discovery}. */
export const DiscoverySchema: v.GenericSchema<Discovery> = v.looseObject({
  issuer: v.pipe(v.string(), v.url()),
  jwks_uri: v.pipe(v.string(), v.url()),
  token_endpoint: v.pipe(v.string(), v.url()),
  versions: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(1))), v.minLength(1)),
  algorithms: v.array(AlgSchema),
  test_control: v.optional(v.pipe(v.string(), v.url())),
});
