/**
 * Vectors of service-signed kinds: session (SPEC §5.3), action (§5.5), access (§5.6) tokens —
 * validity, algorithm and key selection, signatures (steps 1–3 here), then claims, issuer and
 * audience, times (steps 4–6, token-cases-service-claims.ts).
 */
import { encodeBase64Url } from "../../core/token/mod.ts";
import {
  AUD,
  type Fixtures,
  hs256,
  ISS,
  jws,
  SESSION_ID,
  T0,
  withSignature,
} from "./token-fixtures.ts";
import {
  type Case,
  session,
  sessionCaseAdder,
  sessionClaims,
  sessionHeader,
} from "./token-kinds.ts";
import { serviceClaimCases } from "./token-cases-service-claims.ts";

import { b64bytes, flipFirst, toDer } from "./token-mutations.ts";

export function serviceCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const s = sessionCaseAdder(c);
  const claims = sessionClaims(f);
  const header = sessionHeader(f);
  const edOnly = { jwks: f.jwks("service-ed25519") };

  // Valid tokens
  c.push({
    kind: "session",
    comment: "valid session token, EdDSA",
    flags: ["Valid"],
    token: session(f),
    expect: "valid",
    expected: {
      kind: "session",
      sessionId: SESSION_ID,
      deviceId: claims.did,
      clientId: AUD,
      jkt: f.kid("device-ed25519"),
      issuedAt: T0,
      expiresAt: T0 + 900,
      jti: claims.jti,
    },
  });
  s(
    "valid session token, ES256 (raw r||s signature)",
    ["Valid"],
    session(f, { key: "service-es256" }),
    "valid",
  );
  s(
    "valid: signed by the previous key during rotation (both keys published)",
    ["Valid", "Rotation"],
    session(f, { key: "service-ed25519-previous" }),
    "valid",
    { jwks: f.jwks("service-ed25519", "service-ed25519-previous") },
  );
  s("valid: one second before exp + tolerance", ["Valid", "Time"], session(f), "valid", {
    now: T0 + 900 + 29,
  });
  s("valid: iat exactly now + tolerance", ["Valid", "Time"], session(f), "valid", { now: T0 - 30 });
  s("valid: tolerance 300 accepts 299 s after exp", ["Valid", "Time"], session(f), "valid", {
    now: T0 + 900 + 299,
    clockTolerance: 300,
  });
  s(
    "valid: members in another order, unknown claims and header members ignored",
    ["Valid"],
    jws(f, "service-ed25519", { kid: header.kid, x_note: 1, typ: header.typ, alg: "EdDSA" }, {
      ver: 1,
      jti: claims.jti,
      extra: { a: [1, 2] },
      exp: claims.exp,
      iat: T0,
      cnf: claims.cnf,
      did: claims.did,
      sub: claims.sub,
      aud: AUD,
      iss: ISS,
    }),
    "valid",
  );
  s(
    "valid: jku and x5u in the header are ignored (the key comes from kid only)",
    ["Valid", "KeySelection"],
    session(f, {
      header: { jku: "https://attacker.example/jwks.json", x5u: "https://attacker.example/c.pem" },
    }),
    "valid",
  );

  // Algorithms (S5, step 2)
  s(
    "alg none with an empty signature segment",
    ["AlgNone"],
    withSignature({ ...header, alg: "none" }, claims, ""),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "alg none with a non-empty signature",
    ["AlgNone"],
    withSignature({ ...header, alg: "none" }, claims, "AAAA"),
    "ERR_ALG_NOT_ALLOWED",
  );
  const edX = f.pub("service-ed25519").x;
  s(
    "HS256 keyed with the service public key bytes",
    ["AlgConfusion"],
    hs256(
      { ...header, alg: "HS256" },
      claims,
      Uint8Array.from(atob(edX.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0)),
    ),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "HS256 keyed with the service JWK as JSON text",
    ["AlgConfusion"],
    hs256({ ...header, alg: "HS256" }, claims, JSON.stringify(f.jwks("service-ed25519").keys[0])),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg RS256",
    ["AlgConfusion"],
    withSignature({ ...header, alg: "RS256" }, claims, "A".repeat(342)),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg in lower case (eddsa)",
    ["AlgConfusion"],
    session(f, { header: { alg: "eddsa" } }),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg missing",
    ["AlgConfusion"],
    session(f, { header: { alg: undefined } }),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg ES256 with a kid naming the Ed25519 key (alg/key mismatch)",
    ["AlgConfusion"],
    jws(f, "attacker-es256", { ...header, alg: "ES256" }, claims),
    "ERR_ALG_NOT_ALLOWED",
  );
  s(
    "alg EdDSA with a kid naming the P-256 key (alg/key mismatch)",
    ["AlgConfusion"],
    jws(f, "service-ed25519", { ...sessionHeader(f, "service-es256"), alg: "EdDSA" }, claims),
    "ERR_ALG_NOT_ALLOWED",
  );
  s("EdDSA token, allow-list [ES256]", ["AlgConfusion"], session(f), "ERR_ALG_NOT_ALLOWED", {
    algorithms: ["ES256"],
  });

  // typ and crit (S3, S4)
  s("typ JWT", ["TypConfusion"], session(f, { header: { typ: "JWT" } }), "ERR_TYP_MISMATCH");
  s(
    "typ missing",
    ["TypConfusion"],
    session(f, { header: { typ: undefined } }),
    "ERR_TYP_MISMATCH",
  );
  s(
    "typ in upper case",
    ["TypConfusion"],
    session(f, { header: { typ: "DS-SESSION+JWT" } }),
    "ERR_TYP_MISMATCH",
  );
  s(
    "typ with the application/ prefix",
    ["TypConfusion"],
    session(f, { header: { typ: "application/ds-session+jwt" } }),
    "ERR_TYP_MISMATCH",
  );
  s(
    "typ checked before alg: typ JWT and alg none",
    ["TypConfusion", "AlgNone"],
    withSignature({ ...header, typ: "JWT", alg: "none" }, claims, "AAAA"),
    "ERR_TYP_MISMATCH",
  );
  s("crit naming exp", ["Crit"], session(f, { header: { crit: ["exp"] } }), "ERR_CRIT_UNSUPPORTED");
  s("crit empty", ["Crit"], session(f, { header: { crit: [] } }), "ERR_CRIT_UNSUPPORTED");
  s(
    "b64 false under crit (unencoded payload)",
    ["Crit"],
    session(f, { header: { b64: false, crit: ["b64"] } }),
    "ERR_CRIT_UNSUPPORTED",
  );
  s(
    "crit checked before alg: crit and HS256",
    ["Crit", "AlgConfusion"],
    hs256({ ...header, alg: "HS256", crit: ["exp"] }, claims, "secret"),
    "ERR_CRIT_UNSUPPORTED",
  );

  // Key selection (step 2)
  s("kid missing", ["KeySelection"], session(f, { header: { kid: undefined } }), "ERR_KEY_UNKNOWN");
  s("kid not a string", ["KeySelection"], session(f, { header: { kid: 7 } }), "ERR_KEY_UNKNOWN");
  s(
    "kid of a key outside the JWKS (attacker-signed)",
    ["KeySelection"],
    session(f, { key: "attacker-ed25519" }),
    "ERR_KEY_UNKNOWN",
  );
  s(
    "jku pointing at the attacker's JWKS, attacker kid",
    ["KeySelection"],
    session(f, { key: "attacker-ed25519", header: { jku: "https://attacker.example/jwks.json" } }),
    "ERR_KEY_UNKNOWN",
  );
  s(
    "jwk header carrying the attacker key, attacker kid",
    ["KeySelection"],
    session(f, { key: "attacker-ed25519", header: { jwk: f.pub("attacker-ed25519") } }),
    "ERR_KEY_UNKNOWN",
  );
  s(
    "x5u pointing elsewhere, real kid, attacker signature",
    ["KeySelection"],
    jws(f, "attacker-ed25519", { ...header, x5u: "https://attacker.example/cert.pem" }, claims),
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "jwk header carrying the attacker key, real kid, attacker signature",
    ["KeySelection"],
    jws(f, "attacker-ed25519", { ...header, jwk: f.pub("attacker-ed25519") }, claims),
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "previous key after it left the JWKS",
    ["Rotation", "KeySelection"],
    session(f, { key: "service-ed25519-previous" }),
    "ERR_KEY_UNKNOWN",
  );
  s(
    "ES256 key not in a JWKS of the Ed25519 key only",
    ["KeySelection"],
    session(f, { key: "service-es256" }),
    "ERR_KEY_UNKNOWN",
    edOnly,
  );

  // Signature (step 3)
  s(
    "re-signed with a fresh key under the real kid",
    ["Tampered"],
    jws(f, "attacker-ed25519", header, claims),
    "ERR_SIGNATURE_INVALID",
  );
  const good = session(f);
  const [h, p, sig] = good.split(".") as [string, string, string];
  s(
    "payload changed (aud), signature kept",
    ["Tampered"],
    `${h}.${
      encodeBase64Url(new TextEncoder().encode(JSON.stringify({ ...claims, aud: "other" })))
    }.${sig}`,
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "header changed (member added), signature kept",
    ["Tampered"],
    `${encodeBase64Url(new TextEncoder().encode(JSON.stringify({ ...header, x: 1 })))}.${p}.${sig}`,
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "one signature bit flipped",
    ["Tampered"],
    `${h}.${p}.${flipFirst(sig)}`,
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "signature truncated to 63 bytes",
    ["Tampered"],
    `${h}.${p}.${encodeBase64Url(b64bytes(sig).slice(0, 63))}`,
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "signature of another token of the same key",
    ["Tampered"],
    `${h}.${p}.${session(f, { claims: { jti: "jti-vector-other-000001" } }).split(".")[2]}`,
    "ERR_SIGNATURE_INVALID",
  );
  const es = session(f, { key: "service-es256" }).split(".") as [string, string, string];
  s(
    "ES256 signature in DER form",
    ["Tampered"],
    `${es[0]}.${es[1]}.${encodeBase64Url(toDer(b64bytes(es[2])))}`,
    "ERR_SIGNATURE_INVALID",
  );
  s(
    "signature checked before claims: bad signature and expired",
    ["Tampered", "Time"],
    `${h}.${p}.${flipFirst(sig)}`,
    "ERR_SIGNATURE_INVALID",
    { now: T0 + 5000 },
  );

  c.push(...serviceClaimCases(f));
  return c;
}
