/**
 * SDK checks at the edges of the rules (SPEC §8.5, §8.7, §9.5): Retry-After at and above its
 * 300 s cap, Retry-After on telemetry, an acknowledgement above the batch, and the page-hide
 * beacon's byte budget with more queued than fits, in multi-byte UTF-8.
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { type Answer, T0, type World } from "./sim.ts";
import { batches, errorBody, scenario, type SdkContext, type SentEvent } from "./util.ts";

const down = { status: 503, body: errorBody("ERR_INTERNAL", T0) };
const BEACON_BUDGET = 61440;
const utf8 = (s: string): number => new TextEncoder().encode(s).length;

/** Answers the first request of `purpose` with `first`, the rest normally. */
function firstOf(purpose: string, first: Answer) {
  let seen = 0;
  return (r: { purpose: string }): Answer => (r.purpose === purpose && seen++ === 0 ? first : "ok");
}

/** Time from the end of the first failed request of `purpose` to the next one, ms. */
function firstRetry(w: World, purpose: "create" | "telemetry"): number | undefined {
  const sent = w.sent(purpose);
  const ended = sent[0]?.ended;
  return ended === undefined || sent[1] === undefined ? undefined : sent[1].t - ended.t;
}

/**
 * Runs the edge checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await edgeChecks({ client, run });
 * ```
 */
export async function edgeChecks(ctx: SdkContext): Promise<void> {
  await scenario(
    ctx,
    [
      { seed: 47, answer: firstOf("create", { ...down, retryAfter: 300 }) },
      { seed: 48, answer: firstOf("create", { ...down, retryAfter: 600 }) },
    ],
    () => {},
    700_000,
    [
      [C["sdk.backoff.retry-after-cap"], (t, _w, all) => {
        const [at, above] = all.map((w) => firstRetry(w, "create"));
        t.ok(at !== undefined && at >= 300_000, `retried after ${at} ms with Retry-After: 300`);
        t.ok(
          above !== undefined && above >= 300_000 && above <= 301_000,
          `retried after ${above} ms with Retry-After: 600 (the cap is 300 s)`,
        );
      }],
    ],
  );

  await scenario(
    ctx,
    { seed: 49, answer: firstOf("telemetry", { ...down, retryAfter: 30 }) },
    (w) => {
      w.at(2_000, { type: "track", eventType: "interaction", data: { kind: "click" } });
      w.at(2_001, { type: "flush" });
    },
    90_000,
    [
      [C["sdk.backoff.telemetry-retry-after"], (t, w) => {
        const d = firstRetry(w, "telemetry");
        t.ok(d !== undefined && d >= 30_000, `batch resent ${d} ms after Retry-After: 30`);
      }],
    ],
  );

  // The first batch is answered with acked_seq one above its largest seq.
  await scenario(
    ctx,
    {
      seed: 54,
      answer: (r, _n, t) =>
        r.purpose === "telemetry" && t < 3_000
          ? {
            map: (res) => {
              const body = res.body as { acked_seq: number; high_seq: number };
              return { ...res, body: { ...body, acked_seq: body.acked_seq + 1 } };
            },
          }
          : "ok",
    },
    (w) => {
      for (let i = 0; i < 3; i++) {
        w.at(2_000 + i, { type: "track", eventType: "interaction", data: { kind: "click" } });
      }
      w.at(2_010, { type: "flush" });
    },
    30_000,
    [
      [C["sdk.telemetry.ack-above"], (t, w) => {
        const [first, second] = batches(w);
        t.ok(first !== undefined && second !== undefined, "the batch is sent again");
        const seqs = (b: typeof first) => b.body.events.map((e: SentEvent) => e.seq);
        t.equal(seqs(second), seqs(first), "the resend carries the same seqs");
      }],
    ],
  );

  // More queued than a beacon can carry: 20 interactions of ~3 kB of 2-byte characters, then
  // two page events (priority 2); batches hang, so everything is still queued at page hide.
  await scenario(
    ctx,
    { seed: 82, answer: (r) => (r.purpose === "telemetry" ? "hang" : "ok") },
    (w) => {
      for (let i = 0; i < 20; i++) {
        w.at(2_000 + i, {
          type: "track",
          eventType: "interaction",
          data: { kind: "click", pad: "é".repeat(1500) },
        });
      }
      w.at(2_100, { type: "track", eventType: "page", data: { kind: "show" } });
      w.at(2_101, { type: "track", eventType: "page", data: { kind: "hide" } });
      w.at(2_200, { type: "page_hide" });
    },
    10_000,
    [
      [C["sdk.telemetry.beacon-budget"], (t, w) => {
        const b = t.need(w.beacons[0], "a beacon");
        const text = b.request.body ?? "";
        t.ok(utf8(text) <= BEACON_BUDGET, `beacon of ${utf8(text)} bytes (UTF-8)`);
        const body = JSON.parse(text);
        t.wire("TelemetryBatch", body, "beacon body");
        const events = body.events as SentEvent[];
        const seqs = events.map((e) => e.seq);
        t.equal(seqs, [...seqs].sort((a, b) => a - b), "beacon events in seq order");
        t.ok(seqs.includes(21) && seqs.includes(22), `the page events first (got ${seqs})`);
        const clicks = seqs.filter((s) => s <= 20);
        t.equal(clicks, clicks.map((_, i) => i + 1), "then the oldest interactions");
        const next = JSON.stringify({
          seq: 99,
          time_ms: T0,
          type: "interaction",
          data: events[0]?.data,
        });
        t.ok(
          clicks.length === 20 || utf8(text) + utf8(next) + 1 > BEACON_BUDGET,
          `as many as fit: ${clicks.length} interactions in ${utf8(text)} bytes`,
        );
      }],
    ],
  );
}
