/**
 * SDK checks of time: refresh ahead of expiry, single flight, token waits and expiry margin,
 * backoff bounds and Retry-After, secure tokens minted during an outage.
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { T0, type World } from "./sim.ts";
import {
  backoffCeiling,
  errorBody,
  issuedTokens,
  maxInFlight,
  payloadOf,
  scenario,
  type SdkContext,
} from "./util.ts";

/** Slack for the device's clock-offset estimate: `time` has a resolution of one second. */
const OFFSET_SLACK_MS = 1_000;

/** Delays between each failed create and the next create (ms), with the failure count n. */
function createDelays(w: World): { n: number; d: number }[] {
  const creates = w.sent("create");
  const out: { n: number; d: number }[] = [];
  let n = 0;
  for (let i = 0; i + 1 < creates.length; i++) {
    const ended = creates[i]!.ended;
    if (ended === undefined || ended.status === 201) break;
    n++;
    out.push({ n, d: creates[i + 1]!.t - ended.t });
  }
  return out;
}

/**
 * Runs the timing checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await timingChecks({ run, client });
 * ```
 */
export async function timingChecks(ctx: SdkContext): Promise<void> {
  const seeds = [21, 22, 23, 24, 25].map((seed) => ({ seed }));
  await scenario(ctx, seeds, () => {}, 1_600_000, [
    [C["sdk.refresh.timing"], (t, _w, all) => {
      for (const w of all) {
        const tokens = issuedTokens(w);
        const refreshes = w.sent("refresh");
        t.ok(refreshes.length >= 2, `two refreshes in 1600 s (got ${refreshes.length})`);
        for (const r of refreshes) {
          const current = tokens.filter((x) => x.t <= r.t).at(-1);
          const p = t.need(payloadOf(current?.token), "the token being refreshed");
          const iat = p.iat as number, life = (p.exp as number) - iat;
          const lo = (iat + 0.75 * life) * 1000 - OFFSET_SLACK_MS;
          const hi = (iat + 0.85 * life) * 1000 + OFFSET_SLACK_MS + 50;
          const at = w.serviceMs(r.t);
          t.ok(
            at >= lo && at <= hi,
            `refresh at ${((at - iat * 1000) / 1000).toFixed(1)} s of a ${life} s token ` +
              `(allowed ${(0.75 * life).toFixed(0)}–${(0.85 * life).toFixed(0)} s)`,
          );
        }
      }
    }],
    [C["sdk.refresh.jitter"], (t, _w, all) => {
      const offsets = all.map((w) => {
        const r = w.sent("refresh")[0];
        const p = payloadOf(issuedTokens(w)[0]?.token);
        return r && p ? Math.round((w.serviceMs(r.t) - (p.iat as number) * 1000) / 100) : null;
      });
      t.ok(new Set(offsets).size >= 3, `refresh offsets over 5 sessions: ${offsets} (×100 ms)`);
    }],
    [C["sdk.refresh.proof"], (t, w) => {
      const r = t.need(w.sent("refresh")[0], "a refresh");
      const sid = t.need(issuedTokens(w)[0], "a session").sid;
      t.equal(r.request.method, "POST", "method");
      t.equal(JSON.parse(r.request.body ?? "null"), {}, "body");
      const sign = t.need(
        w.signs.find((s) => r.request.headers["ds-proof"]?.startsWith(`${s.input}.`)),
        "the DS-Proof header as a proof the device signed",
      );
      t.equal(sign.header.typ, "ds-proof+jwt", "typ");
      t.equal(sign.header.jwk, w.signs[0]!.header.jwk, "jwk (the session's key)");
      t.equal(sign.payload.htu, r.request.url, "htu (the refresh URL)");
      t.ok(
        r.request.url.endsWith(`v1/device/sessions/${sid}/refresh`),
        `refresh URL ${r.request.url}`,
      );
      const nonces = w.sends
        .filter((s) => s.ended !== undefined && s.ended.t <= sign.t && (s.ended.status ?? 0) < 300)
        .map((s) => (s.ended!.body as { nonce?: unknown } | null)?.nonce)
        .filter((n) => typeof n === "string");
      const last = nonces.at(-1);
      t.equal(sign.payload.nonce, last, "nonce (the latest the service gave)");
    }],
  ]);

  // An outage of create and refresh from 600 s to 1300 s while callers ask for tokens.
  await scenario(
    ctx,
    {
      seed: 31,
      answer: (r, _n, t) =>
        (r.purpose === "create" || r.purpose === "refresh") && t >= 600_000 && t < 1_300_000
          ? "fail_before"
          : "ok",
    },
    (w) => {
      for (let at = 500_000; at <= 1_400_000; at += 7_000) w.at(at, { type: "get_token" });
      for (let at = 500_000; at <= 1_400_000; at += 30_000) {
        w.at(at + 1, { type: "get_secure_token", actionType: "transaction" });
      }
    },
    1_500_000,
    [
      [C["sdk.refresh.single-flight"], (t, w) => {
        const auth = w.sends.filter((s) => ["create", "refresh"].includes(s.request.purpose));
        t.ok(auth.length > 5, "the outage caused retries");
        t.equal(maxInFlight(auth), 1, "most create/refresh requests in flight at once");
      }],
      [C["sdk.token.not-expired"], (t, w) => {
        let n = 0;
        for (const x of w.waiters.filter((x) => x.type === "get_token")) {
          const p = payloadOf(x.answer?.value?.token);
          if (p === null) continue;
          n++;
          const at = w.serviceMs(x.answer!.t);
          t.ok(
            at < ((p.exp as number) - 5) * 1000 + OFFSET_SLACK_MS,
            `a token handed out at ${
              ((at - (p.exp as number) * 1000) / 1000).toFixed(1)
            } s from its exp`,
          );
        }
        t.ok(n > 10, `tokens were handed out (${n})`);
      }],
      [C["sdk.token.timeout"], (t, w) => {
        const wait = 10_000;
        let timeouts = 0;
        for (const x of w.waiters.filter((x) => x.type === "get_token")) {
          const a = t.need(x.answer, `an answer to the token request at ${x.t - T0} ms`);
          t.ok(a.t - x.t <= wait + 100, `answered after ${a.t - x.t} ms (token_wait_ms ${wait})`);
          if (a.code !== undefined) {
            t.equal(a.code, "ERR_TIMEOUT", "rejection code");
            t.ok(a.t - x.t >= wait, `rejected after ${a.t - x.t} ms, before token_wait_ms`);
            timeouts++;
          }
        }
        t.ok(timeouts > 0, "requests during the outage timed out");
      }],
      [C["sdk.secure.inner-fresh"], (t, w) => {
        let n = 0;
        for (const x of w.waiters.filter((x) => x.type === "get_secure_token")) {
          const outer = payloadOf(x.answer?.value?.token);
          if (outer === null) continue;
          n++;
          const inner = t.need(payloadOf(outer.tok), "the inner token");
          t.ok(
            (outer.iat as number) < (inner.exp as number),
            `inner exp ${inner.exp} is not after the secure token's iat ${outer.iat}`,
          );
        }
        t.ok(n > 5, `secure tokens were minted (${n})`);
      }],
    ],
  );

  const down = { status: 503, body: errorBody("ERR_INTERNAL", T0) };
  const failing = [41, 42, 43, 44, 45].map((seed) => ({
    seed,
    answer: (r: { purpose: string }, _n: number, t: number) =>
      r.purpose === "create" && t < 200_000 ? down : "ok" as const,
  }));
  await scenario(ctx, failing, () => {}, 300_000, [
    [C["sdk.backoff.bounds"], (t, _w, all) => {
      for (const w of all) {
        const delays = createDelays(w);
        t.ok(delays.length >= 6, `six failed creates in 200 s (got ${delays.length})`);
        for (const { n, d } of delays) {
          t.between(d, 250, backoffCeiling(n) + 50, `delay after failure ${n}`);
        }
      }
    }],
    [C["sdk.backoff.jitter"], (t, _w, all) => {
      const ds = all.flatMap((w) => createDelays(w).filter((x) => x.n >= 3).map((x) => x.d));
      t.ok(new Set(ds.map((d) => Math.round(d / 50))).size >= 5, `delays ${ds.join(", ")} ms`);
    }],
  ]);

  await scenario(
    ctx,
    {
      seed: 46,
      answer: (r, n) => r.purpose === "create" && n < 3 ? { ...down, retryAfter: 20 } : "ok",
    },
    () => {},
    60_000,
    [
      [C["sdk.backoff.retry-after"], (t, w) => {
        const [d] = createDelays(w);
        t.ok(d !== undefined, "a retry after the 503");
        t.ok(d.d >= 20_000, `retried after ${d.d} ms despite Retry-After: 20`);
      }],
    ],
  );
}
