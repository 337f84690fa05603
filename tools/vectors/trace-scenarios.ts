/**
 * The scenarios behind `vectors/session/traces.json`. Each names what it demonstrates and an
 * `expect` check the generator runs on its trace, so a vector never records a behaviour
 * nobody meant.
 */
import type { TraceStep } from "../../conformance/trace.ts";
import type { Scenario } from "./trace-sim.ts";

type Check = (steps: TraceStep[]) => string | null;
export type Named = Scenario & { expect: Check };

const MIN = 60_000;
const effects = (steps: TraceStep[]) => steps.flatMap((s) => s.effects);
const last = (steps: TraceStep[]) => steps[steps.length - 1]!;
const sends = (steps: TraceStep[], purpose: string) =>
  effects(steps).filter((e) =>
    e.type === "send" && (e.request as { purpose: string }).purpose === purpose
  );
const emitted = (steps: TraceStep[], type: string) =>
  effects(steps).filter((e) => e.type === "emit" && (e.event as { type: string }).type === type);
const rejected = (steps: TraceStep[], code: string) =>
  effects(steps).some((e) => e.type === "reject" && e.code === code);
const resolvedTokens = (steps: TraceStep[]) =>
  effects(steps).filter((e) =>
    e.type === "resolve" && (e.value as { kind: string }).kind === "token"
  );
const all = (...checks: [boolean, string][]) => checks.find(([ok]) => !ok)?.[1] ?? null;
const phaseIs = (p: string): Check => (s) =>
  last(s).phase === p ? null : `ends ${last(s).phase}, not ${p}`;
const input = (type: string, extra: Record<string, unknown> = {}) => ({ type, ...extra });

