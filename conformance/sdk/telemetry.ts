/**
 * SDK checks of telemetry (SPEC §8): batch shape, seq, flush triggers, one batch in flight,
 * acknowledgement handling, backoff of failed batches (faults.ts has the rest).
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { SDK_CHECKS as C } from "./checks.ts";
import { T0, type World } from "./sim.ts";
import {
  backoffCeiling,
  batches,
  issuedTokens,
  maxInFlight,
  scenario,
  type SdkContext,
  type SentEvent,
} from "./util.ts";

const click = { type: "track", eventType: "interaction", data: { kind: "click" } } as const;

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

/**
 * Runs the telemetry checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
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

  // A queued event, then a token request; another, then a secure token request.
  await scenario(
    ctx,
    { seed: 54 },
    (w) => {
      w.at(2_000, click);
      w.at(2_500, { type: "get_token" });
      w.at(3_500, click);
      w.at(4_000, { type: "get_secure_token", actionType: "login" });
    },
    6_000,
    [
      [C["sdk.telemetry.flush-on-token"], (t, w) => {
        const at = batches(w).map((b) => [b.sent.t - T0, b.body.events.map((e) => e.seq)]);
        const sentBy = (seq: number, ms: number) =>
          batches(w).some((b) => b.sent.t - T0 <= ms && b.body.events.some((e) => e.seq === seq));
        t.ok(
          sentBy(1, 2_550),
          `seq 1 flushed by the token request at 2500 ms (batches ${JSON.stringify(at)})`,
        );
        t.ok(
          sentBy(2, 4_050),
          `seq 2 flushed by the secure token request at 4000 ms (batches ${JSON.stringify(at)})`,
        );
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
}
