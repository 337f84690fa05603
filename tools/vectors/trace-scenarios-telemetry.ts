/**
 * Trace scenarios, part 2: telemetry batching and drops, page hide, shutdown, clock offset,
 * offline actions, persistence and regressions.
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

/**
 * The persisted record of session `s_resumed` (SPEC §9.15), bound to the trace key's jkt: a
 * 900 s token issued at `iat`, its user `user`.
 */
function resumed(iat: number, user: string | null) {
  return {
    v: 1,
    id: "s_resumed",
    token: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzX3Jlc3VtZWQifQ.AAAA",
    tokenIat: iat,
    tokenExp: iat + 900,
    expiresAt: 1767300000,
    idleTimeoutS: 1800,
    user,
    jkt: "ZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWVlZWU",
    offsetMs: 0,
  };
}

export const TELEMETRY_SCENARIOS: Named[] = [
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
    // SPEC §8.4: the callers of evicted action events are told at once, not after action_wait_ms.
    comment: "an action event evicted from a full queue rejects its caller at once",
    flags: ["Telemetry", "Drops", "Actions"],
    seed: 46,
    until: 3000,
    options: { maxQueueEvents: 10 },
    answer: (p) => p === "telemetry" ? "fail_before" : "ok",
    script: Array.from({ length: 13 }, (_, i) => ({
      at: 500 + i,
      input: input("trigger_action", { waiter: i + 1, actionType: "checkout" }),
    })),
    expect: (s) =>
      effects(s).filter((e) => e.type === "reject" && e.code === "ERR_NETWORK").length >= 3
        ? null
        : "callers of evicted events rejected",
  },
  {
    comment: "an eviction tie: a new event of the lowest queued priority evicts the oldest " +
      "queued one of that priority, not itself (SPEC §8.4)",
    flags: ["Telemetry", "Drops"],
    seed: 45,
    until: 8000,
    options: { maxQueueEvents: 10 },
    script: Array.from({ length: 11 }, (_, i) => ({
      at: 500 + i,
      input: input("track", { eventType: "interaction", data: { kind: "click", i } }),
    })),
    expect: (s) => {
      const batch = sends(s, "telemetry")[0]?.request as
        | { body: { events: { seq: number }[]; dropped: unknown } }
        | undefined;
      const seqs = batch?.body.events.map((e) => e.seq) ?? [];
      return all(
        [seqs.join() === "2,3,4,5,6,7,8,9,10,11", `batch seqs ${seqs}`],
        [
          JSON.stringify(batch?.body.dropped) === '{"total":1,"by_priority":{"1":1}}',
          `dropped ${JSON.stringify(batch?.body.dropped)}`,
        ],
      );
    },
  },
  {
    comment: "events tracked before the first session exists take its seqs 1, 2, 3 (SPEC §8.1)",
    flags: ["Telemetry"],
    seed: 46,
    until: 7000,
    script: Array.from({ length: 3 }, (_, i) => ({
      at: i,
      input: input("track", { eventType: "interaction", data: { kind: "click", i } }),
    })),
    expect: (s) => {
      const created = s.findIndex((x) =>
        x.effects.some((e) =>
          e.type === "emit" &&
          (e.event as { type: string }).type === "session_started"
        )
      );
      const tracked = s.findIndex((x) => x.input.type === "track");
      const batch = sends(s, "telemetry")[0]?.request as
        | { body: { events: { seq: number }[] } }
        | undefined;
      return all(
        [tracked >= 0 && created > tracked, "tracked before the session started"],
        [batch?.body.events.map((e) => e.seq).join() === "1,2,3", "seqs 1, 2, 3"],
      );
    },
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
    // SPEC §9.11: with shutdown_flush_ms 0 no batch is started only to be abandoned.
    comment: "shutdown with shutdown_flush_ms 0 closes at once and sends nothing",
    flags: ["Shutdown"],
    seed: 48,
    until: 5000,
    options: { shutdownFlushMs: 0 },
    script: [
      { at: 500, input: input("track", { eventType: "interaction", data: { kind: "click" } }) },
      { at: 600, input: input("shutdown", { waiter: 9 }) },
    ],
    expect: (s) =>
      all([last(s).phase === "closed", "closed"], [sends(s, "telemetry").length === 0, "no batch"]),
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
      session: resumed(1767224000, "dave"),
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
    // SPEC §9.15: the user init names replaces the resumed session's, with an identify event.
    comment: "a resumed session takes the user init names, with an identify event",
    flags: ["Persistence", "User"],
    seed: 49,
    until: 2000,
    keyStored: true,
    init: {
      deviceId: "d_0000000000000000000001",
      userId: "erin",
      session: resumed(1767224000, "dave"),
    },
    expect: (s) => {
      const persisted = effects(s).some((e) =>
        e.type === "persist" && e.key === "session" &&
        (e.value as { id?: string; user?: string } | null)?.id === "s_resumed" &&
        (e.value as { user?: string }).user === "erin"
      );
      const queued = effects(s).some((e) =>
        e.type === "persist" && e.key === "queue" &&
        (e.value as { events: { type: string; data: string }[] }).events.some((ev) =>
          ev.type === "identify" && ev.data === '{"user_id":"erin","previous_user_id":"dave"}'
        )
      );
      return all([persisted, "persisted with erin"], [queued, "identify queued"]);
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
      session: resumed(1767225500, null),
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