export const SCENARIOS: Named[] = [
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
    comment: "twenty tracked events flush one batch by count",
    flags: ["Telemetry"],
    seed: 23,
    until: 2000,
    script: Array.from(
      { length: 20 },
      (_, i) => ({
        at: 500 + i,
        input: input("track", { eventType: "interaction", data: { kind: "click", i } }),
      }),
    ),
    expect: (s) => sends(s, "telemetry").length === 1 ? null : "one batch",
  },
  {
    comment: "large events flush by bytes",
    flags: ["Telemetry"],
    seed: 24,
    until: 2000,
    script: Array.from(
      { length: 5 },
      (_, i) => ({
        at: 500 + i,
        input: input("track", { eventType: "page", data: { kind: "load", pad: "x".repeat(3900) } }),
      }),
    ),
    expect: (s) => sends(s, "telemetry").length === 1 ? null : "flushed by bytes",
  },
  {
    comment: "a failed batch stays queued and is retried with backoff, then acknowledged",
    flags: ["Telemetry", "Backoff"],
    seed: 25,
    until: MIN,
    answer: (p, n) => p === "telemetry" && n < 5 ? "fail_after" : "ok",
    script: [{ at: 500, input: input("trigger_action", { waiter: 1, actionType: "checkout" }) }],
    expect: (s) => emitted(s, "acked").length === 1 ? null : "acked once",
  },
  {
    comment: "a batch answered 422 is dropped and counted",
    flags: ["Telemetry", "Drops"],
    seed: 26,
    until: 8000,
    answer: (p) =>
      p === "telemetry"
        ? { status: 422, body: { code: "ERR_BATCH_TOO_LARGE", message: "", time: 0 } }
        : "ok",
    script: [{ at: 500, input: input("track", { eventType: "page", data: { kind: "load" } }) }],
    expect: (s) => emitted(s, "dropped").length === 1 ? null : "dropped",
  },
  {
    comment: "a full queue evicts the lowest priority, oldest first, and counts drops",
    flags: ["Telemetry", "Drops"],
    seed: 27,
    until: 3000,
    options: { maxQueueEvents: 10 },
    answer: (p) => p === "telemetry" ? "fail_before" : "ok",
    script: Array.from(
      { length: 14 },
      (_, i) => ({
        at: 500 + i,
        input: input("track", {
          eventType: i % 3 === 0 ? "page" : "interaction",
          data: { kind: "x", i },
        }),
      }),
    ),
    expect: (s) => emitted(s, "dropped").length >= 1 ? null : "evicted",
  },
  {
    comment: "page hide sends a beacon within 61440 bytes and persists the queue",
    flags: ["Telemetry", "PageHide"],
    seed: 28,
    until: 3000,
    script: [
      ...Array.from(
        { length: 4 },
        (_, i) => ({
          at: 500 + i,
          input: input("track", { eventType: "interaction", data: { kind: "click", i } }),
        }),
      ),
      { at: 1000, input: input("page_hide") },
    ],
    expect: (s) => effects(s).some((e) => e.type === "beacon") ? null : "beacon",
  },
  {
    comment: "shutdown flushes, persists and closes",
    flags: ["Shutdown"],
    seed: 29,
    until: 5000,
    script: [
      { at: 500, input: input("track", { eventType: "interaction", data: { kind: "click" } }) },
      { at: 600, input: input("shutdown", { waiter: 9 }) },
    ],
    expect: phaseIs("closed"),
  },
  {
    comment: "shutdown with the service down closes at shutdown_flush_ms",
    flags: ["Shutdown"],
    seed: 30,
    until: 5000,
    answer: (p) => p === "telemetry" ? "hang" : "ok",
    script: [
      { at: 500, input: input("track", { eventType: "interaction", data: { kind: "click" } }) },
      { at: 600, input: input("shutdown", { waiter: 9 }) },
    ],
    expect: phaseIs("closed"),
  },
  {
    comment: "requests after shutdown are rejected with ERR_CLOSED",
    flags: ["Shutdown"],
    seed: 31,
    until: 5000,
    script: [{ at: 500, input: input("shutdown", { waiter: 1 }) }, {
      at: 3000,
      input: input("get_token", { waiter: 2 }),
    }],
    expect: (s) => rejected(s, "ERR_CLOSED") ? null : "closed",
  },
  {
    comment: "the service clock is an hour ahead: the proof and events are stamped in service time",
    flags: ["Clock"],
    seed: 32,
    until: 3000,
    skewMs: 3_600_000,
    script: [{ at: 1000, input: input("get_secure_token", { waiter: 1, actionType: "login" }) }],
    expect: (s) => resolvedTokens(s).length === 1 ? null : "minted",
  },
  {
    comment: "config fails twice, then the session is created",
    flags: ["Backoff"],
    seed: 33,
    until: MIN,
    answer: (p, n) => p === "config" && n < 2 ? "fail_before" : "ok",
    expect: phaseIs("active"),
  },
  {
    comment: "an action while offline times out for the caller, and is delivered later",
    flags: ["Actions", "Offline"],
    seed: 34,
    until: 2 * MIN,
    answer: (p, _n, t) => p === "telemetry" && t < 30_000 ? "fail_before" : "ok",
    script: [{ at: 500, input: input("trigger_action", { waiter: 1, actionType: "withdraw" }) }],
    expect: (s) =>
      all([rejected(s, "ERR_TIMEOUT"), "caller timed out"], [
        emitted(s, "acked").length >= 1,
        "delivered",
      ]),
  },
  {
    comment: "a restored queue with its session's token is delivered under that session",
    flags: ["Persistence"],
    seed: 35,
    until: 7000,
    init: {
      deviceId: "d_0000000000000000000001",
      queue: {
        v: 1,
        events: [{
          sid: "s_old",
          seq: 7,
          type: "page",
          time_ms: 1767225000000,
          data: '{"kind":"load"}',
        }],
        nextSeq: { s_old: 8 },
        dropped: {},
        tokens: { s_old: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzX29sZCJ9.AAAA" },
      },
    },
    expect: (s) =>
      sends(s, "telemetry").some((
          e,
        ) => ((e.request as { body: { session_id: string } }).body.session_id === "s_old")
        )
        ? null
        : "old session delivered",
  },
  {
    comment: "regression (shrunk counterexample): the session ends while a refresh is on the " +
      "network — its answer is ignored and only then is one create sent (single flight)",
    flags: ["Regression", "SingleFlight"],
    seed: 37,
    until: 3 * MIN,
    service: { tokenLifetimeS: 60 },
    answer: (p, _n, t) =>
      p === "telemetry" && t > 40_000 && t < 60_000
        ? { status: 410, body: { code: "ERR_SESSION_ENDED", message: "", time: 0 } }
        : p === "refresh"
        ? "hang"
        : "ok",
    script: [{ at: 50_000, input: input("track", { eventType: "page", data: { kind: "load" } }) }, {
      at: 50_001,
      input: input("flush", { waiter: 1 }),
    }],
    expect: (s) => {
      // After the 410, no create may be sent until the hung refresh has failed.
      let refreshOpen = false;
      for (const st of s) {
        if (st.input.type === "transport_failed") refreshOpen = false;
        for (const e of st.effects) {
          if (e.type !== "send") continue;
          const p = (e.request as { purpose: string }).purpose;
          if (p === "refresh") refreshOpen = true;
          if (p === "create" && refreshOpen) return "create sent while a refresh was open";
        }
      }
      return emitted(s, "session_ended").length >= 1 ? null : "session ended";
    },
  },
  {
    comment: "regression (shrunk counterexample): after an idle end the new session is not " +
      "idle-ended at once (idle time counts from the session's start)",
    flags: ["Regression", "Lifetime"],
    seed: 38,
    until: 40 * MIN,
    service: { sessionIdleS: 1800 },
    expect: (s) => sends(s, "create").length <= 3 ? null : "session creation loop",
  },
  {
    comment: "a persisted session is resumed with the same key: its stale token is refreshed " +
      "(here the service no longer knows it, so a create follows)",
    flags: ["Persistence"],
    seed: 39,
    until: 2000,
    keyStored: true,
    init: {
      deviceId: "d_0000000000000000000001",
      session: {
        v: 1,
        id: "s_resumed",
        token: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzX3Jlc3VtZWQifQ.AAAA",
        tokenIat: 1767224000,
        tokenExp: 1767224900,
        expiresAt: 1767300000,
        idleTimeoutS: 1800,
        user: "dave",
        jkt: "ZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWU",
        offsetMs: 0,
      },
    },
    script: [{ at: 1000, input: input("get_token", { waiter: 1 }) }],
    expect: (s) => {
      const first = effects(s).find((e) =>
        e.type === "send" &&
        ["create", "refresh"].includes((e.request as { purpose: string }).purpose)
      );
      return (first?.request as { purpose?: string } | undefined)?.purpose === "refresh"
        ? null
        : "resumed";
    },
  },
  {
    comment: "regression: events tracked before a resumed session's key loaded join that " +
      "session, numbered after the seqs it already used",
    flags: ["Regression", "Persistence"],
    seed: 40,
    until: 7000,
    keyStored: true,
    init: {
      deviceId: "d_0000000000000000000001",
      attributes: { platform: "test" },
      queue: { v: 1, events: [], nextSeq: { s_resumed: 5 }, dropped: {}, tokens: {} },
      session: {
        v: 1,
        id: "s_resumed",
        token: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzX3Jlc3VtZWQifQ.AAAA",
        tokenIat: 1767225500,
        tokenExp: 1767226400,
        expiresAt: 1767300000,
        idleTimeoutS: 1800,
        user: null,
        jkt: "ZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWU",
        offsetMs: 0,
      },
    },
    expect: (s) => {
      const batch = sends(s, "telemetry")[0]?.request as
        | { body: { session_id: string; events: { seq: number }[] } }
        | undefined;
      return batch?.body.session_id === "s_resumed" && batch.body.events[0]?.seq === 5
        ? null
        : "device event sent as seq 5 of the resumed session";
    },
  },
  {
    comment: "activity keeps the session from idling out",
    flags: ["Lifetime"],
    seed: 36,
    until: 40 * MIN,
    service: { sessionIdleS: 1800 },
    script: [10, 20, 30].map((m) => ({ at: m * MIN, input: input("activity") })),
    expect: (s) => emitted(s, "session_ended").length === 0 ? null : "no idle end",
  },
];
