// The verification procedures are sans-I/O generators: these tests drive them by hand with
// scripted effect answers, showing the SPEC §5 step order and that nothing is consumed unless
// every other step passed (SPEC §5.7.3).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../core/errors/mod.ts";
import {
  encodeBase64Url,
  proofSteps,
  secureTokenSteps,
  sessionTokenSteps,
  type VerifyEffect,
  type VerifySteps,
} from "../../core/token/mod.ts";

const seg = (v: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(v)));
const SIG = "A".repeat(86);
const KID = "k".repeat(43);
const JKT = "jA".repeat(21) + "A"; // canonical: the last character has no stray bits
const DEVICE = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" };
const SERVICE_KEY = { ...DEVICE, kid: KID, alg: "EdDSA", use: "sig" };
const RULES = {
  algorithms: ["EdDSA", "ES256"],
  issuer: "https://i",
  audience: "demo",
  now: 1100,
  tolerance: 30,
} as const;

const session = seg({ alg: "EdDSA", typ: "ds-session+jwt", kid: KID }) + "." +
  seg({
    iss: "https://i",
    aud: "demo",
    sub: "s_1",
    did: "d_1",
    cnf: { jkt: JKT },
    iat: 1000,
    exp: 1900,
    jti: "jti-0000000000000001",
    ver: 1,
  }) +
  "." + SIG;
const secure = (act: string) =>
  seg({ alg: "EdDSA", typ: "ds-secure+jwt", jwk: DEVICE }) + "." +
  seg({ tok: session, act, iat: 1050, exp: 1350, jti: "jti-0000000000000002", ver: 1 }) + "." + SIG;

/** Runs steps, answering each effect with `answer`; returns the effects seen and the outcome. */
function drive<T>(steps: VerifySteps<T>, answer: (e: VerifyEffect) => unknown) {
  const seen: string[] = [];
  try {
    let r = steps.next();
    while (!r.done) {
      seen.push(r.value.op);
      r = steps.next(answer(r.value));
    }
    return { seen, value: r.value, code: null };
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, String(e));
    return { seen, value: null, code: e.code, details: e.details };
  }
}

// A driver whose crypto says yes, whose key set has KID, whose hash gives JKT's bytes.
const yes = (e: VerifyEffect): unknown => {
  switch (e.op) {
    case "key":
      return e.kid === KID ? SERVICE_KEY : null;
    case "sha256":
      return Uint8Array.from(
        atob(JKT.replace(/-/g, "+").replace(/_/g, "/") + "="),
        (c) => c.charCodeAt(0),
      );
    default:
      return true;
  }
};

describe("verification procedures (sans-I/O)", () => {
  it("session token: key lookup, then signature", () => {
    const r = drive(sessionTokenSteps(session, RULES), yes);
    assert.deepEqual(r.seen, ["key", "verify"]);
    assert.equal(r.code, null);
    assert.equal((r.value as { sessionId: string }).sessionId, "s_1");
  });

  it("a driver answer other than true is a failed signature", () => {
    for (const answer of [false, "true", 1, null, undefined]) {
      const r = drive(
        sessionTokenSteps(session, RULES),
        (e) => (e.op === "verify" ? answer : yes(e)),
      );
      assert.equal(r.code, "ERR_SIGNATURE_INVALID");
    }
  });

  it("an unknown kid never reaches signature verification", () => {
    const r = drive(sessionTokenSteps(session, RULES), (e) => (e.op === "key" ? null : yes(e)));
    assert.deepEqual(r.seen, ["key"]);
    assert.equal(r.code, "ERR_KEY_UNKNOWN");
  });

  it("secure token: outer signature, inner key and signature, thumbprint, then consume — last", () => {
    const r = drive(
      secureTokenSteps(secure("login"), {
        ...RULES,
        sessionAlgorithms: ["EdDSA"],
        action: "login",
        maxLifetime: 3600,
      }),
      yes,
    );
    assert.equal(r.code, null);
    assert.deepEqual(r.seen, ["verify", "key", "verify", "sha256", "consume"]);
  });

  it("secure token: an action mismatch consumes nothing", () => {
    const r = drive(
      secureTokenSteps(secure("logout"), {
        ...RULES,
        sessionAlgorithms: ["EdDSA"],
        action: "login",
        maxLifetime: 3600,
      }),
      yes,
    );
    assert.equal(r.code, "ERR_ACTION_MISMATCH");
    assert.ok(!r.seen.includes("consume"));
  });

  it("secure token: the consume effect is scoped and lasts until exp + 300 + 60 whatever the tolerance", () => {
    for (const tolerance of [0, 30, 300]) {
      let consumed: VerifyEffect | null = null;
      drive(
        secureTokenSteps(secure("login"), {
          ...RULES,
          tolerance,
          sessionAlgorithms: ["EdDSA"],
          action: "login",
          maxLifetime: 3600,
        }),
        (e) => {
          if (e.op === "consume") consumed = e;
          return yes(e);
        },
      );
      // exp 1350 + the largest tolerance (300) + the store skew margin (60), SPEC §5.7.1.
      assert.deepEqual(consumed, {
        op: "consume",
        id: '["secure","https://i","demo","jti-0000000000000002"]',
        until: 1710,
      }, `tolerance ${tolerance}`);
    }
  });

  it("secure token: inner failures are wrapped with their cause", () => {
    const r = drive(
      secureTokenSteps(secure("login"), {
        ...RULES,
        sessionAlgorithms: ["EdDSA"],
        action: "login",
        maxLifetime: 3600,
      }),
      (e) => (e.op === "key" ? null : yes(e)),
    );
    assert.equal(r.code, "ERR_INNER_TOKEN_INVALID");
    assert.deepEqual(r.details, { cause: "ERR_KEY_UNKNOWN" });
  });

  it("proof: nonce, thumbprint and consume come after the pure checks", () => {
    const proof = seg({ alg: "EdDSA", typ: "ds-proof+jwt", jwk: DEVICE }) + "." +
      seg({
        htm: "POST",
        htu: "https://i/v1/device/sessions",
        iat: 1000,
        jti: "jti-0000000000000003",
        nonce: "n1",
        ver: 1,
      }) + "." + SIG;
    const ok = drive(
      proofSteps(proof, {
        algorithms: ["EdDSA"],
        method: "POST",
        url: "https://i/v1/device/sessions",
        now: 1005,
      }),
      yes,
    );
    assert.deepEqual(ok.seen, ["verify", "nonce", "sha256", "consume"]);
    const late = drive(
      proofSteps(proof, {
        algorithms: ["EdDSA"],
        method: "POST",
        url: "https://i/v1/device/sessions",
        now: 1100,
      }),
      yes,
    );
    assert.equal(late.code, "ERR_TOKEN_EXPIRED");
    assert.deepEqual(late.seen, ["verify"]);
  });
});
