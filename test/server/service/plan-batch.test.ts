// planBatch (core/service/telemetry.ts) tells fresh events by one merge walk when the store's
// fresh seqs and the batch's events are ascending: it must plan exactly as the Set it replaced,
// for any batch and any answer of a store (ascending or not).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type BatchPlan, planBatch } from "../../../core/service/telemetry.ts";
import type { SessionPatch, SessionRecord } from "../../../core/service/session.ts";
import type { TelemetryBatch, TelemetryEvent } from "../../../core/wire/telemetry.ts";

type PlannedAction = BatchPlan["actions"][number];

/** planBatch as it was: fresh seqs in a Set, the patch spread together. */
function reference(o: {
  readonly batch: TelemetryBatch;
  readonly fresh: readonly number[];
  readonly before: SessionRecord;
  readonly highSeq: number;
  readonly now: number;
}): BatchPlan {
  const fresh = new Set(o.fresh);
  let user = o.before.userId;
  let userSeq = o.before.userSeq;
  let interactions = o.before.interactions;
  let automation = o.before.automation;
  let platform = o.before.platform;
  let newInteractions = 0;
  let newAutomation = false;
  let newPlatform: string | undefined;
  let userChange: { id: string | null; seq: number } | undefined;
  const usersSet: string[] = [];
  const actions: PlannedAction[] = [];
  // Events are in increasing seq order (schema-checked), so a running state gives each action
  // the facts as they stood when it was enqueued.
  for (const e of o.batch.events) {
    const isFresh = fresh.has(e.seq);
    switch (e.type) {
      case "interaction":
        if (isFresh) {
          interactions++;
          newInteractions++;
        }
        break;
      case "device": {
        if (e.data.automation === true) {
          automation = true;
          if (isFresh) newAutomation = true;
        }
        const p = e.data.platform;
        if (typeof p === "string" && platform === null) {
          platform = p.slice(0, 32);
          if (isFresh) newPlatform = platform;
        }
        break;
      }
      case "identify": {
        const id = e.data.user_id as string | null;
        if (isFresh && e.seq > userSeq) {
          user = id;
          userSeq = e.seq;
          userChange = { id, seq: e.seq };
        }
        // Resent too: linking is idempotent, and resending is how a link that failed after
        // the batch's seqs were stored gets made.
        if (id !== null && !usersSet.includes(id)) usersSet.push(id);
        break;
      }
      case "action":
        actions.push({
          seq: e.seq,
          event: e,
          userId: user,
          interactionsBefore: interactions,
          automation,
          platform,
        });
        break;
      case "page":
        break;
    }
  }
  const lastSeq = o.batch.events.length ? o.batch.events[o.batch.events.length - 1]!.seq : 0;
  const patch: SessionPatch = {
    seen: o.now,
    dropped: o.batch.dropped.total,
    ...(newInteractions > 0 ? { interactions: newInteractions } : {}),
    ...(newAutomation ? { automation: true } : {}),
    ...(newPlatform !== undefined ? { platform: newPlatform } : {}),
    ...(userChange !== undefined ? { user: userChange } : {}),
  };
  // An empty batch (a drop counter alone) acknowledges everything stored so far (SPEC §8.5).
  return { patch, ackedSeq: lastSeq === 0 ? o.highSeq : lastSeq, actions, usersSet };
}

const event = fc.record({
  type: fc.constantFrom("interaction", "device", "identify", "action", "page"),
  data: fc.record({
    automation: fc.boolean(),
    platform: fc.option(fc.constantFrom("browser", "ios", "a".repeat(40)), { nil: undefined }),
    user_id: fc.option(fc.constantFrom("u1", "u2"), { nil: null }),
    action_type: fc.constant("login"),
  }),
});

const input = fc.tuple(
  fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 25 }),
  fc.array(event, { minLength: 25, maxLength: 25 }),
  fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }),
  fc.constantFrom("ascending", "descending", "as drawn"),
  fc.boolean(),
  fc.record({
    userId: fc.option(fc.constantFrom("u0", "u1"), { nil: null }),
    userSeq: fc.integer({ min: 0, max: 60 }),
    interactions: fc.nat(5),
    automation: fc.boolean(),
    platform: fc.option(fc.constantFrom("browser", "ios"), { nil: null }),
  }),
);

describe("planBatch", () => {
  it("plans as the Set of fresh seqs did, whatever order the store answers in", () => {
    fc.assert(
      fc.property(input, ([seqs, kinds, freshDrawn, order, sortedEvents, before]) => {
        const ordered = sortedEvents ? [...seqs].sort((a, b) => a - b) : seqs;
        const events: TelemetryEvent[] = ordered.map((seq, i) => ({
          seq,
          time_ms: 0,
          type: kinds[i]!.type as TelemetryEvent["type"],
          data: kinds[i]!.data,
        }));
        const fresh = order === "ascending"
          ? [...freshDrawn].sort((a, b) => a - b)
          : order === "descending"
          ? [...freshDrawn].sort((a, b) => b - a)
          : freshDrawn;
        const o = {
          batch: {
            ver: 1,
            client_id: "c",
            session_id: "s",
            session_token: "a.b.c",
            events,
            dropped: { total: 3, by_priority: {} },
            sent_at_ms: 0,
          } as TelemetryBatch,
          fresh,
          before: before as unknown as SessionRecord,
          highSeq: 61,
          now: 1795000000,
        };
        const got = planBatch(o);
        const want = reference(o);
        assert.deepEqual(got, want);
        // The same members in the same order (a store may serialize the patch).
        assert.deepEqual(Object.keys(got.patch), Object.keys(want.patch));
      }),
      { numRuns: 1000 },
    );
  });
});
