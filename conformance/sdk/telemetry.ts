/**
 * SDK checks of telemetry (SPEC §8): batch shape, seq, flush triggers, one batch in flight,
 * acknowledgement handling, resends, loss and drop accounting under faults, eviction, beacons.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { SDK_CHECKS as C } from "./checks.ts";
import { type Answer, T0, type World } from "./sim.ts";
import {
  backoffCeiling,
  batches,
  errorBody,
  issuedTokens,
  maxInFlight,
  scenario,
  type SdkContext,
  type SentEvent,
} from "./util.ts";

const click = { type: "track", eventType: "interaction", data: { kind: "click" } } as const;

/** Seqs of events in batches sent after time `after` (local ms). */
function seqsAfter(w: World, after: number): number[] {
  return batches(w).filter((b) => b.sent.t > after).flatMap((b) => b.body.events.map((e) => e.seq));
}

/** Acknowledged events must never be sent again (judged on any scenario). */
function ackedNotResent(t: Assert, w: World): void {
  const acked = new Set<number>();
  for (const b of batches(w)) {
    for (const e of b.body.events) t.ok(!acked.has(e.seq), `seq ${e.seq} sent again after its ack`);
    const ack = b.sent.ended?.body as { acked_seq?: number } | undefined;
    const max = Math.max(...b.body.events.map((e) => e.seq));
    if (b.sent.ended?.status === 200 && ack?.acked_seq === max) {
      for (const e of b.body.events) acked.add(e.seq);
    }
  }
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
 * Runs the telemetry checks.
 *
 * @example
 * ```ts
 * await telemetryChecks({ run, client });
 * ```
 */
export async function telemetryChecks(ctx: SdkContext): Promise<void> {
  await scenario(
    ctx,
    { seed: 51 },
    (w) => {
      for (let i = 0; i < 45; i++) w.at(2_000 + i * 10, click);
      w.at(30_000, click);
    },
    60_000,
    [
      [C["sdk.telemetry.batch"], (t, w) => {
        const session = t.need(issuedTokens(w)[0], "a session");
        const tokens = new Set(issuedTokens(w).map((x) => x.token));
        const all = batches(w);
        t.ok(all.length >= 3, `batches were sent (${all.length})`);
        for (const b of all) {
          t.wire("TelemetryBatch", b.body, "batch");
          t.equal(b.body.session_id, session.sid, "session_id");
          t.ok(tokens.has(b.body.session_token), "session_token is a token of the session");
          t.between(b.body.events.length, 1, 100, "events per batch");
          const seqs = b.body.events.map((e) => e.seq);
          t.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), `seqs increase: ${seqs}`);
        }
      }],
      [C["sdk.telemetry.seq"], (t, w) => {
        const seqs = [...new Set(batches(w).flatMap((b) => b.body.events.map((e) => e.seq)))];
        t.equal(seqs, Array.from({ length: 46 }, (_, i) => i + 1), "seqs of the 46 events");
      }],
      [C["sdk.telemetry.flush-count"], (t, w) => {
        const first = t.need(batches(w)[0], "a batch");
        const twentieth = T0 + 2_000 + 19 * 10;
        t.between(
          first.sent.t - T0,
          twentieth - T0,
          twentieth - T0 + 50,
          "first batch sent at (ms)",
        );
        t.ok(
          first.body.events.length >= 20,
          `it carries the 20 events (${first.body.events.length})`,
        );
      }],
      [C["sdk.telemetry.flush-interval"], (t, w) => {
        const b = t.need(batches(w).find((x) => x.body.events.some((e) => e.seq === 46)), "seq 46");
        t.between(b.sent.t - T0, 35_000, 35_100, "sent at (ms), tracked at 30000, interval 5000");
      }],
      [C["sdk.telemetry.one-in-flight"], (t, w) => {
        t.equal(maxInFlight(w.sent("telemetry")), 1, "most batches in flight at once");
      }],
    ],
  );

  // The first batch is answered with acked_seq one below its largest seq.
  await scenario(
    ctx,
    {
      seed: 52,
      answer: (r, _n, t) =>
        r.purpose === "telemetry" && t < 3_000
          ? {
            map: (res) => {
              const body = res.body as { acked_seq: number };
              return { ...res, body: { ...body, acked_seq: body.acked_seq - 1 } };
            },
          }
          : "ok",
    },
    (w) => {
      for (let i = 0; i < 3; i++) w.at(2_000 + i, click);
      w.at(2_010, { type: "flush" });
    },
    30_000,
    [
      [C["sdk.telemetry.ack-mismatch"], (t, w) => {
        const [first, second] = batches(w);
        t.ok(first !== undefined && second !== undefined, "the batch is sent again");
        const seqs = (b: typeof first) => b.body.events.map((e: SentEvent) => e.seq);
        t.ok(
          seqs(first).every((s) => seqs(second).includes(s)),
          "the resend carries the same seqs",
        );
        t.ok(w.waiters[0]?.answer?.value !== undefined, "flush resolves once acknowledged");
      }],
      [C["sdk.telemetry.acked-not-resent"], ackedNotResent],
    ],
  );

  // Batches fail five times in a row (network), then succeed.
  await scenario(
    ctx,
    {
      seed: 53,
      answer: (r, _n, t) => r.purpose === "telemetry" && t < 40_000 ? "fail_before" : "ok",
    },
    (w) => {
      w.at(2_000, click);
      w.at(2_001, { type: "flush" });
    },
    90_000,
    [
      [C["sdk.backoff.telemetry"], (t, w) => {
        // At least the backoff; at most the later of the backoff's ceiling and the flush trigger
        // that is due anyway (the event's flush interval): SPEC §8.5, §8.7, §9.5.
        const sent = w.sent("telemetry");
        t.ok(sent.length >= 5, `retries (${sent.length})`);
        const intervalDue = T0 + 2_000 + 5_000;
        for (let i = 0; i + 1 < sent.length && sent[i]!.ended?.status === null; i++) {
          const failed = sent[i]!.ended!.t;
          const d = sent[i + 1]!.t - failed;
          const hi = Math.max(backoffCeiling(i + 1), intervalDue - failed) + 50;
          t.between(d, 250, hi, `delay after failure ${i + 1}`);
        }
      }],
    ],
  );

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
