// planBatch (core/service/telemetry.ts) tells fresh events by one merge walk when the store's
// fresh seqs and the batch's events are ascending, and by a Set otherwise: the two must plan
// alike, for any batch and any answer of a store (ascending or not).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type BatchPlan, planBatch } from "../../../core/service/telemetry.ts";
import type { SessionRecord } from "../../../core/service/session.ts";
import type { TelemetryBatch, TelemetryEvent } from "../../../core/wire/telemetry.ts";

/**
 * planBatch on its other path: fresh seqs that are not ascending (descending, then 0, which no
 * event has) go to the Set it tells fresh events by otherwise. The merge walk must plan the same.
 */
function throughSet(o: Parameters<typeof planBatch>[0]): BatchPlan {
  return planBatch({ ...o, fresh: [...o.fresh].sort((a, b) => b - a).concat(0) });
}

/** The patch's members in the order a store has always seen them. */
const PATCH_ORDER = ["seen", "dropped", "interactions", "automation", "platform", "user"];

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
        assert.deepEqual(got, throughSet(o));
        // The members in their order of old (a store may serialize the patch).
        const keys = Object.keys(got.patch);
        assert.deepEqual(keys, PATCH_ORDER.filter((k) => keys.includes(k)));
      }),
      { numRuns: 1000 },
    );
  });
});
