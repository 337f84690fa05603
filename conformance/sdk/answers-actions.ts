/**
 * SDK checks of action tokens across session changes (SPEC §8.1, §8.6, §9.6): an action whose
 * batch is in flight when its session ends, and an action triggered before the session exists
 * while events are discarded.
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { T0, type World } from "./sim.ts";
import { batches, errorBody, scenario, type SdkContext } from "./util.ts";

const click = { type: "track", eventType: "interaction", data: { kind: "click" } } as const;
const login = { type: "trigger_action", actionType: "login", attributes: {} } as const;

/** The action token the service recorded for the (only) action event it stored. */
function recordedToken(w: World): string | undefined {
  for (const session of w.service.sessions.values()) {
    for (const [seq, e] of session.events) {
      if (e.type === "action") return session.actions.get(seq)?.action_token;
    }
  }
  return undefined;
}

/**
 * Runs the checks of actions across session changes.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await actionAnswerChecks({ run, client });
 * ```
 */
export async function actionAnswerChecks(ctx: SdkContext): Promise<void> {
  // The action's batch takes 3 s; meanwhile a secure token's signature fails (key lost, §9.8),
  // so its session ends and another is created before the batch is answered.
  await scenario(
    ctx,
    {
      seed: 112,
      secureSignFailures: 1,
      latency: (r) => r.purpose === "telemetry" ? 3_000 : 20,
    },
    (w) => {
      w.at(2_000, login);
      w.at(2_500, { type: "get_secure_token", actionType: "login" });
    },
    20_000,
    [
      [C["sdk.actions.session-end"], (t, w) => {
        const batch = t.need(batches(w)[0]?.sent.ended, "the action's batch answered");
        const second = t.need(w.sent("create")[1], "a create after the key was lost");
        t.ok(second.t < batch.t, "the new session was created before the batch was answered");
        const answer = w.waiters[0]?.answer;
        t.equal(
          answer?.value,
          { kind: "action", actionToken: recordedToken(w) },
          `the action's answer (${answer?.code ?? "resolved"})`,
        );
      }],
    ],
  );

  // No session for 3 s (config answered 503); max_queue_events 10: 12 clicks and an action
  // arrive meanwhile, so 3 clicks are discarded before the session exists.
  await scenario(
    ctx,
    {
      seed: 113,
      options: { maxQueueEvents: 10, actionWaitMs: 60_000 },
      answer: (r, _n, t) =>
        r.purpose === "config" && t < 3_000
          ? { status: 503, body: errorBody("ERR_UNAVAILABLE", T0 + t) }
          : "ok",
    },
    (w) => {
      for (let i = 0; i < 12; i++) w.at(100 + i, click);
      w.at(200, login);
    },
    70_000,
    [
      [C["sdk.actions.before-session"], (t, w) => {
        const first = t.need(w.sent("create")[0], "a create");
        t.ok(first.t >= T0 + 3_000, "the session was created after the action");
        const sent = batches(w).flatMap((b) => b.body.events);
        t.equal(sent.find((e) => e.type === "action")?.seq, 10, "the action's seq (§8.1)");
        const answer = w.waiters[0]?.answer;
        t.equal(
          answer?.value,
          { kind: "action", actionToken: recordedToken(w) },
          `the action's answer (${answer?.code ?? "resolved"})`,
        );
      }],
    ],
  );
}
