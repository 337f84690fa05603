/**
 * Vectors of action tokens (SPEC §5.5) and access tokens (§5.6): lifetimes, claims, audience,
 * keys outside the JWKS, algorithm confusion.
 */
import { AUD, type Fixtures, hs256, SESSION_ID, T0 } from "./token-fixtures.ts";
import { access, action, type Case } from "./token-kinds.ts";

export function actionAccessCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const edX = f.pub("service-ed25519").x;
  // Action tokens (§5.5)
  const a = (
    comment: string,
    flags: string[],
    token: string,
    expect: Case["expect"],
    options?: Case["options"],
  ) => c.push({ kind: "action", comment, flags, token, expect, ...(options ? { options } : {}) });
  c.push({
    kind: "action",
    comment: "valid action token, EdDSA",
    flags: ["Valid"],
    token: action(f),
    expect: "valid",
    expected: {
      kind: "action",
      sessionId: SESSION_ID,
      clientId: AUD,
      action: "login",
      issuedAt: T0,
    },
  });
  a("valid action token, ES256", ["Valid"], action(f, { key: "service-es256" }), "valid");
  a(
    "valid: lifetime 86400 s",
    ["Valid", "Time"],
    action(f, { claims: { exp: T0 + 86400 } }),
    "valid",
  );
  a(
    "lifetime 86401 s",
    ["Time"],
    action(f, { claims: { exp: T0 + 86401 } }),
    "ERR_LIFETIME_EXCEEDED",
  );
  a(
    "another client's action token",
    ["IssuerAudience"],
    action(f, { claims: { aud: "other-app" } }),
    "ERR_AUDIENCE_MISMATCH",
  );
  a("aid missing", ["Claims"], action(f, { claims: { aid: undefined } }), "ERR_CLAIM_MISSING");
  a(
    "act not an action type (Login)",
    ["Claims", "Action"],
    action(f, { claims: { act: "Login" } }),
    "ERR_CLAIM_INVALID",
  );
  a("expired", ["Time"], action(f), "ERR_TOKEN_EXPIRED", { now: T0 + 3630 });
  a("kid unknown", ["KeySelection"], action(f, { key: "attacker-ed25519" }), "ERR_KEY_UNKNOWN");

  // Access tokens (§5.6)
  const x = (
    comment: string,
    flags: string[],
    token: string,
    expect: Case["expect"],
    options?: Case["options"],
  ) => c.push({ kind: "access", comment, flags, token, expect, ...(options ? { options } : {}) });
  c.push({
    kind: "access",
    comment: "valid access token",
    flags: ["Valid"],
    token: access(f),
    expect: "valid",
    expected: {
      kind: "access",
      clientId: AUD,
      scope: "backend",
      issuedAt: T0,
      expiresAt: T0 + 3600,
    },
  });
  x("valid access token, ES256", ["Valid"], access(f, { key: "service-es256" }), "valid");
  x(
    "aud is a client id, not the issuer",
    ["IssuerAudience"],
    access(f, { claims: { aud: AUD } }),
    "ERR_AUDIENCE_MISMATCH",
  );
  x(
    "scope not in the grammar",
    ["Claims"],
    access(f, { claims: { scope: "Backend" } }),
    "ERR_CLAIM_INVALID",
  );
  // SPEC §5.6: names of a–z and _, one space between them, none leading or trailing.
  for (
    const [scope, what] of [["backend  reports", "two spaces"], [" backend", "a leading space"], [
      "backend,reports",
      "a comma",
    ], ["", "empty"]]
  ) {
    x(`scope with ${what}`, ["Claims"], access(f, { claims: { scope } }), "ERR_CLAIM_INVALID");
  }
  x(
    "valid: scope with another name besides backend",
    ["Valid", "Claims"],
    access(f, { claims: { scope: "reports backend" } }),
    "valid",
  );
  x("expired", ["Time"], access(f), "ERR_TOKEN_EXPIRED", { now: T0 + 3630 });
  x(
    "signed by a key outside the JWKS",
    ["KeySelection"],
    access(f, { key: "attacker-es256" }),
    "ERR_KEY_UNKNOWN",
  );
  x(
    "HS256 keyed with the public key",
    ["AlgConfusion"],
    hs256({ alg: "HS256", typ: "ds-access+jwt", kid: f.kid("service-ed25519") }, {}, edX),
    "ERR_ALG_NOT_ALLOWED",
  );
  return c;
}
