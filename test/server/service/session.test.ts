// Session registry rules (core/service/session.ts) and telemetry planning (telemetry.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  applySessionPatch,
  newSession,
  sessionEnd,
  type SessionRecord,
  sessionRetainUntil,
  sessionStatus,
} from "../../../core/service/session.ts";
import fc from "fast-check";
import { batchLimitProblem, eventPatch, planBatch } from "../../../core/service/telemetry.ts";
import type { TelemetryBatch } from "../../../core/wire/telemetry.ts";

const T0 = 1_800_000_000;
const fresh = (o: Partial<Parameters<typeof newSession>[0]> = {}): SessionRecord =>
  newSession({
    id: "s_1",
    clientId: "a",
    deviceId: "d_1",
    jkt: "k".repeat(43),
    keyAssurance: "persistent-nonextractable",
    keyEvent: "none",
    keyChanged: false,
    userId: null,
    now: T0,
    absoluteS: 86400,
    idleS: 1800,
    ...o,
  });

describe("session lifetimes (SPEC §6.3, §8.5, §9.6)", () => {
  // deno-fmt-ignore
  const table: [string, number, number, "active" | "ended" | "gone"][] = [
    // label, lastSeen offset, now offset, status (retention 86400)
    ["just created",               0,     0,              "active"],
    ["idle 1799 s",                0,     1799,           "active"],
    ["idle 1800 s",                0,     1800,           "ended"],
    ["seen at 80000, now 81799",   80000, 81799,          "active"],
    ["absolute end beats activity",85000, 86400,          "ended"],
    ["retained until end + 1 day", 0,     1800 + 86399,   "ended"],
    ["gone after retention",       0,     1800 + 86400,   "gone"],
  ];
  for (const [label, seen, now, status] of table) {
    it(label, () => {
      const s = fresh();
      s.lastSeen = T0 + seen;
      assert.equal(sessionStatus(s, T0 + now, 86400), status);
    });
  }

  it("end and retention", () => {
    const s = fresh();
    assert.equal(sessionEnd(s), T0 + 1800);
    assert.equal(sessionRetainUntil(s, 86400), T0 + 1800 + 86400);
  });

  it("create attributes give platform and automation", () => {
    const s = fresh({ attributes: { platform: "browser", automation: true } });
    assert.equal(s.platform, "browser");
    assert.equal(s.automation, true);
    assert.equal(fresh({ attributes: { automation: "yes" } }).automation, false);
  });
});

describe("session patches are commutative (a store applies them atomically)", () => {
  it("seen moves lastSeen forward only while active, never past the absolute end", () => {
    const s = fresh();
    applySessionPatch(s, { seen: T0 + 100 }, T0 + 100);
    assert.equal(s.lastSeen, T0 + 100);
    applySessionPatch(s, { seen: T0 + 50 }, T0 + 100);
    assert.equal(s.lastSeen, T0 + 100);
    applySessionPatch(s, { seen: T0 + 5000 }, T0 + 5000); // ended at T0 + 1900: no revival
    assert.equal(s.lastSeen, T0 + 100);
  });

  it("dropped keeps the maximum; interactions add; automation ORs; platform: first wins", () => {
    const s = fresh();
    for (
      const p of [
        { dropped: 5 },
        { dropped: 3 },
        { interactions: 2 },
        { interactions: 3 },
        { automation: true },
        { automation: false },
        { platform: "browser" },
        { platform: "node" },
      ]
    ) {
      applySessionPatch(s, p, T0);
    }
    assert.deepEqual([s.dropped, s.interactions, s.automation, s.platform], [
      5,
      5,
      true,
      "browser",
    ]);
  });

  it("identify events apply in seq order whatever the arrival order; backend changes always apply", () => {
    const a = fresh();
    const b = fresh();
    const p1 = { user: { id: "u1", seq: 4 } };
    const p2 = { user: { id: null, seq: 7 } };
    applySessionPatch(a, p1, T0);
    applySessionPatch(a, p2, T0);
    applySessionPatch(b, p2, T0);
    applySessionPatch(b, p1, T0);
    assert.equal(a.userId, null);
    assert.equal(b.userId, null);
    applySessionPatch(a, { user: { id: "from-backend", seq: 0 } }, T0);
    assert.equal(a.userId, "from-backend");
  });
});

const batch = (events: TelemetryBatch["events"], dropped = 0): TelemetryBatch => ({
  ver: 1,
  client_id: "a",
  session_id: "s_1",
  session_token: "x.y.z",
  events,
  dropped: { total: dropped, by_priority: {} },
  sent_at_ms: 0,
});
const e = (
  seq: number,
  type: TelemetryBatch["events"][number]["type"],
  data: Record<string, unknown> = {},
) => ({
  seq,
  time_ms: 0,
  type,
  data,
});

