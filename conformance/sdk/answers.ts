/**
 * SDK checks of telemetry answers the ordinary scenarios never give: every permanent status
 * (SPEC §8.5), a flush right after an acknowledgement (§8.7), a user the service echoes while
 * events are queued (§9.10), and a nonce from a telemetry answer (§5.2). The session side is in
 * answers-auth.ts.
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { type Answer, T0 } from "./sim.ts";
import { batches, errorBody, scenario, type SdkContext } from "./util.ts";
import { authAnswerChecks, proof } from "./answers-auth.ts";
import { actionAnswerChecks } from "./answers-actions.ts";

const click = { type: "track", eventType: "interaction", data: { kind: "click" } } as const;

const PERMANENT = [
  [400, "ERR_INVALID_BODY"],
  [401, "ERR_TOKEN_INVALID"],
  [413, "ERR_BODY_TOO_LARGE"],
  [422, "ERR_BATCH_TOO_LARGE"],
] as const;

/**
 * Runs the checks of unusual answers.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await answerChecks({ run, client });
 * ```
 */
export async function answerChecks(ctx: SdkContext): Promise<void> {
  await authAnswerChecks(ctx);
  await actionAnswerChecks(ctx);
  // The first batch answered with each permanent status in turn, one world each.
  await scenario(
    ctx,
    PERMANENT.map(([status, code], i) => ({
      seed: 101 + i,
      answer: (r: { purpose: string }, _n: number, t: number): Answer =>
        r.purpose === "telemetry" && t < 3_000 ? { status, body: errorBody(code, T0 + t) } : "ok",
    })),
    (w) => {
      // Two clicks, then an action (flushed at once): the action is the batch's last event.
      for (let i = 0; i < 2; i++) w.at(2_000 + i, click);
      w.at(2_002, { type: "trigger_action", actionType: "login", attributes: {} });
      w.at(10_000, click);
      w.at(10_001, { type: "flush" });
    },
    30_000,
    [
      [C["sdk.telemetry.permanent-statuses"], (t, _w, all) => {
        all.forEach((w, i) => {
          const status = PERMANENT[i]![0];
          const first = t.need(batches(w)[0], `a batch (${status})`);
          const gone = new Set(first.body.events.map((e) => e.seq));
          const again = batches(w).slice(1).flatMap((b) => b.body.events.map((e) => e.seq))
            .filter((q) => gone.has(q));
          t.equal(again, [], `seqs of a batch answered ${status} sent again`);
          t.equal(gone.size, 3, `events of the batch answered ${status}`);
          const action = t.need(w.waiters[0]?.answer, `an answer to the action (${status})`);
          t.equal(action.code, "ERR_SERVICE", `the action whose event was answered ${status}`);
          t.equal(action.t, first.sent.ended?.t, `the action rejected with the ${status} answer`);
          const last = t.need(batches(w).at(-1), `a later batch (${status})`);
          t.ok(last !== first, `a batch after the one answered ${status}`);
          t.ok(
            last.body.dropped.total >= gone.size,
            `dropped.total ${last.body.dropped.total} after ${gone.size} events answered ${status}`,
          );
        });
      }],
    ],
  );

  // flush() twice: the second right after the first batch was acknowledged.
  await scenario(
    ctx,
    { seed: 105 },
    (w) => {
      w.at(2_000, click);
      w.at(2_001, { type: "flush" });
      w.at(2_100, click);
      w.at(2_101, { type: "flush" });
    },
    10_000,
    [
      [C["sdk.telemetry.flush-now"], (t, w) => {
        const at = batches(w).map((b) => b.sent.t - T0);
        t.ok(at.includes(2_001), `a batch when flush() was called at 2001 ms (batches at ${at})`);
        t.ok(at.includes(2_101), `a batch when flush() was called at 2101 ms (batches at ${at})`);
      }],
    ],
  );

  // The backend associates a user (the service echoes it) while 10 events are still queued; the
  // app then sets that same user.
  await scenario(
    ctx,
    { seed: 110 },
    (w) => {
      w.hook(1_000, (x) => {
        for (const session of x.service.sessions.values()) session.user = "u-srv";
      });
      for (let i = 0; i < 30; i++) w.at(2_000 + i, click);
      w.at(2_500, { type: "set_user", userId: "u-srv" });
      w.at(2_600, { type: "flush" });
    },
    10_000,
    [
      [C["sdk.user.adopt"], (t, w) => {
        const echo = t.need(
          batches(w).find((b) => (b.sent.ended?.body as { user_id?: unknown })?.user_id),
          "a batch answered with the service's user",
        );
        t.ok(echo.sent.ended!.t < T0 + 2_500, "the echo came before the app set the user");
        t.equal(w.waiters[0]?.answer?.value, { kind: "done", changed: false }, "set_user's answer");
        const ids = batches(w).flatMap((b) => b.body.events.filter((e) => e.type === "identify"));
        t.equal(ids.map((e) => e.data), [], "identify events for the echoed user");
      }],
    ],
  );

  // max_queue_events 10: 5 clicks are discarded while 10 are in flight; at shutdown only the
  // drop count is left to report (an empty batch), and it takes 1 s to answer.
  await scenario(
    ctx,
    {
      seed: 111,
      options: { maxQueueEvents: 10 },
      latency: (r) => r.purpose === "telemetry" ? 1_000 : 20,
    },
    (w) => {
      for (let i = 0; i < 10; i++) w.at(2_000 + i, click);
      w.at(2_010, { type: "flush" });
      for (let i = 0; i < 5; i++) w.at(2_100 + i, click);
      w.at(4_000, { type: "shutdown" });
    },
    10_000,
    [
      [C["sdk.lifecycle.shutdown-waits"], (t, w) => {
        const last = t.need(batches(w).at(-1), "a final batch");
        t.equal(last.body.events.length, 0, "events of the final batch (only drops to report)");
        t.equal(last.body.dropped.total, 5, "its dropped.total");
        const answered = t.need(last.sent.ended, "the final batch's answer");
        const shutdown = t.need(w.waiters.find((x) => x.type === "shutdown")?.answer, "shutdown");
        t.ok(
          shutdown.t >= answered.t,
          `shutdown resolved ${answered.t - shutdown.t} ms before its final batch was answered`,
        );
      }],
    ],
  );

  // A telemetry answer carries a 128-character nonce; the refresh comes later.
  const long = `n${"7".repeat(127)}`;
  await scenario(
    ctx,
    {
      seed: 109,
      answer: (r) =>
        r.purpose === "telemetry"
          ? { map: (res) => ({ ...res, body: { ...res.body as object, nonce: long } }) }
          : "ok",
    },
    (w) => {
      w.at(2_000, click);
      w.at(2_001, { type: "flush" });
    },
    800_000,
    [
      [C["sdk.nonce.latest"], (t, w) => {
        const acked = t.need(batches(w)[0]?.sent.ended, "an answered batch");
        const refresh = t.need(
          w.sent("refresh").find((s) => s.t > acked.t),
          "a refresh after it",
        );
        t.equal(proof(refresh).nonce, long, "the refresh proof's nonce (the telemetry answer's)");
      }],
    ],
  );
}
