/**
 * SDK checks of recovery: a session the service ended (SPEC §9.6), a key it no longer accepts
 * (§9.8), a stale nonce (§6.1).
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { fakeKey, T0, World } from "./sim.ts";
import { errorBody, issuedTokens, payloadOf, scenario, type SdkContext } from "./util.ts";

/**
 * Runs the recovery checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await recoveryChecks({ run, client });
 * ```
 */
export async function recoveryChecks(ctx: SdkContext): Promise<void> {
  // The first refresh answered ERR_SESSION_ENDED; a token request afterwards.
  await scenario(
    ctx,
    {
      seed: 14,
      answer: (r, _n, t) =>
        r.purpose === "refresh" && t < 800_000
          ? { status: 410, body: errorBody("ERR_SESSION_ENDED", T0 + t) }
          : "ok",
    },
    (w) => w.at(800_000, { type: "get_token" }),
    801_000,
    [
      [C["sdk.lifetime.ended"], (t, w) => {
        const ended = t.need(w.sent("refresh")[0]?.ended, "a refresh answer");
        const create = t.need(
          w.sent("create").find((s) => s.t >= ended.t),
          "a create after ERR_SESSION_ENDED",
        );
        t.ok(
          create.t - ended.t <= 2_000,
          `the create starts at once (after ${create.t - ended.t} ms)`,
        );
        const first = issuedTokens(w)[0]!;
        const got = t.need(
          payloadOf(w.waiters[0]?.answer?.value?.token),
          "a token for the request",
        );
        t.ok(got.sub !== first.sid, "the token is of the new session");
      }],
    ],
  );

  // The first refresh answered ERR_KEY_MISMATCH.
  await scenario(
    ctx,
    {
      seed: 15,
      answer: (r, _n, t) =>
        r.purpose === "refresh" && t < 800_000
          ? { status: 401, body: errorBody("ERR_KEY_MISMATCH", T0 + t) }
          : "ok",
    },
    () => {},
    800_000,
    [
      [C["sdk.keys.mismatch"], (t, w) => {
        const ended = t.need(w.sent("refresh")[0]?.ended, "a refresh answer");
        const regenerated = w.steps.some((s) =>
          s.t >= ended.t && s.effects.some((e) => e.type === "generate_key")
        );
        t.ok(regenerated, "a generate_key effect follows");
        const create = t.need(w.sent("create").find((s) => s.t >= ended.t), "a create after it");
        t.equal(JSON.parse(create.request.body ?? "{}").key_event, "lost", "key_event");
        const proof = w.signs.find((s) => World.tokenOf(s) === create.request.headers["ds-proof"]);
        t.equal(
          proof?.header.jwk,
          (fakeKey(2) as { jwk: unknown }).jwk,
          "the proof's jwk (the new key)",
        );
      }],
    ],
  );

  // A create answered ERR_NONCE_INVALID with a fresh nonce in its details.
  let fresh = "";
  await scenario(
    ctx,
    {
      seed: 16,
      answer: (r, _n, t) => {
        if (r.purpose !== "create" || fresh !== "") return "ok";
        fresh = `n${Math.floor((T0 + t) / 1000)}`;
        return {
          status: 401,
          body: errorBody("ERR_NONCE_INVALID", T0 + t, { nonce: fresh }),
        };
      },
    },
    () => {},
    5_000,
    [
      [C["sdk.nonce.retry"], (t, w) => {
        const ended = t.need(w.sent("create")[0]?.ended, "an answer to the first create");
        const second = t.need(w.sent("create")[1], "a second create");
        t.ok(second.t - ended.t <= 1_100, `retried at once (after ${second.t - ended.t} ms)`);
        const sign = w.signs.find((s) => World.tokenOf(s) === second.request.headers["ds-proof"]);
        t.equal(sign?.payload.nonce, fresh, "the retry's proof nonce");
      }],
    ],
  );
}
