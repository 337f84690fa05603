/** Wire examples of the device API and telemetry (SPEC §6, §8). */
import { del, event, JWS, type MessageExamples, set, T } from "./wire-example-kit.ts";

export const DEVICE_EXAMPLES: Record<string, MessageExamples> = {
  ConfigResponse: {
    valid: {
      ver: 1,
      client_id: "demo",
      time: T,
      nonce: "n0nce-AbC_123",
      issuer: "http://localhost:8787",
      algorithms: ["EdDSA", "ES256"],
      token_lifetime_s: 900,
      secure_token_max_s: 3600,
      session_absolute_s: 86400,
      session_idle_s: 1800,
      telemetry: { max_batch_events: 100, max_batch_bytes: 61440, max_event_bytes: 4096 },
    },
    variants: [{ comment: "unknown member ignored", apply: set("future_field", { a: 1 }) }],
    invalid: [
      { comment: "ver 2", apply: set("ver", 2) },
      { comment: "token lifetime below 60 s", apply: set("token_lifetime_s", 59) },
      { comment: "secure max above 3600 s", apply: set("secure_token_max_s", 3601) },
      { comment: "no algorithms", apply: set("algorithms", []) },
      { comment: "HS256 algorithm", apply: set("algorithms", ["HS256"]) },
      { comment: "nonce with a space", apply: set("nonce", "a b") },
    ],
  },
  CreateSessionRequest: {
    valid: {
      client_id: "demo",
      device_id: "d_0123456789abcdefABCDEF",
      key_assurance: "ephemeral",
      key_event: "none",
      attributes: { platform: "browser", automation: false, width: 1280 },
    },
    variants: [
      {
        comment: "minimal",
        apply: () => ({
          client_id: "demo",
          key_assurance: "persistent-file",
          key_event: "created",
        }),
      },
      { comment: "with user", apply: set("user_id", "user-42") },
    ],
    invalid: [
      { comment: "missing client_id", apply: del("client_id") },
      { comment: "client id with a slash", apply: set("client_id", "a/b") },
      { comment: "unknown assurance", apply: set("key_assurance", "hardware") },
      { comment: "unknown key_event", apply: set("key_event", "stolen") },
      { comment: "nested attribute", apply: set("attributes", { a: { b: 1 } }) },
      { comment: "device id with a dot", apply: set("device_id", "d.1") },
      { comment: "empty user id", apply: set("user_id", "") },
      { comment: "user id with a newline", apply: set("user_id", "a\nb") },
      { comment: "array body", apply: () => [] },
      { comment: "null body", apply: () => null },
    ],
  },
  CreateSessionResponse: {
    valid: {
      session_id: "s_0123456789abcdefABCDEF",
      device_id: "d_0123456789abcdefABCDEF",
      session_token: JWS,
      token_expires_at: T + 900,
      session_expires_at: T + 86400,
      idle_timeout_s: 1800,
      user_id: null,
      time: T,
      nonce: "n1",
    },
    invalid: [
      { comment: "token not a JWS", apply: set("session_token", "abc") },
      { comment: "fractional time", apply: set("time", T + 0.5) },
      { comment: "negative expiry", apply: set("token_expires_at", -1) },
      { comment: "missing nonce", apply: del("nonce") },
    ],
  },
  RefreshResponse: {
    valid: {
      session_token: JWS,
      token_expires_at: T + 900,
      session_expires_at: T + 86400,
      user_id: "u1",
      time: T,
      nonce: "n2",
    },
    invalid: [
      { comment: "user id number", apply: set("user_id", 7) },
      { comment: "missing session_token", apply: del("session_token") },
    ],
  },
  TelemetryEvent: {
    valid: event(1),
    variants: [
      {
        comment: "action event",
        apply: () =>
          event(2, "action", {
            action_type: "login",
            claimed_user_id: "h1",
            claimed_user_id_type: "email",
          }),
      },
      {
        comment: "identify event clearing the user",
        apply: () => event(3, "identify", { user_id: null, previous_user_id: "u1" }),
      },
      {
        comment: "device event",
        apply: () => event(4, "device", { platform: "node", automation: false }),
      },
      // SPEC §1.2: `{"pad":"é…é"}` with 2043 `é` serializes to 10 + 2 × 2043 = 4096 UTF-8 bytes.
      {
        comment: "data of exactly 4096 bytes serialized",
        apply: set("data", { pad: "é".repeat(2043) }),
      },
      { comment: "seq 2^53 - 1", apply: set("seq", 2 ** 53 - 1) },
      { comment: "time_ms the last of year 9999", apply: set("time_ms", 253402300799999) },
    ],
    invalid: [
      { comment: "seq 0", apply: set("seq", 0) },
      { comment: "seq fractional", apply: set("seq", 1.5) },
      { comment: "unknown type", apply: set("type", "keystroke") },
      { comment: "data is an array", apply: set("data", [1]) },
      { comment: "data above 4096 bytes", apply: set("data", { pad: "x".repeat(4100) }) },
      {
        comment: "data of 4098 bytes serialized (multi-byte characters)",
        apply: set("data", { pad: "é".repeat(2044) }),
      },
      { comment: "seq 2^53", apply: set("seq", 2 ** 53) },
      { comment: "time_ms negative", apply: set("time_ms", -1) },
      { comment: "time_ms after year 9999", apply: set("time_ms", 253402300800000) },
      { comment: "action without action_type", apply: () => event(2, "action", {}) },
      {
        comment: "action type upper case",
        apply: () => event(2, "action", { action_type: "Login" }),
      },
      {
        comment: "claimed type without claimed id",
        apply: () => event(2, "action", { action_type: "login", claimed_user_id_type: "email" }),
      },
      {
        comment: "identify without previous_user_id",
        apply: () => event(3, "identify", { user_id: "u" }),
      },
    ],
  },
  TelemetryBatch: {
    valid: {
      ver: 1,
      client_id: "demo",
      session_id: "s_0123456789abcdefABCDEF",
      session_token: JWS,
      events: [event(1), event(2, "page", { kind: "load" })],
      dropped: { total: 0, by_priority: {} },
      sent_at_ms: T * 1000,
    },
    variants: [
      {
        // SPEC §6.6: syntax only; that it does not decode is the verifier's 401 later.
        comment: "a session_token of compact syntax that does not decode",
        apply: set("session_token", "aaaa.bbbb.cccc"),
      },
      {
        comment: "empty events carrying only a drop count",
        apply: (v) => ({ ...v, events: [], dropped: { total: 3, by_priority: { "1": 3 } } }),
      },
      {
        // SPEC §8.3: only "1", "2" and "3" are checked; other members are ignored (§1.2).
        comment: "by_priority with members other than the three priorities",
        apply: set("dropped", { total: 2, by_priority: { "3": 2, "4": -1, x: "y" } }),
      },
    ],
    invalid: [
      { comment: "events out of order", apply: (v) => ({ ...v, events: [event(2), event(1)] }) },
      { comment: "duplicate seq", apply: (v) => ({ ...v, events: [event(1), event(1)] }) },
      { comment: "ver 0", apply: set("ver", 0) },
      { comment: "negative drop count", apply: set("dropped", { total: -1, by_priority: {} }) },
      {
        comment: "negative drop count of a priority",
        apply: set("dropped", { total: 1, by_priority: { "1": -1 } }),
      },
      { comment: "drop count 2^53", apply: set("dropped", { total: 2 ** 53, by_priority: {} }) },
      { comment: "by_priority missing", apply: set("dropped", { total: 0 }) },
      { comment: "sent_at_ms negative", apply: set("sent_at_ms", -1) },
      { comment: "missing session_token", apply: del("session_token") },
      // SPEC §6.6: a token member is checked for compact-JWS syntax only, here (400, not 401).
      { comment: "session_token a number", apply: set("session_token", 5) },
      { comment: "session_token of four segments", apply: set("session_token", `${JWS}.x`) },
      { comment: "session_token with an empty segment", apply: set("session_token", "a..c") },
      { comment: "session_token with padding", apply: set("session_token", `${JWS}=`) },
      { comment: "events not an array", apply: set("events", {}) },
    ],
  },
  TelemetryAck: {
    valid: {
      acked_seq: 2,
      high_seq: 2,
      actions: [{ seq: 2, action_id: "a_1", action_token: JWS }],
      user_id: null,
      time: T,
    },
    invalid: [
      { comment: "acked_seq negative", apply: set("acked_seq", -1) },
      { comment: "action without token", apply: set("actions", [{ seq: 2, action_id: "a_1" }]) },
    ],
  },
};
