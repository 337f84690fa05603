/**
 * Builders of every token kind's header and claims (SPEC §5). Pure: times, ids and keys come
 * in as arguments; the caller signs `signingInput(header, claims)` with the right key.
 *
 * @module
 */
import type { Alg } from "../wire/primitives.ts";
import type {
  AccessClaims,
  ActionClaims,
  DevicePublicJwk,
  ProofClaims,
  SecureClaims,
  SessionClaims,
} from "../wire/tokens.ts";
import { PROOF_TYP, PROTOCOL_VERSION, SECURE_TYP, TOKEN_TYP } from "../wire/constants.ts";

/** Header of a device-signed token. */
export interface DeviceHeader {
  alg: Alg;
  typ: string;
  jwk: DevicePublicJwk;
}

/** Header of a service-signed token. */
export interface ServiceHeader {
  alg: Alg;
  typ: string;
  kid: string;
}

/** A header and claims ready to be signed. */
export interface Unsigned<H, C> {
  header: H;
  claims: C;
}

/** Only the public members of a device JWK, in RFC 7638 order (no `alg`, `kid`, `d`). */
export function publicJwk(jwk: DevicePublicJwk): DevicePublicJwk {
  return jwk.kty === "OKP"
    ? { kty: "OKP", crv: "Ed25519", x: jwk.x }
    : { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
}

/**
 * A device proof (SPEC §5.2).
 *
 * @example
 * ```ts
 * import type { DevicePublicJwk } from "../wire/tokens.ts";
 * declare const jwk: DevicePublicJwk;
 * declare const htu: string, iat: number, jti: string, nonce: string;
 * const { header, claims } = proofToken({ alg: "EdDSA", jwk, htm: "POST", htu, iat, jti, nonce });
 * ```
 */
export function proofToken(o: {
  alg: Alg;
  jwk: DevicePublicJwk;
  htm: ProofClaims["htm"];
  htu: string;
  iat: number;
  jti: string;
  nonce: string;
}): Unsigned<DeviceHeader, ProofClaims> {
  return {
    header: { alg: o.alg, typ: PROOF_TYP, jwk: publicJwk(o.jwk) },
    claims: {
      htm: o.htm,
      htu: o.htu,
      iat: o.iat,
      jti: o.jti,
      nonce: o.nonce,
      ver: PROTOCOL_VERSION,
    },
  };
}

/**
 * A secure session token (SPEC §5.4): `exp = iat + expirationSeconds`.
 *
 * @example
 * ```ts
 * import type { DevicePublicJwk } from "../wire/tokens.ts";
 * declare const jwk: DevicePublicJwk;
 * declare const sessionToken: string, iat: number, jti: string;
 * secureToken({
 *   alg: "EdDSA",
 *   jwk,
 *   tok: sessionToken,
 *   act: "transaction",
 *   iat,
 *   expirationSeconds: 300,
 *   jti,
 * });
 * ```
 */
export function secureToken(o: {
  alg: Alg;
  jwk: DevicePublicJwk;
  tok: string;
  act: string;
  iat: number;
  expirationSeconds: number;
  jti: string;
}): Unsigned<DeviceHeader, SecureClaims> {
  return {
    header: { alg: o.alg, typ: SECURE_TYP, jwk: publicJwk(o.jwk) },
    claims: {
      tok: o.tok,
      act: o.act,
      iat: o.iat,
      exp: o.iat + o.expirationSeconds,
      jti: o.jti,
      ver: PROTOCOL_VERSION,
    },
  };
}

/**
 * A session token (SPEC §5.3), signed by the service key `kid`.
 *
 * @example
 * ```ts
 * declare const kid: string, iss: string, sub: string, did: string, jkt: string;
 * declare const iat: number, jti: string;
 * sessionToken({ alg: "EdDSA", kid, iss, aud: "demo", sub, did, jkt, iat, lifetime: 900, jti });
 * ```
 */
export function sessionToken(o: {
  alg: Alg;
  kid: string;
  iss: string;
  aud: string;
  sub: string;
  did: string;
  jkt: string;
  iat: number;
  lifetime: number;
  jti: string;
}): Unsigned<ServiceHeader, SessionClaims> {
  return {
    header: { alg: o.alg, typ: TOKEN_TYP.session, kid: o.kid },
    claims: {
      iss: o.iss,
      aud: o.aud,
      sub: o.sub,
      did: o.did,
      cnf: { jkt: o.jkt },
      iat: o.iat,
      exp: o.iat + o.lifetime,
      jti: o.jti,
      ver: PROTOCOL_VERSION,
    },
  };
}

/**
 * An action token (SPEC §5.5).
 *
 * @example
 * ```ts
 * declare const kid: string, iss: string, sessionId: string, aid: string;
 * declare const iat: number, jti: string;
 * actionToken({
 *   alg: "EdDSA",
 *   kid,
 *   iss,
 *   aud: "demo",
 *   sub: sessionId,
 *   aid,
 *   act: "login",
 *   iat,
 *   lifetime: 3600,
 *   jti,
 * });
 * ```
 */
export function actionToken(o: {
  alg: Alg;
  kid: string;
  iss: string;
  aud: string;
  sub: string;
  aid: string;
  act: string;
  iat: number;
  lifetime: number;
  jti: string;
}): Unsigned<ServiceHeader, ActionClaims> {
  return {
    header: { alg: o.alg, typ: TOKEN_TYP.action, kid: o.kid },
    claims: {
      iss: o.iss,
      aud: o.aud,
      sub: o.sub,
      aid: o.aid,
      act: o.act,
      iat: o.iat,
      exp: o.iat + o.lifetime,
      jti: o.jti,
      ver: PROTOCOL_VERSION,
    },
  };
}

/**
 * An access token for the backend API (SPEC §5.6): `aud` is the service issuer itself.
 *
 * @example
 * ```ts
 * declare const kid: string, iss: string, iat: number, jti: string;
 * accessToken({ alg: "EdDSA", kid, iss, clientId: "demo", iat, lifetime: 3600, jti });
 * ```
 */
export function accessToken(o: {
  alg: Alg;
  kid: string;
  iss: string;
  clientId: string;
  iat: number;
  lifetime: number;
  jti: string;
}): Unsigned<ServiceHeader, AccessClaims> {
  return {
    header: { alg: o.alg, typ: TOKEN_TYP.access, kid: o.kid },
    claims: {
      iss: o.iss,
      aud: o.iss,
      sub: o.clientId,
      scope: "backend",
      iat: o.iat,
      exp: o.iat + o.lifetime,
      jti: o.jti,
      ver: PROTOCOL_VERSION,
    },
  };
}
