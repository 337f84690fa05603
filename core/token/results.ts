/**
 * What a successful verification returns (SPEC §5.3–§5.6): typed objects, never raw claims.
 *
 * @module
 */
import type { Alg } from "../wire/primitives.ts";
import type { DevicePublicJwk } from "../wire/tokens.ts";

/** A verified session token (SPEC §5.3). */
export interface SessionTokenResult {
  readonly kind: "session";
  /** `sub`: the device session id. */
  readonly sessionId: string;
  /** `did`: the device id. */
  readonly deviceId: string;
  /** `aud`: the client id. */
  readonly clientId: string;
  /** `cnf.jkt`: thumbprint of the device key the session is bound to. */
  readonly jkt: string;
  /** `iat`, seconds. */
  readonly issuedAt: number;
  /** `exp`, seconds. */
  readonly expiresAt: number;
  /** `jti`. */
  readonly jti: string;
}

/** A verified secure session token (SPEC §5.4): the inner session plus the outer claims. */
export interface SecureTokenResult extends Omit<SessionTokenResult, "kind"> {
  readonly kind: "secure";
  /** `act`: the action type the token is bound to. */
  readonly action: string;
  /** The secure token's own `jti` (consumed). */
  readonly secureJti: string;
  /** The secure token's `iat`. */
  readonly secureIssuedAt: number;
  /** The secure token's `exp`. */
  readonly secureExpiresAt: number;
}

/** A verified action token (SPEC §5.5). */
export interface ActionTokenResult {
  readonly kind: "action";
  /** `sub`: the device session id. */
  readonly sessionId: string;
  /** `aud`: the client id. */
  readonly clientId: string;
  /** `aid`: the action id. */
  readonly actionId: string;
  /** `act`: the action type. */
  readonly action: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly jti: string;
}

/** A verified backend access token (SPEC §5.6). */
export interface AccessTokenResult {
  readonly kind: "access";
  /** `sub`: the client id the token was issued to. */
  readonly clientId: string;
  /** `scope`, space-separated (v1: `"backend"`). */
  readonly scope: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly jti: string;
}

/** A verified device proof (SPEC §5.2). */
export interface ProofResult {
  readonly kind: "proof";
  /** The device public key (RFC 7638 members only). */
  readonly jwk: DevicePublicJwk;
  /** Its thumbprint. */
  readonly jkt: string;
  readonly alg: Alg;
  /** `htm`. */
  readonly method: string;
  /** `htu`. */
  readonly url: string;
  readonly nonce: string;
  readonly issuedAt: number;
  readonly jti: string;
}

/** Any verification result. */
export type TokenResult =
  | SessionTokenResult
  | SecureTokenResult
  | ActionTokenResult
  | AccessTokenResult
  | ProofResult;
