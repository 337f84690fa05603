/**
 * Schemas of every token kind's header and claims (SPEC §4, §5).
 *
 * These check shape only. The verification procedures (typ, alg allow-lists, time checks,
 * binding, replay) live in `core/token/` and the verifier, and map each failure to its code.
 *
 * @module
 */
import * as v from "valibot";
import {
  ActionType,
  type Alg,
  AlgSchema,
  ClientId,
  CompactJws,
  EpochSeconds,
  Id,
  Jti,
  Thumbprint,
} from "./primitives.ts";

export { PROTOCOL_VERSION, TOKEN_TYP, type TokenKind } from "./constants.ts";
import { PROTOCOL_VERSION } from "./constants.ts";

const B64_32 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, "32 bytes in base64url"));

/** An Ed25519 public JWK (RFC 8037). */
export interface OkpPublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
}

/** A P-256 public JWK (RFC 7518 §6.2). */
export interface EcPublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

/** A device public key as carried in a `jwk` header (SPEC §4.5). */
export type DevicePublicJwk = OkpPublicJwk | EcPublicJwk;

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/**
 * A public device JWK: OKP/Ed25519 or EC/P-256, with no private member (SPEC §4.5). Other
 * members (`alg`, `use`, `kid`) are tolerated and ignored.
 */
export const DevicePublicJwkSchema: v.GenericSchema<DevicePublicJwk> = v.pipe(
  v.union([
    v.looseObject({ kty: v.literal("OKP"), crv: v.literal("Ed25519"), x: B64_32 }),
    v.looseObject({ kty: v.literal("EC"), crv: v.literal("P-256"), x: B64_32, y: B64_32 }),
  ]),
  v.check(
    (jwk) => !PRIVATE_MEMBERS.some((m) => Object.hasOwn(jwk, m)),
    "a public key without private members",
  ),
) as v.GenericSchema<DevicePublicJwk>;

/** The algorithm a JWK must be used with (SPEC §3.3). */
export function algForJwk(jwk: DevicePublicJwk): Alg {
  return jwk.kty === "OKP" ? "EdDSA" : "ES256";
}

/** A device-signed token header (proof, secure token). */
export interface DeviceSignedHeader {
  alg: Alg;
  typ: string;
  jwk: DevicePublicJwk;
}

/** A service-signed token header (session, action, access token). */
export interface ServiceSignedHeader {
  alg: Alg;
  typ: string;
  kid: string;
}

/** Header schema of device-signed tokens; `typ` is checked separately (§5.1 S3). */
export const DeviceSignedHeaderSchema: v.GenericSchema<DeviceSignedHeader> = v.looseObject({
  alg: AlgSchema,
  typ: v.string(),
  jwk: DevicePublicJwkSchema,
});

/** Header schema of service-signed tokens. */
export const ServiceSignedHeaderSchema: v.GenericSchema<ServiceSignedHeader> = v.looseObject({
  alg: AlgSchema,
  typ: v.string(),
  kid: Thumbprint,
});

const Ver = v.literal(PROTOCOL_VERSION);
const Htm = v.picklist(["GET", "POST", "PUT", "DELETE", "PATCH"]);
const Htu = v.pipe(v.string(), v.maxLength(2048), v.url());
const Nonce = v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~+/=-]{1,128}$/, "an opaque nonce"));

/** Device proof claims (SPEC §5.2). */
export interface ProofClaims {
  htm: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  htu: string;
  iat: number;
  jti: string;
  nonce: string;
  ver: 1;
}

/** Schema of {@link ProofClaims}. */
export const ProofClaimsSchema: v.GenericSchema<ProofClaims> = v.looseObject({
  htm: Htm,
  htu: Htu,
  iat: EpochSeconds,
  jti: Jti,
  nonce: Nonce,
  ver: Ver,
});

/** Session token claims (SPEC §5.3). */
export interface SessionClaims {
  iss: string;
  aud: string;
  sub: string;
  did: string;
  cnf: { jkt: string };
  iat: number;
  exp: number;
  jti: string;
  ver: 1;
}

const Issuer = v.pipe(v.string(), v.minLength(1), v.maxLength(2048));

/** Schema of {@link SessionClaims}. */
export const SessionClaimsSchema: v.GenericSchema<SessionClaims> = v.looseObject({
  iss: Issuer,
  aud: ClientId,
  sub: Id,
  did: Id,
  cnf: v.looseObject({ jkt: Thumbprint }),
  iat: EpochSeconds,
  exp: EpochSeconds,
  jti: Jti,
  ver: Ver,
});

/** Secure session token claims (SPEC §5.4). */
export interface SecureClaims {
  tok: string;
  act: string;
  iat: number;
  exp: number;
  jti: string;
  ver: 1;
}

/** Schema of {@link SecureClaims}. */
export const SecureClaimsSchema: v.GenericSchema<SecureClaims> = v.looseObject({
  tok: CompactJws,
  act: ActionType,
  iat: EpochSeconds,
  exp: EpochSeconds,
  jti: Jti,
  ver: Ver,
});

/** Action token claims (SPEC §5.5). */
export interface ActionClaims {
  iss: string;
  aud: string;
  sub: string;
  aid: string;
  act: string;
  iat: number;
  exp: number;
  jti: string;
  ver: 1;
}

/** Schema of {@link ActionClaims}. */
export const ActionClaimsSchema: v.GenericSchema<ActionClaims> = v.looseObject({
  iss: Issuer,
  aud: ClientId,
  sub: Id,
  aid: Id,
  act: ActionType,
  iat: EpochSeconds,
  exp: EpochSeconds,
  jti: Jti,
  ver: Ver,
});

/** Access token claims (SPEC §5.6). */
export interface AccessClaims {
  iss: string;
  aud: string;
  sub: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  ver: 1;
}

/** Schema of {@link AccessClaims}. */
export const AccessClaimsSchema: v.GenericSchema<AccessClaims> = v.looseObject({
  iss: Issuer,
  aud: Issuer,
  sub: ClientId,
  scope: v.pipe(v.string(), v.regex(/^[a-z_]+( [a-z_]+)*$/, "space-separated scopes")),
  iat: EpochSeconds,
  exp: EpochSeconds,
  jti: Jti,
  ver: Ver,
});

/** Claims schema of each kind. */
export const CLAIMS_SCHEMA: {
  proof: v.GenericSchema<ProofClaims>;
  session: v.GenericSchema<SessionClaims>;
  secure: v.GenericSchema<SecureClaims>;
  action: v.GenericSchema<ActionClaims>;
  access: v.GenericSchema<AccessClaims>;
} = {
  proof: ProofClaimsSchema,
  session: SessionClaimsSchema,
  secure: SecureClaimsSchema,
  action: ActionClaimsSchema,
  access: AccessClaimsSchema,
};

export { MAX_LIFETIME_S } from "./constants.ts";
