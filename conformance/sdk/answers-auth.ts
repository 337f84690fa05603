/**
 * SDK checks of session-side answers the ordinary scenarios never give: a create answered with
 * an invalid body or a nonce error without a nonce (SPEC §6.2, §9.5), a failing key store
 * (§9.2, §9.8), a session that idles out while its refresh is in flight (§9.6).
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { SDK_CHECKS as C } from "./checks.ts";
import { type SentRecord, T0, type World } from "./sim.ts";
import { errorBody, issuedTokens, payloadOf, scenario, type SdkContext } from "./util.ts";

/**
 * The proof claims of a create or refresh request.
 *
 * @example
 * ```ts
 * import type { SentRecord } from "./sim.ts";
 * declare const refresh: SentRecord;
 * proof(refresh).nonce; // "n1767225600"
 * ```
 */
export const proof = (s: SentRecord): Record<string, unknown> =>
  payloadOf(s.request.headers["ds-proof"]) ?? {};

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
 * Runs the session-side checks of unusual answers.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await authAnswerChecks({ run, client });
 * ```
 */
export async function authAnswerChecks(ctx: SdkContext): Promise<void> {
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
}
