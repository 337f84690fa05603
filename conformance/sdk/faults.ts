/**
 * SDK checks of telemetry under faults (SPEC §8.4, §8.5, §8.7): no event silently lost, resends
 * identical, permanent rejections counted and never resent, eviction by priority, page-hide
 * beacons.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { SDK_CHECKS as C } from "./checks.ts";
import { type Answer, T0, type World } from "./sim.ts";
import { batches, errorBody, scenario, type SdkContext, type SentEvent } from "./util.ts";

const click = { type: "track", eventType: "interaction", data: { kind: "click" } } as const;

/** Seqs of events in batches sent after time `after` (local ms). */
function seqsAfter(w: World, after: number): number[] {
  return batches(w).filter((b) => b.sent.t > after).flatMap((b) => b.body.events.map((e) => e.seq));
}

/** Resent events must be identical to their first sending. */
function stableResend(t: Assert, w: World): void {
  const first = new Map<number, string>();
  for (const b of batches(w)) {
    for (const e of b.body.events) {
      const json = JSON.stringify([e.seq, e.time_ms, e.type, e.data]);
      const seen = first.get(e.seq);
      if (seen === undefined) first.set(e.seq, json);
      else t.equal(json, seen, `seq ${e.seq} resent`);
    }
  }
}

/**
 * Runs the telemetry fault checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await faultChecks({ run, client });
 * ```
 */
export async function faultChecks(ctx: SdkContext): Promise<void> {
  // Every kind of fault for two minutes, then a healthy service.
  const faults: Answer[] = [
    "ok",
    "fail_before",
    "fail_after",
    { status: 503, body: errorBody("ERR_INTERNAL", T0) },
    "fail_after",
    { status: 422, body: errorBody("ERR_BATCH_TOO_LARGE", T0) },
    { status: 429, body: errorBody("ERR_RATE_LIMITED", T0), retryAfter: 2 },
  ];
  const faulty = [61, 62, 63].map((seed) => ({
    seed,
    answer: (r: { purpose: string }, n: number, t: number): Answer =>
      r.purpose === "telemetry" && t < 120_000 ? faults[(n * 3 + seed) % faults.length]! : "ok",
  }));
  await scenario(
    ctx,
    faulty,
    (w) => {
      for (let i = 0; i < 150; i++) {
        const kind = i % 5 === 0 ? "page" : "interaction";
        w.at(1_000 + i * 650 + (i % 7) * 13, {
          type: "track",
          eventType: kind,
          data: kind === "page" ? { kind: "show" } : { kind: "click", n: i },
        });
      }
      w.at(150_000, click);
      w.at(150_001, { type: "flush" });
    },
    200_000,
    [
      [C["sdk.telemetry.no-loss"], (t, _w, all) => {
        for (const w of all) {
          const session = t.need([...w.service.sessions.values()][0], "a session at the service");
          const rejected = new Set(
            batches(w).filter((b) => b.sent.ended?.status === 422)
              .flatMap((b) => b.body.events.map((e) => e.seq)),
          );
          t.ok(rejected.size > 0, "the scenario had batches answered 422");
          const lost = [];
          for (let seq = 1; seq <= 151; seq++) {
            if (!session.events.has(seq) && !rejected.has(seq)) lost.push(seq);
          }
          t.equal(lost, [], "seqs neither stored nor discarded by a 422");
          t.equal(session.dropped, rejected.size, "dropped.total (each discarded event once)");
        }
      }],
      [C["sdk.telemetry.stable-resend"], (t, _w, all) => all.forEach((w) => stableResend(t, w))],
    ],
  );

  // The first batch is answered 422.
  await scenario(
    ctx,
    {
      seed: 64,
      answer: (r, _n, t) =>
        r.purpose === "telemetry" && t < 3_000
          ? { status: 422, body: errorBody("ERR_BATCH_TOO_LARGE", T0 + t) }
          : "ok",
    },
    (w) => {
      for (let i = 0; i < 3; i++) w.at(2_000 + i, click);
      w.at(2_010, { type: "flush" });
      w.at(10_000, click);
      w.at(10_001, { type: "flush" });
    },
    30_000,
    [
      [C["sdk.telemetry.permanent-reject"], (t, w) => {
        const first = t.need(batches(w)[0], "a batch");
        const rejected = first.body.events.map((e) => e.seq);
        const later = seqsAfter(w, first.sent.t);
        t.ok(
          rejected.every((s) => !later.includes(s)),
          `rejected seqs ${rejected} were sent again`,
        );
        const last = t.need(batches(w).at(-1), "a later batch");
        t.ok(
          last.body.dropped.total >= rejected.length,
          `dropped.total ${last.body.dropped.total}`,
        );
      }],
    ],
  );

  // A queue of 10 events while the service is unreachable: 3 page events, then 12 clicks.
  await scenario(
    ctx,
    {
      seed: 71,
      options: { maxQueueEvents: 10 },
      answer: (r, _n, t) => r.purpose === "telemetry" && t < 20_000 ? "fail_before" : "ok",
    },
    (w) => {
      for (let i = 0; i < 3; i++) {
        w.at(2_000 + i, { type: "track", eventType: "page", data: { kind: "show" } });
      }
      for (let i = 0; i < 12; i++) w.at(2_010 + i, click);
    },
    120_000,
    [
      [C["sdk.telemetry.eviction"], (t, w) => {
        const session = t.need([...w.service.sessions.values()][0], "a session at the service");
        t.equal([...session.events.keys()].sort((a, b) => a - b), [
          1,
          2,
          3,
          9,
          10,
          11,
          12,
          13,
          14,
          15,
        ], "stored seqs");
        const last = t.need(batches(w).at(-1), "a batch");
        t.equal(last.body.dropped, { total: 5, by_priority: { "1": 5 } }, "dropped");
      }],
    ],
  );

  await scenario(
    ctx,
    { seed: 81 },
    (w) => {
      for (let i = 0; i < 5; i++) w.at(2_000 + i, click);
      w.at(2_100, { type: "page_hide" });
    },
    30_000,
    [
      [C["sdk.telemetry.beacon"], (t, w) => {
        const b = t.need(w.beacons[0], "a beacon");
        const bytes = new TextEncoder().encode(b.request.body ?? "").length;
        t.ok(bytes <= 61440, `beacon of ${bytes} bytes`);
        const body = JSON.parse(b.request.body ?? "null");
        t.wire("TelemetryBatch", body, "beacon body");
        t.equal(body.events.map((e: SentEvent) => e.seq), [1, 2, 3, 4, 5], "beacon seqs");
        const later = seqsAfter(w, b.t - 1);
        t.ok(
          [1, 2, 3, 4, 5].every((s) => later.includes(s)),
          "the events are still sent as a batch",
        );
      }],
    ],
  );
}
