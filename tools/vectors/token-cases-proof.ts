/**
 * Vectors of device proofs (SPEC §5.2): the `jwk` header, the request target, the time window,
 * the nonce, the key expected for a refresh, replay, and the order of the steps.
 */
import type { Case } from "./token-kinds.ts";
import { proof } from "./token-kinds.ts";
import { type Fixtures, HTU, NONCE, T0, withSignature } from "./token-fixtures.ts";

export function proofCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const p = (
    comment: string,
    flags: string[],
    token: string,
    expect: Case["expect"],
    options?: Case["options"],
  ) => c.push({ kind: "proof", comment, flags, token, expect, ...(options ? { options } : {}) });
  c.push({
    kind: "proof",
    comment: "valid device proof, Ed25519",
    flags: ["Valid"],
    token: proof(f),
    expect: "valid",
    expected: {
      kind: "proof",
      jwk: f.pub("device-ed25519"),
      jkt: f.kid("device-ed25519"),
      alg: "EdDSA",
      method: "POST",
      url: HTU,
      nonce: NONCE,
      issuedAt: T0,
      jti: "jti-vector-00000000003",
    },
  });
  p("valid device proof, P-256", ["Valid"], proof(f, { device: "device-es256" }), "valid");
  p(
    "valid: request URL normalized (case, default port, query dropped)",
    ["Valid", "Target"],
    proof(f),
    "valid",
    { url: "HTTPS://RISK.Example.com:443/v1/device/sessions?client_id=demo" },
  );
  p("valid refresh: the session's registered key", ["Valid"], proof(f), "valid", {
    expectedJkt: f.kid("device-ed25519"),
  });
  p("valid: iat 60 s in the past", ["Valid", "Time"], proof(f), "valid", { now: T0 + 60 });
  p("valid: iat 10 s in the future", ["Valid", "Time"], proof(f), "valid", { now: T0 - 10 });
  p(
    "htm GET for a POST request",
    ["Target"],
    proof(f, { claims: { htm: "GET" } }),
    "ERR_PROOF_TARGET_MISMATCH",
  );
  p("htm in lower case", ["Claims"], proof(f, { claims: { htm: "post" } }), "ERR_CLAIM_INVALID");
  p(
    "htu of another path",
    ["Target"],
    proof(f, { claims: { htu: `${HTU}/x/refresh` } }),
    "ERR_PROOF_TARGET_MISMATCH",
  );
  p(
    "htu with a query",
    ["Target"],
    proof(f, { claims: { htu: `${HTU}?a=1` } }),
    "ERR_PROOF_TARGET_MISMATCH",
  );
  p(
    "htu over http",
    ["Target"],
    proof(f, { claims: { htu: HTU.replace("https:", "http:") } }),
    "ERR_PROOF_TARGET_MISMATCH",
  );
  p(
    "htu of another host",
    ["Target"],
    proof(f, { claims: { htu: "https://evil.example/v1/device/sessions" } }),
    "ERR_PROOF_TARGET_MISMATCH",
  );
  p("iat 61 s in the past", ["Time"], proof(f), "ERR_TOKEN_EXPIRED", { now: T0 + 61 });
  p("iat 11 s in the future", ["Time"], proof(f), "ERR_TOKEN_NOT_YET_VALID", { now: T0 - 11 });
  p(
    "nonce not issued by the service",
    ["Nonce"],
    proof(f, { claims: { nonce: "n0nce-forged" } }),
    "ERR_NONCE_INVALID",
  );
  p("nonce missing", ["Claims"], proof(f, { claims: { nonce: undefined } }), "ERR_CLAIM_MISSING");
  p(
    "refresh signed by another key",
    ["Binding"],
    proof(f, { device: "device2-ed25519" }),
    "ERR_KEY_MISMATCH",
    { expectedJkt: f.kid("device-ed25519") },
  );
  p("jti already used", ["Replay"], proof(f), "ERR_REPLAYED", {
    consumed: ["jti-vector-00000000003"],
  });
  p(
    "jwk carrying the private key",
    ["Jwk"],
    proof(f, { header: { jwk: { ...f.pub("device-ed25519"), d: f.keys["device-ed25519"].d } } }),
    "ERR_JWK_INVALID",
  );
  p("jwk missing", ["Jwk"], proof(f, { header: { jwk: undefined } }), "ERR_JWK_INVALID");
  p(
    "alg none",
    ["AlgNone"],
    withSignature({ alg: "none", typ: "ds-proof+jwt", jwk: f.pub("device-ed25519") }, {}, "AAAA"),
    "ERR_ALG_NOT_ALLOWED",
  );
  p(
    "signed by another key than the jwk header's",
    ["Tampered"],
    proof(f, { signer: "attacker-ed25519" }),
    "ERR_SIGNATURE_INVALID",
  );
  p(
    "target checked before time and nonce",
    ["Target", "Time"],
    proof(f, { claims: { htm: "GET", nonce: "n0nce-forged" } }),
    "ERR_PROOF_TARGET_MISMATCH",
    { now: T0 + 500 },
  );
  p(
    "nonce checked before the key",
    ["Nonce", "Binding"],
    proof(f, { device: "device2-ed25519", claims: { nonce: "n0nce-forged" } }),
    "ERR_NONCE_INVALID",
    { expectedJkt: f.kid("device-ed25519") },
  );
  p(
    "key checked before replay",
    ["Binding", "Replay"],
    proof(f, { device: "device2-ed25519" }),
    "ERR_KEY_MISMATCH",
    { expectedJkt: f.kid("device-ed25519"), consumed: ["jti-vector-00000000003"] },
  );
  p(
    "RFC 9449 dpop+jwt typ",
    ["TypConfusion"],
    proof(f, { header: { typ: "dpop+jwt" } }),
    "ERR_TYP_MISMATCH",
  );
  return c;
}
