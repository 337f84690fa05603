/**
 * Trace scenarios, part 1: lifecycle, tokens, backoff, secure tokens, actions, users, lifetime,
 * key loss, nonces.
 */
import {
  all,
  effects,
  emitted,
  input,
  last,
  MIN,
  type Named,
  phaseIs,
  rejected,
  resolvedTokens,
  sends,
} from "./trace-checks.ts";

export const SESSION_SCENARIOS: Named[] = [
  {
    comment: "init: key, config, proof-signed create, active",
    flags: ["Lifecycle"],
    seed: 1,
    until: 1000,
    expect: (s) =>
      all([last(s).phase === "active", "active"], [sends(s, "create").length === 1, "one create"]),
  },
  {
    comment: "init with a stored key reports key_event none",
    flags: ["Lifecycle"],
    seed: 2,
    until: 1000,
    keyStored: true,
    expect: phaseIs("active"),
  },
  {
    comment: "init with attributes tracks a device event, flushed after the interval",
    flags: ["Telemetry"],
    seed: 3,
    until: 7000,
    init: { attributes: { platform: "test", automation: false } },
    expect: (s) => sends(s, "telemetry").length === 1 ? null : "one telemetry batch",
  },
  {
    comment: "enabled: false sends nothing and rejects with ERR_DISABLED",
    flags: ["Disabled"],
    seed: 4,
    until: 5000,
    options: { enabled: false },
    script: [{ at: 100, input: input("get_token", { waiter: 1 }) }],
    expect: (s) =>
      all([sends(s, "config").length === 0, "no send"], [
        rejected(s, "ERR_DISABLED"),
        "ERR_DISABLED",
      ]),
  },
  {
    comment: "a token requested before the session exists is handed out once created",
    flags: ["Tokens"],
    seed: 5,
    until: 1000,
    script: [{ at: 0, input: input("get_token", { waiter: 1 }) }],
    expect: (s) => resolvedTokens(s).length === 1 ? null : "token resolved",
  },
  {
    comment: "enableSessionToken false rejects token requests",
    flags: ["Tokens"],
    seed: 6,
    until: 1000,
    options: { enableSessionToken: false },
    script: [{ at: 500, input: input("get_token", { waiter: 1 }) }],
    expect: (s) => rejected(s, "ERR_SESSION_TOKEN_DISABLED") ? null : "rejected",
  },
  {
    comment: "service unreachable: the token request fails with ERR_TIMEOUT after token_wait_ms",
    flags: ["Backoff"],
    seed: 7,
    until: 12_000,
    answer: () => "fail_before",
    script: [{ at: 0, input: input("get_token", { waiter: 1 }) }],
    expect: (s) => rejected(s, "ERR_TIMEOUT") ? null : "timeout",
  },
  {
    comment: "refresh ahead of expiry at 80% ± 5% of the lifetime",
    flags: ["Refresh"],
    seed: 8,
    until: 15 * MIN,
    service: { tokenLifetimeS: 900 },
    expect: (s) => emitted(s, "token_refreshed").length === 2 ? null : "one refresh after create",
  },
  {
    comment: "three concurrent token requests during an outage share one refresh",
    flags: ["SingleFlight"],
    seed: 9,
    until: 3 * MIN,
    service: { tokenLifetimeS: 60 },
    answer: (p, _n, t) => p === "refresh" && t < 70_000 ? "fail_before" : "ok",
    script: [70_000, 70_001, 70_002].map((at, i) => ({
      at,
      input: input("get_token", { waiter: i + 1 }),
    })),
    expect: (s) => resolvedTokens(s).length === 3 ? null : "three resolved",
  },
  {
    comment: "create fails four times, backing off with full jitter, then succeeds",
    flags: ["Backoff"],
    seed: 10,
    until: 2 * MIN,
    answer: (p, n) =>
      p === "create" && n < 6
        ? { status: 503, body: { code: "ERR_INTERNAL", message: "", time: 0 } }
        : "ok",
    expect: (s) =>
      all([last(s).phase === "active", "active"], [sends(s, "create").length >= 4, "retries"]),
  },
  {
    comment: "Retry-After raises the backoff",
    flags: ["Backoff"],
    seed: 11,
    until: 4 * MIN,
    answer: (p, n) =>
      p === "create" && n < 3
        ? { status: 429, body: { code: "ERR_RATE_LIMITED", message: "", time: 0 }, retryAfter: 90 }
        : "ok",
    expect: phaseIs("active"),
  },
  {
    // SPEC §9.5: callers waiting for a token may cut a backoff short, never a Retry-After.
    comment: "callers waiting for a token do not cut a Retry-After short",
    flags: ["Backoff", "Tokens"],
    seed: 47,
    until: 50_000,
    // The first create (request 1, after the config) is refused for 60 s.
    answer: (p, n) =>
      p === "create" && n === 1
        ? { status: 429, body: { code: "ERR_RATE_LIMITED", message: "", time: 0 }, retryAfter: 60 }
        : "ok",
    script: [2000, 13_000, 24_000, 35_000].map((at, i) => ({
      at,
      input: input("get_token", { waiter: i + 1 }),
    })),
    expect: (s) => sends(s, "create").length === 1 ? null : "one create within the Retry-After",
  },
  {
    comment: "secure token: signed on the device, bound to the action, default 300 s",
    flags: ["SecureToken"],
    seed: 12,
    until: 2000,
    script: [{
      at: 500,
      input: input("get_secure_token", { waiter: 1, actionType: "transaction" }),
    }],
    expect: (s) => resolvedTokens(s).length === 1 ? null : "minted",
  },
  {
    comment: "secure token with a custom expiry of 60 s",
    flags: ["SecureToken"],
    seed: 13,
    until: 2000,
    script: [{
      at: 500,
      input: input("get_secure_token", { waiter: 1, actionType: "login", expirationSeconds: 60 }),
    }],
    expect: (s) => resolvedTokens(s).length === 1 ? null : "minted",
  },
  {
    comment: "secure token with an invalid action type or expiry is rejected",
    flags: ["SecureToken"],
    seed: 14,
    until: 2000,
    script: [
      { at: 500, input: input("get_secure_token", { waiter: 1, actionType: "Login" }) },
      {
        at: 600,
        input: input("get_secure_token", {
          waiter: 2,
          actionType: "login",
          expirationSeconds: 3601,
        }),
      },
    ],
    expect: (s) =>
      effects(s).filter((e) => e.type === "reject" && e.code === "ERR_INVALID_INPUT").length === 2
        ? null
        : "two rejects",
  },
  {
    comment: "triggerActionEvent: action event flushed at once, action token from the ack",
    flags: ["Actions"],
    seed: 15,
    until: 2000,
    script: [{
      at: 500,
      input: input("trigger_action", {
        waiter: 1,
        actionType: "login",
        attributes: { correlation_id: "c-1" },
      }),
    }],
    expect: (s) =>
      effects(s).some((e) =>
          e.type === "resolve" && (e.value as { kind: string }).kind === "action"
        )
        ? null
        : "action token",
  },
  {
    // SPEC §9.10: the refresh's echo of bob predates the queued identify (telemetry cannot get
    // through), so the device keeps the cleared user: every session it persists has none.
    comment: "an echoed user is not adopted while an identify is queued",
    flags: ["User", "Refresh"],
    seed: 43,
    until: 14 * MIN,
    init: { userId: "bob" },
    answer: (p) => p === "telemetry" ? "fail_before" : "ok",
    script: [{ at: 500, input: input("clear_user", { waiter: 1 }) }],
    expect: (s) => {
      const users = effects(s).flatMap((e) =>
        e.type === "persist" && e.key === "session" && e.value !== null
          ? [(e.value as { user: string | null }).user]
          : []
      );
      return all(
        [sends(s, "refresh").length >= 1, "refreshed"],
        [users.length >= 2 && users.at(-1) === null, `persisted users ${JSON.stringify(users)}`],
      );
    },
  },
  {
    comment: "set user, same user (no-op), clear user, clear again (no-op)",
    flags: ["User"],
    seed: 16,
    until: 8000,
    script: [
      { at: 500, input: input("set_user", { waiter: 1, userId: "alice" }) },
      { at: 600, input: input("set_user", { waiter: 2, userId: "alice" }) },
      { at: 700, input: input("clear_user", { waiter: 3 }) },
      { at: 800, input: input("clear_user", { waiter: 4 }) },
    ],
    expect: (s) => sends(s, "telemetry").length >= 1 ? null : "identify flushed",
  },
  {
    comment: "absolute lifetime: the session ends, the user is cleared, a new session starts",
    flags: ["Lifetime"],
    seed: 17,
    until: 11 * MIN,
    service: { sessionAbsoluteS: 600 },
    init: { userId: "bob" },
    expect: (s) =>
      all([emitted(s, "user_cleared").length === 1, "user cleared"], [
        sends(s, "create").length >= 2,
        "new session",
      ]),
  },
  {
    comment: "idle lifetime: no activity for session_idle_s ends the session",
    flags: ["Lifetime"],
    seed: 18,
    until: 32 * MIN,
    service: { sessionIdleS: 1800 },
    expect: (s) => emitted(s, "session_ended").length >= 1 ? null : "ended",
  },
  {
    comment: "refresh answered ERR_SESSION_ENDED starts a new session",
    flags: ["Lifetime"],
    seed: 19,
    until: 15 * MIN,
    at: [{ at: 5 * MIN, run: (svc) => svc.sessions.forEach((x) => (x.ended = true)) }],
    expect: (s) => sends(s, "create").length === 2 ? null : "two creates",
  },
  {
    comment: "refresh answered ERR_KEY_MISMATCH: key lost, new key, create with key_event lost",
    flags: ["KeyLoss"],
    seed: 20,
    until: 15 * MIN,
    at: [{ at: 5 * MIN, run: (svc) => svc.sessions.forEach((x) => (x.keyX = "other")) }],
    expect: (s) => emitted(s, "key_lost").length === 1 ? null : "key lost",
  },
  {
    comment: "the key cannot sign: key lost, new key, new session",
    flags: ["KeyLoss"],
    seed: 21,
    until: 15 * MIN,
    signFails: (n) => n === 1,
    expect: (s) =>
      all([emitted(s, "key_lost").length === 1, "key lost"], [
        last(s).phase === "active",
        "active",
      ]),
  },
  {
    comment: "a stale nonce is answered with a fresh one and the create is retried at once",
    flags: ["Nonce"],
    seed: 22,
    until: 2000,
    answer: (p, n) =>
      p === "create" && n === 1
        ? {
          status: 401,
          body: {
            code: "ERR_NONCE_INVALID",
            message: "",
            time: 1767225600,
            details: { nonce: "n1767225600" },
          },
        }
        : "ok",
    expect: (s) => sends(s, "create").length === 2 ? null : "retried",
  },
  {
    comment: "nonces refused three times: two retries at once, the third after 1000 ms (SPEC §9.5)",
    flags: ["Nonce", "Backoff"],
    seed: 44,
    until: 5000,
    answer: (p, n) =>
      p === "create" && n <= 3
        ? {
          status: 401,
          body: {
            code: "ERR_NONCE_INVALID",
            message: "",
            time: 1767225600,
            details: { nonce: "n1767225600" },
          },
        }
        : "ok",
    expect: (s) => {
      const at = s.filter((x) =>
        x.effects.some((e) =>
          e.type === "send" && (e.request as { purpose: string }).purpose === "create"
        )
      ).map((x) => Number(x.input.now));
      // A send follows its sign (1 ms) after the refusal (20 ms latency): ~21 ms "at once".
      return all(
        [at.length === 4, `four creates, got ${at.length}`],
        [at[1]! - at[0]! < 100 && at[2]! - at[1]! < 100, `retries at once: ${at}`],
        [at[3]! - at[2]! >= 1000, `third retry after 1000 ms: ${at}`],
        [last(s).phase === "active", "active"],
      );
    },
  },
];
