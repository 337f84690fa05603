/**
 * Vectors of the service-signed session token's claims (SPEC §5.3, verification steps 4–6):
 * members missing or of the wrong type, versions, integer spellings, issuer and audience, times.
 * Part of the `serviceCases` list (token-cases-service.ts), in this order.
 */
import { AUD, type Fixtures, ISS, SESSION_ID, signRaw, T0 } from "./token-fixtures.ts";
import {
  type Case,
  session,
  sessionCaseAdder,
  sessionClaims,
  sessionHeader,
} from "./token-kinds.ts";

/** The cases of steps 4–6, in the order the vectors list them. */
export function serviceClaimCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const s = sessionCaseAdder(c);
  const claims = sessionClaims(f);
  const header = sessionHeader(f);

  // Claims (step 4)
  s("exp missing", ["Claims"], session(f, { claims: { exp: undefined } }), "ERR_CLAIM_MISSING");
  s("cnf missing", ["Claims"], session(f, { claims: { cnf: undefined } }), "ERR_CLAIM_MISSING");
  s("ver missing", ["Claims"], session(f, { claims: { ver: undefined } }), "ERR_CLAIM_MISSING");
  s(
    "iat as a string",
    ["Claims"],
    session(f, { claims: { iat: String(T0) } }),
    "ERR_CLAIM_INVALID",
  );
  s(
    "exp not an integer",
    ["Claims"],
    session(f, { claims: { exp: T0 + 900.5 } }),
    "ERR_CLAIM_INVALID",
  );
  s(
    "cnf.jkt of 42 characters",
    ["Claims"],
    session(f, { claims: { cnf: { jkt: "A".repeat(42) } } }),
    "ERR_CLAIM_INVALID",
  );
  s("aud as an array", ["Claims"], session(f, { claims: { aud: [AUD] } }), "ERR_CLAIM_INVALID");
  s("ver 2", ["Claims"], session(f, { claims: { ver: 2 } }), "ERR_VERSION_UNSUPPORTED");
  s(
    'ver "1" (a string)',
    ["Claims"],
    session(f, { claims: { ver: "1" } }),
    "ERR_VERSION_UNSUPPORTED",
  );
  // SPEC §4.6: any ver but the integer 1, whatever its type; missing before version before type.
  s("ver true", ["Claims"], session(f, { claims: { ver: true } }), "ERR_VERSION_UNSUPPORTED");
  s("ver 1.5", ["Claims"], session(f, { claims: { ver: 1.5 } }), "ERR_VERSION_UNSUPPORTED");
  s(
    "ver missing and exp a string: missing comes first",
    ["Claims"],
    session(f, { claims: { ver: undefined, exp: "soon" } }),
    "ERR_CLAIM_MISSING",
  );
  s(
    "ver 2 and exp a string: the version comes before types",
    ["Claims"],
    session(f, { claims: { ver: 2, exp: "soon" } }),
    "ERR_VERSION_UNSUPPORTED",
  );
  s(
    "ver null: present, an unsupported version",
    ["Claims"],
    session(f, { claims: { ver: null } }),
    "ERR_VERSION_UNSUPPORTED",
  );
  // SPEC §1.2: integers are compared by value, whatever their spelling.
  c.push({
    kind: "session",
    comment: "valid: integers written 1.0 and 1.7672256e9 (compared by value)",
    flags: ["Valid", "Claims"],
    token: signRaw(
      f,
      "service-ed25519",
      JSON.stringify(header),
      JSON.stringify(claims)
        .replace('"ver":1', '"ver":1.0')
        .replace(`"iat":${T0}`, `"iat":${T0 / 1e9}e9`),
    ),
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

  // Issuer and audience (step 5)
  s(
    "another issuer",
    ["IssuerAudience"],
    session(f, { claims: { iss: "https://evil.example" } }),
    "ERR_ISSUER_MISMATCH",
  );
  s(
    "issuer with a trailing slash",
    ["IssuerAudience"],
    session(f, { claims: { iss: `${ISS}/` } }),
    "ERR_ISSUER_MISMATCH",
  );
  s(
    "another client's token (aud)",
    ["IssuerAudience"],
    session(f, { claims: { aud: "other-app" } }),
    "ERR_AUDIENCE_MISMATCH",
  );
  s(
    "audience differing in case",
    ["IssuerAudience"],
    session(f, { claims: { aud: "Demo" } }),
    "ERR_AUDIENCE_MISMATCH",
  );
  s(
    "issuer checked before time: wrong iss and expired",
    ["IssuerAudience", "Time"],
    session(f, { claims: { iss: "https://evil.example" } }),
    "ERR_ISSUER_MISMATCH",
    { now: T0 + 5000 },
  );

  // Times (step 6)
  s("expired: now = exp + tolerance", ["Time"], session(f), "ERR_TOKEN_EXPIRED", {
    now: T0 + 900 + 30,
  });
  s("expired with tolerance 0 at exp", ["Time"], session(f), "ERR_TOKEN_EXPIRED", {
    now: T0 + 900,
    clockTolerance: 0,
  });
  s("not yet valid: iat = now + tolerance + 1", ["Time"], session(f), "ERR_TOKEN_NOT_YET_VALID", {
    now: T0 - 31,
  });
  s(
    "lifetime 3601 s (max 3600)",
    ["Time"],
    session(f, { claims: { exp: T0 + 3601 } }),
    "ERR_LIFETIME_EXCEEDED",
  );
  s("lifetime 0", ["Time"], session(f, { claims: { exp: T0 } }), "ERR_LIFETIME_EXCEEDED");
  s("exp before iat", ["Time"], session(f, { claims: { exp: T0 - 1 } }), "ERR_LIFETIME_EXCEEDED");
  s(
    "lifetime checked first: too long and expired",
    ["Time"],
    session(f, { claims: { exp: T0 + 7200 } }),
    "ERR_LIFETIME_EXCEEDED",
    { now: T0 + 9000 },
  );
  s(
    "not yet valid: issued 500 s in the future",
    ["Time"],
    session(f, { claims: { iat: T0 + 500, exp: T0 + 600 } }),
    "ERR_TOKEN_NOT_YET_VALID",
    { now: T0 },
  );

  return c;
}
