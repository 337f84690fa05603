/** Wire examples of errors, the backend API, JWKS and token headers and claims (SPEC §4–§7, §10). */
import { del, JWS, type MessageExamples, set, T, TP, X } from "./wire-example-kit.ts";

export const BACKEND_EXAMPLES: Record<string, MessageExamples> = {
  ErrorBody: {
    valid: { code: "ERR_REPLAYED", message: "the jti was already consumed", time: T },
    variants: [{ comment: "with details", apply: set("details", { cause: "ERR_TOKEN_EXPIRED" }) }],
    invalid: [
      { comment: "code not in the catalog", apply: set("code", "ERR_WHATEVER") },
      { comment: "missing message", apply: del("message") },
    ],
  },
  AccessTokenRequest: {
    valid: { grant_type: "client_credentials", client_id: "demo", client_secret: "s3cret" },
    variants: [{
      comment: "credentials in Basic header instead",
      apply: () => ({ grant_type: "client_credentials" }),
    }],
    invalid: [
      { comment: "password grant", apply: set("grant_type", "password") },
      { comment: "empty secret", apply: set("client_secret", "") },
    ],
  },
  AccessTokenResponse: {
    valid: { access_token: JWS, token_type: "Bearer", expires_in: 3600, scope: "backend" },
    invalid: [{ comment: "token_type DPoP", apply: set("token_type", "DPoP") }],
  },
  TriggerActionRequest: {
    valid: {
      action_type: "transaction",
      session_token: JWS,
      correlation_id: "order-17",
      claimed_user_id: "5f2b",
      claimed_user_id_type: "email",
      transaction_data: { amount: 120.5, currency: "EUR", type: "money_transfer" },
      custom_attributes: { tier: "gold", vip: true, n: 3 },
      ip: "203.0.113.7",
    },
    variants: [
      {
        comment: "secured token instead",
        apply: (v) => ({ action_type: v.action_type, secured_session_token: JWS }),
      },
      { comment: "custom action type", apply: set("action_type", "gift_card_redeem") },
      { comment: "IPv6", apply: set("ip", "2001:db8::1") },
      {
        // SPEC §7.2, §1.2: 8 + 2 × 1020 = 2048 bytes serialized, each value within 1024 characters.
        comment: "custom attributes of exactly 2048 bytes",
        apply: set("custom_attributes", { l: "é".repeat(1020) }),
      },
      {
        comment: "transaction data with members of its own",
        apply: set("transaction_data", { amount: 1, currency: "EUR", note: "gift" }),
      },
    ],
    invalid: [
      { comment: "both tokens", apply: set("secured_session_token", JWS) },
      { comment: "no token", apply: del("session_token") },
      { comment: "action type with a space", apply: set("action_type", "login ") },
      { comment: "amount zero", apply: set("transaction_data", { amount: 0, currency: "EUR" }) },
      {
        comment: "amount too large",
        apply: set("transaction_data", { amount: 1e9, currency: "EUR" }),
      },
      {
        comment: "currency lower case",
        apply: set("transaction_data", { amount: 1, currency: "eur" }),
      },
      { comment: "claimed type without id", apply: del("claimed_user_id") },
      {
        comment: "transaction data without currency",
        apply: set("transaction_data", { amount: 1 }),
      },
      {
        comment: "transaction data above 2048 bytes",
        apply: set("transaction_data", { amount: 1, currency: "EUR", note: "n".repeat(2040) }),
      },
      {
        comment: "custom attributes above 2048 bytes",
        apply: set("custom_attributes", { l: "é".repeat(1021) }),
      },
      {
        comment: "a custom attribute of 1025 characters",
        apply: set("custom_attributes", { l: "x".repeat(1025) }),
      },
      { comment: "empty correlation_id", apply: set("correlation_id", "") },
      {
        comment: "correlation_id of 257 characters",
        apply: set("correlation_id", "c".repeat(257)),
      },
      { comment: "user_agent of 1025 characters", apply: set("user_agent", "u".repeat(1025)) },
      {
        comment: "claimed_user_id with a control character",
        apply: set("claimed_user_id", "a\u0007"),
      },
      { comment: "bad IP", apply: set("ip", "999.1.1.1") },
      {
        comment: "51 custom attributes",
        apply: set(
          "custom_attributes",
          Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
        ),
      },
      { comment: "oversize token", apply: set("session_token", `${"a".repeat(8190)}.b.c`) },
    ],
  },
  TriggerActionResponse: {
    valid: { action_id: "a_1", action_token: JWS },
    invalid: [{ comment: "missing action_token", apply: del("action_token") }],
  },
  ActionResultRequest: {
    valid: { action_token: JWS, result: "success", user_id: "u1", challenge_type: "passkey" },
    invalid: [
      { comment: "unknown result", apply: set("result", "ok") },
      { comment: "unknown challenge", apply: set("challenge_type", "carrier_pigeon") },
    ],
  },
  ClearUserRequest: {
    valid: { session_token: JWS },
    variants: [{
      comment: "secure token with action",
      apply: () => ({ secured_session_token: JWS, action_type: "logout" }),
    }],
    invalid: [
      { comment: "empty", apply: () => ({}) },
      { comment: "secure token without action", apply: () => ({ secured_session_token: JWS }) },
    ],
  },
  RuleInput: {
    valid: {
      name: "block-range",
      priority: 10,
      enabled: true,
      mode: "production",
      match: { ip_cidrs: ["198.51.100.0/24", "2001:db8::/32"] },
      recommendation: "DENY",
    },
    variants: [{
      comment: "device matcher in preview",
      apply: (v) => ({ ...v, mode: "preview", match: { device_ids: ["d_1"] } }),
    }],
    invalid: [
      {
        comment: "two matchers",
        apply: set("match", { ip_cidrs: ["10.0.0.0/8"], user_ids: ["u"] }),
      },
      { comment: "no matcher", apply: set("match", {}) },
      { comment: "unknown matcher", apply: set("match", { country_codes: ["FR"] }) },
      { comment: "empty matcher list", apply: set("match", { user_ids: [] }) },
      { comment: "priority 0", apply: set("priority", 0) },
      { comment: "priority 1001", apply: set("priority", 1001) },
      { comment: "bad CIDR", apply: set("match", { ip_cidrs: ["10.0.0.0/33"] }) },
      { comment: "bad mode", apply: set("mode", "shadow") },
    ],
  },
  Rule: {
    valid: {
      id: "r_1",
      name: "trust-me",
      priority: 1,
      enabled: false,
      mode: "preview",
      match: { key_thumbprints: [TP] },
      recommendation: "TRUST",
    },
    invalid: [{ comment: "missing id", apply: del("id") }],
  },
  Recommendation: {
    valid: {
      id: "a_1",
      issued_at_ms: T * 1000,
      recommendation: { type: "CHALLENGE", result: null },
      risk_score: 55,
      reasons: ["NO_INTERACTION", "NEW_DEVICE_FOR_USER"],
      context: { action_type: "login" },
      preview_rule: null,
    },
    invalid: [
      { comment: "score above 100", apply: set("risk_score", 101) },
      { comment: "type BLOCK", apply: set("recommendation", { type: "BLOCK", result: null }) },
      { comment: "reason lower case", apply: set("reasons", ["bot"]) },
    ],
  },
  Jwks: {
    valid: { keys: [{ kty: "OKP", crv: "Ed25519", x: X, kid: TP, alg: "EdDSA", use: "sig" }] },
    invalid: [
      {
        comment: "private member d",
        apply: () => ({
          keys: [{ kty: "OKP", crv: "Ed25519", x: X, d: X, kid: TP, alg: "EdDSA", use: "sig" }],
        }),
      },
      {
        comment: "alg disagrees with kty",
        apply: () => ({
          keys: [{ kty: "OKP", crv: "Ed25519", x: X, kid: TP, alg: "ES256", use: "sig" }],
        }),
      },
      { comment: "three keys", apply: (v) => ({ keys: [...v.keys, ...v.keys, ...v.keys] }) },
      { comment: "no keys", apply: () => ({ keys: [] }) },
    ],
  },
  Discovery: {
    valid: {
      issuer: "http://localhost:8787",
      jwks_uri: "http://localhost:8787/.well-known/jwks.json",
      token_endpoint: "http://localhost:8787/v1/oauth/token",
      versions: [1],
      algorithms: ["EdDSA"],
    },
    invalid: [{ comment: "no versions", apply: set("versions", []) }],
  },
  DeviceSignedHeader: {
    valid: { alg: "EdDSA", typ: "ds-proof+jwt", jwk: { kty: "OKP", crv: "Ed25519", x: X } },
    variants: [{
      comment: "EC key",
      apply: () => ({
        alg: "ES256",
        typ: "ds-secure+jwt",
        jwk: { kty: "EC", crv: "P-256", x: X, y: X },
      }),
    }],
    invalid: [
      { comment: "private jwk", apply: (v) => ({ ...v, jwk: { ...v.jwk, d: X } }) },
      { comment: "RSA jwk", apply: (v) => ({ ...v, jwk: { kty: "RSA", n: "AQAB", e: "AQAB" } }) },
      { comment: "short x", apply: (v) => ({ ...v, jwk: { ...v.jwk, x: "AAAA" } }) },
      { comment: "missing jwk", apply: del("jwk") },
    ],
  },
  ServiceSignedHeader: {
    valid: { alg: "EdDSA", typ: "ds-session+jwt", kid: TP },
    invalid: [{ comment: "missing kid", apply: del("kid") }, {
      comment: "kid not a thumbprint",
      apply: set("kid", "key-1"),
    }],
  },
  ProofClaims: {
    valid: {
      htm: "POST",
      htu: "http://localhost:8787/v1/device/sessions",
      iat: T,
      jti: "0123456789abcdefABCDEF",
      nonce: "n1",
      ver: 1,
    },
    invalid: [
      { comment: "missing nonce", apply: del("nonce"), code: "ERR_CLAIM_MISSING" },
      { comment: "ver 2", apply: set("ver", 2), code: "ERR_VERSION_UNSUPPORTED" },
      { comment: "htm lower case", apply: set("htm", "post") },
      { comment: "iat as string", apply: set("iat", String(T)) },
      { comment: "short jti", apply: set("jti", "abc") },
    ],
  },
  SessionClaims: {
    valid: {
      iss: "http://localhost:8787",
      aud: "demo",
      sub: "s_1",
      did: "d_1",
      cnf: { jkt: TP },
      iat: T,
      exp: T + 900,
      jti: "0123456789abcdefABCDEF",
      ver: 1,
    },
    invalid: [
      { comment: "missing cnf", apply: del("cnf"), code: "ERR_CLAIM_MISSING" },
      { comment: "missing exp", apply: del("exp"), code: "ERR_CLAIM_MISSING" },
      { comment: "ver string", apply: set("ver", "1"), code: "ERR_VERSION_UNSUPPORTED" },
      { comment: "jkt too short", apply: set("cnf", { jkt: "abc" }) },
      { comment: "aud as array", apply: set("aud", ["demo"]) },
      { comment: "exp fractional", apply: set("exp", T + 0.5) },
    ],
  },
  SecureClaims: {
    valid: {
      tok: JWS,
      act: "transaction",
      iat: T,
      exp: T + 300,
      jti: "0123456789abcdefABCDEF",
      ver: 1,
    },
    invalid: [
      { comment: "missing act", apply: del("act"), code: "ERR_CLAIM_MISSING" },
      { comment: "act upper case", apply: set("act", "TRANSACTION") },
      { comment: "tok not a JWS", apply: set("tok", "x") },
    ],
  },
  ActionClaims: {
    valid: {
      iss: "http://localhost:8787",
      aud: "demo",
      sub: "s_1",
      aid: "a_1",
      act: "login",
      iat: T,
      exp: T + 3600,
      jti: "0123456789abcdefABCDEF",
      ver: 1,
    },
    invalid: [{ comment: "missing aid", apply: del("aid"), code: "ERR_CLAIM_MISSING" }, {
      comment: "aid with space",
      apply: set("aid", "a 1"),
    }],
  },
  AccessClaims: {
    valid: {
      iss: "http://localhost:8787",
      aud: "http://localhost:8787",
      sub: "demo",
      scope: "backend",
      iat: T,
      exp: T + 3600,
      jti: "0123456789abcdefABCDEF",
      ver: 1,
    },
    invalid: [{ comment: "missing scope", apply: del("scope"), code: "ERR_CLAIM_MISSING" }, {
      comment: "scope with comma",
      apply: set("scope", "a,b"),
    }],
  },
};
