/**
 * Vectors of secure session tokens (SPEC §5.4) — the `jwk` header, device binding,
 * inner-token failures, action binding and its case games, times, replay, and the order of the
 * steps. Device proofs are in token-cases-proof.ts.
 */
import type { Case } from "./token-kinds.ts";
import { action, proof, secure, session } from "./token-kinds.ts";
import {
  AUD,
  DEVICE_ID,
  type Fixtures,
  hs256,
  SESSION_ID,
  T0,
  withSignature,
} from "./token-fixtures.ts";
import { encodeBase64Url } from "../../core/token/mod.ts";

import { dupAud, flipLast, strayBits, strayBitsToken, tamperSignature } from "./token-mutations.ts";

export function secureCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const s = (
    comment: string,
    flags: string[],
    token: string,
    expect: Case["expect"],
    options?: Case["options"],
    cause?: Case["cause"],
  ) =>
    c.push({
      kind: "secure",
      comment,
      flags,
      token,
      expect,
      ...(options ? { options } : {}),
      ...(cause ? { cause } : {}),
    });
  const inner = (
    comment: string,
    tok: string,
    cause: NonNullable<Case["cause"]>,
    options?: Case["options"],
  ) =>
    s(
      `inner token: ${comment}`,
      ["InnerToken"],
      secure(f, { tok }),
      "ERR_INNER_TOKEN_INVALID",
      options,
      cause,
    );
  const dev = f.pub("device-ed25519");

  c.push({
    kind: "secure",
    comment: "valid secure token: Ed25519 device key, EdDSA session token",
    flags: ["Valid"],
    token: secure(f),
    expect: "valid",
    expected: {
      kind: "secure",
      sessionId: SESSION_ID,
      deviceId: DEVICE_ID,
      clientId: AUD,
      jkt: f.kid("device-ed25519"),
      issuedAt: T0,
      expiresAt: T0 + 900,
      action: "login",
      secureJti: "jti-vector-00000000002",
      secureIssuedAt: T0 + 60,
      secureExpiresAt: T0 + 360,
    },
  });
  s(
    "valid: P-256 device key (ES256), EdDSA session token",
    ["Valid"],
    secure(f, { device: "device-es256" }),
    "valid",
  );
  s(
    "valid: ES256 device key and ES256 session token",
    ["Valid"],
    secure(f, {
      device: "device-es256",
      tok: session(f, { key: "service-es256", device: "device-es256" }),
    }),
    "valid",
  );
  s(
    "valid: 3600 s expiry used after the inner session token expired (checked at the outer iat)",
    ["Valid", "Time", "InnerToken"],
    secure(f, { claims: { iat: T0 + 800, exp: T0 + 4400 } }),
    "valid",
    { now: T0 + 3000 },
  );
  s("valid: one second before exp + tolerance", ["Valid", "Time"], secure(f), "valid", {
    now: T0 + 360 + 29,
  });
  s(
    "valid: jwk header with kid, alg and use members (ignored)",
    ["Valid", "Jwk"],
    secure(f, { header: { jwk: { ...dev, kid: "device", alg: "EdDSA", use: "sig" } } }),
    "valid",
  );
  s("valid: another jti was consumed earlier", ["Valid", "Replay"], secure(f), "valid", {
    consumed: ["jti-vector-99999999999"],
  });
  s(
    "valid: custom action type",
    ["Valid", "Action"],
    secure(f, { claims: { act: "wire_transfer_v2" } }),
    "valid",
    { action: "wire_transfer_v2" },
  );

  // jwk header (step 2)
  s(
    "jwk carrying the private key (d)",
    ["Jwk"],
    secure(f, { header: { jwk: { ...dev, d: f.keys["device-ed25519"].d } } }),
    "ERR_JWK_INVALID",
  );
  s("jwk missing", ["Jwk"], secure(f, { header: { jwk: undefined } }), "ERR_JWK_INVALID");
  s(
    "jwk of type RSA",
    ["Jwk"],
    secure(f, { header: { jwk: { kty: "RSA", n: "AQAB", e: "AQAB" } } }),
    "ERR_JWK_INVALID",
  );
  s(
    "jwk x of 31 bytes",
    ["Jwk"],
    secure(f, { header: { jwk: { ...dev, x: dev.x.slice(0, 41) } } }),
    "ERR_JWK_INVALID",
  );
  s(
    "jwk x non-canonical (unused bits set in its last character)",
    ["Jwk", "Encoding"],
    secure(f, { header: { jwk: { ...dev, x: strayBits(dev.x) } } }),
    "ERR_JWK_INVALID",
  );
  const ec = f.pub("device-es256") as { kty: "EC"; crv: "P-256"; x: string; y: string };
  s(
    "jwk P-256 point not on the curve",
    ["Jwk"],
    secure(f, { device: "device-es256", header: { jwk: { ...ec, y: flipLast(ec.y) } } }),
    "ERR_JWK_INVALID",
  );
  s(
    "jwk crv X25519",
    ["Jwk"],
    secure(f, { header: { jwk: { ...dev, crv: "X25519" } } }),
    "ERR_JWK_INVALID",
  );
  s(
    "valid: jwk use and alg members are ignored (use enc, alg ES256 on an Ed25519 key)",
    ["Valid", "Jwk"],
    secure(f, { header: { jwk: { ...dev, use: "enc", alg: "ES256" } } }),
    "valid",
  );
  s(
    "jwk a string",
    ["Jwk"],
    secure(f, { header: { jwk: JSON.stringify(dev) } }),
    "ERR_JWK_INVALID",
  );
  s(
    "alg ES256 with an Ed25519 jwk",
    ["AlgConfusion"],
    secure(f, { signer: "device-es256", header: { alg: "ES256" } }),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg EdDSA with a P-256 jwk",
    ["AlgConfusion"],
    secure(f, { device: "device-es256", signer: "device-ed25519", header: { alg: "EdDSA" } }),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg ES256 with an Ed25519 jwk whose alg member says ES256",
    ["AlgConfusion", "Jwk"],
    secure(f, { signer: "device-es256", header: { alg: "ES256", jwk: { ...dev, alg: "ES256" } } }),
    "ERR_ALG_NOT_ALLOWED",
  );
  const okHeader = { alg: "EdDSA", typ: "ds-secure+jwt", jwk: dev };
  const okClaims = {
    tok: session(f),
    act: "login",
    iat: T0 + 60,
    exp: T0 + 360,
    jti: "jti-vector-00000000002",
    ver: 1,
  };
  s(
    "alg none",
    ["AlgNone"],
    withSignature({ ...okHeader, alg: "none" }, okClaims, "AAAA"),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "HS256 keyed with the device public key",
    ["AlgConfusion"],
    hs256({ ...okHeader, alg: "HS256" }, okClaims, dev.x),
    "ERR_ALG_NOT_ALLOWED",
  );
  s("EdDSA token, allow-list [ES256]", ["AlgConfusion"], secure(f), "ERR_ALG_NOT_ALLOWED", {
    algorithms: ["ES256"],
  });

  // Signature (step 3)
  s(
    "signed by another key than the jwk header's",
    ["Tampered"],
    secure(f, { signer: "attacker-ed25519" }),
    "ERR_SIGNATURE_INVALID",
  );
  const good = secure(f).split(".") as [string, string, string];
  const reencode = (claims: object) =>
    encodeBase64Url(new TextEncoder().encode(JSON.stringify(claims)));
  s(
    "act changed after signing",
    ["Tampered", "Action"],
    `${good[0]}.${reencode({ ...okClaims, act: "transaction" })}.${good[2]}`,
    "ERR_SIGNATURE_INVALID",
    { action: "transaction" },
  );
  s(
    "inner token swapped after signing",
    ["Tampered", "Nested"],
    `${good[0]}.${
      reencode({ ...okClaims, tok: session(f, { claims: { jti: "jti-vector-swapped-0001" } }) })
    }.${good[2]}`,
    "ERR_SIGNATURE_INVALID",
  );

  // Claims (step 4)
  s("act missing", ["Claims"], secure(f, { claims: { act: undefined } }), "ERR_CLAIM_MISSING");
  s("tok missing", ["Claims"], secure(f, { claims: { tok: undefined } }), "ERR_CLAIM_MISSING");
  s("exp missing", ["Claims"], secure(f, { claims: { exp: undefined } }), "ERR_CLAIM_MISSING");
  s(
    "tok not a compact JWS",
    ["Claims", "Nested"],
    secure(f, { claims: { tok: "not-a-token" } }),
    "ERR_CLAIM_INVALID",
  );
  // SPEC §5.4 step 4 types tok as a compact JWS only; decoding it is step 5's.
  s("tok a number", ["Claims", "Nested"], secure(f, { claims: { tok: 5 } }), "ERR_CLAIM_INVALID");
  s(
    "tok of four segments",
    ["Claims", "Nested"],
    secure(f, { claims: { tok: "aaaa.bbbb.cccc.dddd" } }),
    "ERR_CLAIM_INVALID",
  );
  inner("compact syntax, but not JSON inside", "aaaa.bbbb.cccc", "ERR_TOKEN_MALFORMED");
  s("ver 2", ["Claims"], secure(f, { claims: { ver: 2 } }), "ERR_VERSION_UNSUPPORTED");
  for (
    const [act, what] of [
      ["Login", "capitalised"],
      ["LOGIN", "upper case"],
      ["login ", "trailing space"],
      [" login", "leading space"],
      ["l\u043egin", "Cyrillic o look-alike"],
      ["\uff4c\uff4f\uff47\uff49\uff4e", "fullwidth letters"],
      ["login\u200b", "zero-width space"],
      ["log\u0131n", "dotless i"],
    ] as const
  ) {
    s(
      `act "${act}" (${what}) is not an action type`,
      ["Action", "Claims"],
      secure(f, { claims: { act } }),
      "ERR_CLAIM_INVALID",
    );
  }

  // Inner token (step 5)
  s(
    "inner token: expired at the outer iat",
    ["InnerToken", "Time"],
    secure(f, { claims: { iat: T0 + 1000, exp: T0 + 1300 } }),
    "ERR_INNER_TOKEN_INVALID",
    { now: T0 + 1100 },
    "ERR_TOKEN_EXPIRED",
  );
  inner(
    "not yet valid at the outer iat",
    session(f, { claims: { iat: T0 + 500, exp: T0 + 1400 } }),
    "ERR_TOKEN_NOT_YET_VALID",
  );
  inner(
    "another client's session token",
    session(f, { claims: { aud: "other-app" } }),
    "ERR_AUDIENCE_MISMATCH",
  );
  inner(
    "another issuer",
    session(f, { claims: { iss: "https://evil.example" } }),
    "ERR_ISSUER_MISMATCH",
  );
  inner("bad signature", tamperSignature(session(f)), "ERR_SIGNATURE_INVALID");
  inner(
    "signed by a key outside the JWKS",
    session(f, { key: "attacker-ed25519" }),
    "ERR_KEY_UNKNOWN",
  );
  inner(
    "lifetime above 3600 s",
    session(f, { claims: { exp: T0 + 3601 } }),
    "ERR_LIFETIME_EXCEEDED",
  );
  inner(
    "alg none",
    withSignature(
      { alg: "none", typ: "ds-session+jwt", kid: f.kid("service-ed25519") },
      {},
      "AAAA",
    ),
    "ERR_ALG_NOT_ALLOWED",
  );
  inner(
    "non-canonical base64url (unused bits in the signature's last character)",
    strayBitsToken(session(f)),
    "ERR_TOKEN_MALFORMED",
  );
  inner("duplicate aud members", dupAud(f), "ERR_TOKEN_MALFORMED");
  inner("crit in its header", session(f, { header: { crit: ["exp"] } }), "ERR_CRIT_UNSUPPORTED");
  inner("a secure token (nested)", secure(f), "ERR_TYP_MISMATCH");
  inner("a device proof", proof(f), "ERR_TYP_MISMATCH");
  inner("an action token", action(f), "ERR_TYP_MISMATCH");
  inner("EdDSA, session allow-list [ES256]", session(f), "ERR_ALG_NOT_ALLOWED", {
    sessionAlgorithms: ["ES256"],
  });

  // Binding (step 6)
  s(
    "inner session token of another device",
    ["Binding"],
    secure(f, { device: "device2-ed25519", tok: session(f, { device: "device-ed25519" }) }),
    "ERR_BINDING_MISMATCH",
  );
  s(
    "re-signed with a fresh key (attacker replaces jwk and signature)",
    ["Binding"],
    secure(f, { device: "attacker-ed25519", tok: session(f) }),
    "ERR_BINDING_MISMATCH",
  );
  s(
    "cnf.jkt names the device's other key",
    ["Binding"],
    secure(f, { tok: session(f, { device: "device-es256" }) }),
    "ERR_BINDING_MISMATCH",
  );
  s(
    "binding checked before time: other device and expired",
    ["Binding", "Time"],
    secure(f, { device: "device2-ed25519", tok: session(f) }),
    "ERR_BINDING_MISMATCH",
    { now: T0 + 5000 },
  );

  // Times (step 7)
  s("expired: now = exp + tolerance", ["Time"], secure(f), "ERR_TOKEN_EXPIRED", { now: T0 + 390 });
  s("iat in the future beyond tolerance", ["Time"], secure(f), "ERR_TOKEN_NOT_YET_VALID", {
    now: T0 + 29,
  });
  s(
    "lifetime 3601 s",
    ["Time"],
    secure(f, { claims: { exp: T0 + 60 + 3601 } }),
    "ERR_LIFETIME_EXCEEDED",
  );
  s(
    "lifetime 600 s above a configured maximum of 300 s",
    ["Time"],
    secure(f, { claims: { exp: T0 + 660 } }),
    "ERR_LIFETIME_EXCEEDED",
    { maxLifetime: 300 },
  );
  s("lifetime 0", ["Time"], secure(f, { claims: { exp: T0 + 60 } }), "ERR_LIFETIME_EXCEEDED");
  s(
    "time checked before action: expired and another action",
    ["Time", "Action"],
    secure(f),
    "ERR_TOKEN_EXPIRED",
    { now: T0 + 5000, action: "transaction" },
  );

  // Action (step 8) and replay (step 9)
  s(
    "bound to logout, presented for login",
    ["Action"],
    secure(f, { claims: { act: "logout" } }),
    "ERR_ACTION_MISMATCH",
  );
  s(
    "bound to login_, presented for login",
    ["Action"],
    secure(f, { claims: { act: "login_" } }),
    "ERR_ACTION_MISMATCH",
  );
  s("bound to login, presented for transaction", ["Action"], secure(f), "ERR_ACTION_MISMATCH", {
    action: "transaction",
  });
  s("jti already consumed", ["Replay"], secure(f), "ERR_REPLAYED", {
    consumed: ["jti-vector-00000000002"],
  });
  s(
    "re-encoded and re-signed copy with the same jti",
    ["Replay"],
    secure(f, { claims: { extra: "x" } }),
    "ERR_REPLAYED",
    { consumed: ["jti-vector-00000000002"] },
  );
  s(
    "action checked before replay: another action and a consumed jti",
    ["Action", "Replay"],
    secure(f),
    "ERR_ACTION_MISMATCH",
    { action: "transaction", consumed: ["jti-vector-00000000002"] },
  );
  s(
    "crit in the outer header",
    ["Crit"],
    secure(f, { header: { crit: ["act"] } }),
    "ERR_CRIT_UNSUPPORTED",
  );
  s(
    "typ in another case",
    ["TypConfusion"],
    secure(f, { header: { typ: "ds-secure+JWT" } }),
    "ERR_TYP_MISMATCH",
  );
  return c;
}
