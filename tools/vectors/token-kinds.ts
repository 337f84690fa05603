/**
 * Default header and claims of each token kind for the vectors, and the `Case` shape the case
 * files produce. A case overrides members (an `undefined` member removes it).
 */
import type { ErrorCode } from "../../core/errors/mod.ts";
import type { TokenKind } from "../../core/wire/mod.ts";
import type { TokenVector } from "../../test/verify/vector-runner.ts";
import {
  ACTION_ID,
  AUD,
  DEVICE_ID,
  type Fixtures,
  HTU,
  ISS,
  jws,
  KEY_ALGS,
  type KeyName,
  NONCE,
  SESSION_ID,
  T0,
} from "./token-fixtures.ts";

/** One vector before numbering: the token, the verifier options that differ, the outcome. */
export interface Case {
  kind: TokenKind;
  comment: string;
  flags: string[];
  token: string;
  options?: Partial<Omit<TokenVector, "tcId" | "comment" | "flags" | "token" | "result">>;
  expect: "valid" | ErrorCode;
  cause?: ErrorCode;
  expected?: Record<string, unknown>;
}

/** Verifier options of each kind when a case says nothing else. */
export function defaultOptions(f: Fixtures, kind: TokenKind): Partial<TokenVector> {
  switch (kind) {
    case "session":
    case "action":
      return {
        now: T0 + 60,
        issuer: ISS,
        audience: AUD,
        jwks: f.jwks("service-ed25519", "service-es256"),
      };
    case "access":
      return { now: T0 + 60, issuer: ISS, jwks: f.jwks("service-ed25519", "service-es256") };
    case "secure":
      return {
        now: T0 + 120,
        issuer: ISS,
        audience: AUD,
        jwks: f.jwks("service-ed25519", "service-es256"),
        action: "login",
      };
    case "proof":
      return { now: T0 + 5, method: "POST", url: HTU, nonces: [NONCE] };
  }
}

const jti = (n: number): string => `jti-vector-${String(n).padStart(11, "0")}`;

export const sessionHeader = (f: Fixtures, key: KeyName = "service-ed25519") => ({
  alg: KEY_ALGS[key],
  typ: "ds-session+jwt",
  kid: f.kid(key),
});

export const sessionClaims = (f: Fixtures, device: KeyName = "device-ed25519") => ({
  iss: ISS,
  aud: AUD,
  sub: SESSION_ID,
  did: DEVICE_ID,
  cnf: { jkt: f.kid(device) },
  iat: T0,
  exp: T0 + 900,
  jti: jti(1),
  ver: 1,
});

/** A session token; `claims`/`header` override the defaults. */
export function session(
  f: Fixtures,
  o: { key?: KeyName; device?: KeyName; header?: object; claims?: object } = {},
): string {
  const key = o.key ?? "service-ed25519";
  return jws(
    f,
    key,
    { ...sessionHeader(f, key), ...o.header },
    { ...sessionClaims(f, o.device), ...o.claims },
  );
}

export const deviceHeader = (f: Fixtures, typ: string, device: KeyName) => ({
  alg: KEY_ALGS[device],
  typ,
  jwk: f.pub(device),
});

/** A secure session token signed by `device` around `tok` (default: a session bound to it). */
export function secure(
  f: Fixtures,
  o: { device?: KeyName; signer?: KeyName; tok?: string; header?: object; claims?: object } = {},
): string {
  const device = o.device ?? "device-ed25519";
  return jws(
    f,
    o.signer ?? device,
    { ...deviceHeader(f, "ds-secure+jwt", device), ...o.header },
    {
      tok: o.tok ?? session(f, { device }),
      act: "login",
      iat: T0 + 60,
      exp: T0 + 360,
      jti: jti(2),
      ver: 1,
      ...o.claims,
    },
  );
}

/** A device proof. */
export function proof(
  f: Fixtures,
  o: { device?: KeyName; signer?: KeyName; header?: object; claims?: object } = {},
): string {
  const device = o.device ?? "device-ed25519";
  return jws(
    f,
    o.signer ?? device,
    { ...deviceHeader(f, "ds-proof+jwt", device), ...o.header },
    { htm: "POST", htu: HTU, iat: T0, jti: jti(3), nonce: NONCE, ver: 1, ...o.claims },
  );
}

/** An action token. */
export function action(
  f: Fixtures,
  o: { key?: KeyName; header?: object; claims?: object } = {},
): string {
  const key = o.key ?? "service-ed25519";
  return jws(
    f,
    key,
    { alg: KEY_ALGS[key], typ: "ds-action+jwt", kid: f.kid(key), ...o.header },
    {
      iss: ISS,
      aud: AUD,
      sub: SESSION_ID,
      aid: ACTION_ID,
      act: "login",
      iat: T0,
      exp: T0 + 3600,
      jti: jti(4),
      ver: 1,
      ...o.claims,
    },
  );
}

/** An access token. */
export function access(
  f: Fixtures,
  o: { key?: KeyName; header?: object; claims?: object } = {},
): string {
  const key = o.key ?? "service-ed25519";
  return jws(
    f,
    key,
    { alg: KEY_ALGS[key], typ: "ds-access+jwt", kid: f.kid(key), ...o.header },
    {
      iss: ISS,
      aud: ISS,
      sub: AUD,
      scope: "backend",
      iat: T0,
      exp: T0 + 3600,
      jti: jti(5),
      ver: 1,
      ...o.claims,
    },
  );
}

/** One token of every kind, with defaults (for typ swaps and nested-token tricks). */
export function tokenOfEachKind(f: Fixtures): Record<TokenKind, string> {
  return {
    proof: proof(f),
    session: session(f),
    secure: secure(f),
    action: action(f),
    access: access(f),
  };
}

export { jti };

/**
 * A function adding session-token cases to `c`, for the tables of cases.
 *
 * @example
 * ```ts
 * const c: Case[] = [];
 * const s = sessionCaseAdder(c);
 * s("exp missing", ["Claims"], "e30.e30.e30", "ERR_CLAIM_MISSING");
 * ```
 */
export function sessionCaseAdder(
  c: Case[],
): (
  comment: string,
  flags: string[],
  token: string,
  expect: Case["expect"],
  options?: Case["options"],
) => void {
  return (comment, flags, token, expect, options) =>
    void c.push({
      kind: "session",
      comment,
      flags,
      token,
      expect,
      ...(options ? { options } : {}),
    });
}