describe("telemetry planning (SPEC §8.5, §8.6)", () => {
  it("acks the largest seq, or high_seq for an empty batch", () => {
    const before = fresh();
    assert.equal(
      planBatch({
        batch: batch([e(3, "page"), e(5, "page")]),
        fresh: [3, 5],
        before,
        highSeq: 9,
        now: T0,
      }).ackedSeq,
      5,
    );
    assert.equal(
      planBatch({ batch: batch([], 2), fresh: [], before, highSeq: 9, now: T0 }).ackedSeq,
      9,
    );
  });

  it("gives each action the facts as they stood at its seq", () => {
    const before = fresh();
    before.interactions = 2;
    before.userId = "u0";
    const plan = planBatch({
      batch: batch([
        e(1, "interaction", { kind: "click" }),
        e(2, "action", { action_type: "login" }),
        e(3, "identify", { user_id: "u1", previous_user_id: "u0" }),
        e(4, "device", { platform: "browser", automation: true }),
        e(5, "interaction", { kind: "keys" }),
        e(6, "action", { action_type: "checkout" }),
      ]),
      fresh: [1, 2, 3, 4, 5, 6],
      before,
      highSeq: 6,
      now: T0,
    });
    assert.deepEqual(
      plan.actions.map((a) => [a.seq, a.userId, a.interactionsBefore, a.automation, a.platform]),
      [
        [2, "u0", 3, false, null],
        [6, "u1", 4, true, "browser"],
      ],
    );
    assert.deepEqual(plan.patch, {
      seen: T0,
      dropped: 0,
      interactions: 2,
      automation: true,
      platform: "browser",
      user: { id: "u1", seq: 3 },
    });
    assert.deepEqual(plan.usersSet, ["u1"]);
  });

  it("duplicates change nothing but their actions are still listed (same records)", () => {
    const plan = planBatch({
      batch: batch([
        e(1, "interaction"),
        e(2, "action", { action_type: "login" }),
        e(3, "identify", { user_id: "u1", previous_user_id: null }),
      ]),
      fresh: [],
      before: fresh(),
      highSeq: 3,
      now: T0,
    });
    assert.equal(plan.patch.interactions, undefined);
    assert.equal(plan.patch.user, undefined);
    assert.deepEqual(plan.actions.map((a) => a.seq), [2]);
    // A resent identify links its user again (idempotent): a link that failed after the
    // batch's seqs were stored is made when the device resends the batch.
    assert.deepEqual(plan.usersSet, ["u1"]);
  });

  it("the events' own patches (eventPatch), applied for the fresh seqs in order, change the session as the batch's patch does", () => {
    const event = fc.oneof(
      fc.constant({ type: "interaction", data: { kind: "click" } }),
      fc.constant({ type: "page", data: { kind: "load" } }),
      fc.record({
        type: fc.constant("device"),
        data: fc.record({ automation: fc.boolean(), platform: fc.constantFrom("ios", "browser") }, {
          requiredKeys: [],
        }),
      }),
      fc.record({
        type: fc.constant("identify"),
        data: fc.record({
          user_id: fc.constantFrom("u1", "u2", null),
          previous_user_id: fc.constant(null),
        }),
      }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ seq: fc.integer({ min: 1, max: 40 }), ev: event }), {
          selector: (x) => x.seq,
          maxLength: 12,
        }),
        fc.func(fc.boolean()),
        fc.record({ platform: fc.constantFrom(null, "android"), userSeq: fc.nat({ max: 40 }) }),
        (raw, isFresh, start) => {
          const events = raw.sort((a, b) => a.seq - b.seq).map((x) =>
            e(x.seq, x.ev.type, x.ev.data as Record<string, unknown>)
          );
          const freshSeqs = events.map((x) => x.seq).filter((s) => isFresh(s));
          const before = fresh();
          before.platform = start.platform;
          before.userSeq = start.userSeq;
          // The resent events were applied when first stored (in the same store unit).
          for (const x of events) {
            const p = eventPatch(x);
            if (p !== null && !freshSeqs.includes(x.seq)) applySessionPatch(before, p, T0);
          }
          const plan = planBatch({
            batch: batch(events),
            fresh: freshSeqs,
            before,
            highSeq: 40,
            now: T0,
          });
          const want = applySessionPatch({ ...before }, plan.patch, T0);
          const got = applySessionPatch({ ...before }, { seen: T0, dropped: 0 }, T0);
          for (const x of events) {
            const p = eventPatch(x);
            if (p !== null && freshSeqs.includes(x.seq)) applySessionPatch(got, p, T0);
          }
          assert.deepEqual(got, want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("batch limits answer 422 before schema errors", () => {
    assert.match(batchLimitProblem({ events: new Array(101).fill({}) }, 100) ?? "", /100 events/);
    assert.match(
      batchLimitProblem({ events: [{ data: { x: "y".repeat(4100) } }] }, 5000) ?? "",
      /4096/,
    );
    assert.match(batchLimitProblem({}, 61441) ?? "", /61440/);
    assert.equal(batchLimitProblem({ events: "nope" }, 10), null);
    assert.equal(batchLimitProblem(null, 10), null);
  });
});
