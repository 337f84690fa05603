/**
 * SDK checks of answers the ordinary scenarios never give: every permanent telemetry status
 * (SPEC §8.5), a flush right after an acknowledgement (§8.7), a create answered with an invalid
 * body or a nonce error without a nonce (§6.2, §9.5), a failing key store (§9.8), a session that
 * idles out while its refresh is in flight (§9.6), a user the service echoes while events are
 * queued (§9.10), and a nonce from a telemetry answer (§5.2).
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { SDK_CHECKS as C } from "./checks.ts";
import { type Answer, type SentRecord, T0, type World } from "./sim.ts";
import { batches, errorBody, issuedTokens, payloadOf, scenario, type SdkContext } from "./util.ts";

const click = { type: "track", eventType: "interaction", data: { kind: "click" } } as const;

const PERMANENT = [
  [400, "ERR_INVALID_BODY"],
  [401, "ERR_TOKEN_INVALID"],
  [413, "ERR_BODY_TOO_LARGE"],
  [422, "ERR_BATCH_TOO_LARGE"],
] as const;

/** The proof claims of a create or refresh request. */
const proof = (s: SentRecord) => payloadOf(s.request.headers["ds-proof"]) ?? {};

/** Every nonce the service handed out (config, answers, error details), in order. */
function issuedNonces(w: World): unknown[] {
  return w.sends.flatMap((s) => {
    const b = s.ended?.body as { nonce?: unknown; details?: { nonce?: unknown } } | undefined;
    return [b?.nonce, b?.details?.nonce].filter((n) => typeof n === "string");
  });
}

/** The gap between the end of `a` and the start of `b`, checked against the 250 ms floor. */
function backedOff(t: Assert, a: SentRecord | undefined, b: SentRecord | undefined, what: string) {
  const ended = t.need(a?.ended, `the answer to ${what}`);
  const next = t.need(b, `a retry after ${what}`);
  t.ok(next.t - ended.t >= 250, `retry ${next.t - ended.t} ms after ${what} (floor 250)`);
}

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
  // The first batch answered with each permanent status in turn, one world each.
  await scenario(
    ctx,
    PERMANENT.map(([status, code], i) => ({
      seed: 101 + i,
      answer: (r: { purpose: string }, _n: number, t: number): Answer =>
        r.purpose === "telemetry" && t < 3_000 ? { status, body: errorBody(code, T0 + t) } : "ok",
    })),
    (w) => {
      for (let i = 0; i < 3; i++) w.at(2_000 + i, click);
      w.at(2_010, { type: "flush" });
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

  // Create 1 answered 201 with a body that is no create answer; create 2 ERR_NONCE_INVALID
  // without a fresh nonce; create 3 as the service answers it.
  let creates = 0;
  await scenario(
    ctx,
    {
      seed: 106,
      answer: (r, _n, t) => {
        if (r.purpose !== "create") return "ok";
        creates++;
        if (creates === 1) return { status: 201, body: { time: Math.floor((T0 + t) / 1000) } };
        if (creates === 2) return { status: 401, body: errorBody("ERR_NONCE_INVALID", T0 + t) };
        return "ok";
      },
    },
    (w) => w.at(10, { type: "get_token" }),
    20_000,
    [
      [C["sdk.lifecycle.create-invalid"], (t, w) => {
        const [first, second] = w.sent("create");
        backedOff(t, first, second, "a 201 without a create answer");
        const token = w.waiters[0]?.answer?.value?.token;
        t.ok(
          issuedTokens(w).some((x) => x.token === token),
          `the token handed out was issued by a valid answer: ${w.waiters[0]?.answer?.code}`,
        );
      }],
      [C["sdk.nonce.missing"], (t, w) => {
        const [, second, third] = w.sent("create");
        backedOff(t, second, third, "ERR_NONCE_INVALID without a nonce");
        const nonce = proof(t.need(third, "a third create")).nonce;
        t.ok(issuedNonces(w).includes(nonce), `the retry's nonce ${nonce} was issued`);
      }],
    ],
  );

  // The key store fails three times.
  await scenario(
    ctx,
    { seed: 107, keyFailures: 3 },
    (w) => w.at(15_000, { type: "get_token" }),
    30_000,
    [
      [C["sdk.keys.store-failure"], (t, w) => {
        const asks = w.steps.filter((s) =>
          s.effects.some((e) => e.type === "load_key" || e.type === "generate_key")
        );
        const fails = w.steps.filter((s) => s.input.type === "key_failed");
        t.equal(fails.length, 3, "key_failed inputs");
        t.equal(asks.length, 4, "key store operations (one at a time, again after each failure)");
        // Once the config is known, a failing key store is not hammered (§9.5 floor).
        const config = t.need(w.sent("config")[0]?.ended, "the config answer");
        for (const f of fails.filter((x) => x.t > config.t)) {
          const next = asks.find((a) => a.t > f.t);
          if (next) t.ok(next.t - f.t >= 250, `asked again ${next.t - f.t} ms after a failure`);
        }
        const token = w.waiters[0]?.answer?.value?.token;
        t.ok(typeof token === "string", `a token once the key came: ${w.waiters[0]?.answer?.code}`);
      }],
    ],
  );

  // idle_timeout_s 60 with 70 s tokens: the refresh (answered 10 s late, with a token of the old
  // session) is in flight when the session idles out.
  await scenario(
    ctx,
    {
      seed: 108,
      service: { tokenLifetimeS: 70 },
      // The device is told 60 s; the service itself would keep the session 1800 s.
      answer: (r) =>
        r.purpose === "create"
          ? { map: (res) => ({ ...res, body: { ...res.body as object, idle_timeout_s: 60 } }) }
          : "ok",
      latency: (r) => r.purpose === "refresh" ? 10_000 : 20,
    },
    (w) => w.at(100_000, { type: "get_token" }),
    120_000,
    [
      [C["sdk.lifetime.idle"], (t, w) => {
        const [first, second] = w.sent("create");
        const sid = (s: SentRecord | undefined) =>
          payloadOf((s?.ended?.body as { session_token?: unknown } | undefined)?.session_token)
            ?.sub;
        t.ok(first !== undefined && second !== undefined, "a create after the session idled out");
        t.ok(second!.t >= T0 + 60_000, `the session ended ${second!.t - T0} ms in, before 60 s`);
        const got = payloadOf(w.waiters[0]?.answer?.value?.token);
        t.ok(got !== null, `a token after the session idled out: ${w.waiters[0]?.answer?.code}`);
        t.equal(got?.sub, sid(second), "the token is of the new session");
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
