/**
 * SDK checks of what the device mints and associates: secure session tokens (SPEC §5.4), action
 * events (§8.6), user association (§9.10) and service time (§9.7).
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { fakeKey, T0, World } from "./sim.ts";
import { batches, issuedTokens, payloadOf, scenario, type SdkContext } from "./util.ts";

const JTI = /^[A-Za-z0-9_-]{22}$/;

/**
 * Runs the secure-token, action, user and clock checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await secureChecks({ run, client });
 * ```
 */
export async function secureChecks(ctx: SdkContext): Promise<void> {
  await scenario(
    ctx,
    { seed: 91 },
    (w) => {
      w.at(2_000, { type: "get_secure_token", actionType: "transaction" });
      w.at(3_000, { type: "get_secure_token", actionType: "login", expirationSeconds: 60 });
      w.at(4_000, { type: "get_secure_token", actionType: "transaction" });
      w.at(5_000, { type: "get_secure_token", actionType: "Login" });
      w.at(5_100, { type: "get_secure_token", actionType: "transaction", expirationSeconds: 0 });
      w.at(5_200, { type: "get_secure_token", actionType: "transaction", expirationSeconds: 3601 });
      w.at(5_300, { type: "get_secure_token", actionType: "login " });
    },
    8_000,
    [
      [C["sdk.secure.claims"], (t, w) => {
        const s = t.need(w.signs.find((x) => x.t >= T0 + 2_000), "a sign effect after the request");
        t.equal(s.header.typ, "ds-secure+jwt", "typ");
        t.wire("DeviceSignedHeader", s.header, "header");
        t.equal(s.header.alg, "EdDSA", "alg (the device key's)");
        t.equal(s.header.jwk, (fakeKey(1) as { jwk: unknown }).jwk, "jwk (the device key)");
        t.wire("SecureClaims", s.payload, "claims");
        t.equal(s.payload.tok, issuedTokens(w).at(-1)?.token, "tok (the current session token)");
        t.equal(s.payload.act, "transaction", "act");
        const now = Math.floor(w.serviceMs(s.t) / 1000);
        t.between(s.payload.iat as number, now - 1, now + 1, "iat vs service time");
        t.equal((s.payload.exp as number) - (s.payload.iat as number), 300, "exp − iat (default)");
        t.ok(JTI.test(String(s.payload.jti)), `jti ${s.payload.jti} is 22 base64url characters`);
      }],
      [C["sdk.secure.compact"], (t, w) => {
        const s = t.need(w.signs.find((x) => x.t >= T0 + 2_000), "a sign effect");
        t.equal(w.waiters[0]?.answer?.value, { kind: "token", token: World.tokenOf(s) }, "answer");
      }],
      [C["sdk.secure.expiry"], (t, w) => {
        const p = t.need(payloadOf(w.waiters[1]?.answer?.value?.token), "the second secure token");
        t.equal((p.exp as number) - (p.iat as number), 60, "exp − iat");
        t.equal(p.act, "login", "act");
      }],
      [C["sdk.secure.no-round-trip"], (t, w) => {
        for (const x of w.waiters.slice(0, 3)) {
          const a = t.need(x.answer, "an answer");
          const sent = w.sends.filter((s) => s.t >= x.t && s.t <= a.t);
          t.equal(sent.length, 0, `requests while minting the token asked at ${x.t - T0} ms`);
        }
      }],
      [C["sdk.secure.fresh-jti"], (t, w) => {
        const jtis = w.waiters.slice(0, 3).map((x) => payloadOf(x.answer?.value?.token)?.jti);
        t.ok(jtis.every((j) => typeof j === "string"), "three secure tokens");
        t.equal(new Set(jtis).size, 3, `distinct jtis among ${jtis}`);
      }],
      [C["sdk.secure.invalid-input"], (t, w) => {
        for (const x of w.waiters.slice(3)) {
          t.equal(
            x.answer?.code,
            "ERR_INVALID_INPUT",
            `rejection of the request at ${x.t - T0} ms`,
          );
        }
        const signed = w.signs.filter((s) => s.t >= T0 + 5_000 && s.header.typ === "ds-secure+jwt");
        t.equal(signed.length, 0, "secure tokens signed for invalid requests");
      }],
    ],
  );

  await scenario(
    ctx,
    { seed: 92 },
    (w) => {
      w.at(2_000, {
        type: "trigger_action",
        actionType: "login",
        attributes: { correlation_id: "c-1" },
      });
    },
    5_000,
    [
      [C["sdk.actions.token"], (t, w) => {
        const b = t.need(
          batches(w).find((x) => x.body.events.some((e) => e.type === "action")),
          "an action event",
        );
        t.ok(b.sent.t - (T0 + 2_000) <= 50, `sent ${b.sent.t - T0 - 2_000} ms after the call`);
        const ev = b.body.events.find((e) => e.type === "action")!;
        t.wire("TelemetryEvent", ev, "action event");
        t.equal(ev.data.action_type, "login", "data.action_type");
        t.equal(ev.data.correlation_id, "c-1", "data.correlation_id");
        const ack = b.sent.ended?.body as { actions?: { seq: number; action_token: string }[] };
        const rec = t.need(ack?.actions?.find((a) => a.seq === ev.seq), "the ack's action record");
        t.equal(
          w.waiters[0]?.answer?.value,
          { kind: "action", actionToken: rec.action_token },
          "answer",
        );
      }],
    ],
  );

  await scenario(
    ctx,
    { seed: 93 },
    (w) => {
      w.at(2_000, { type: "set_user", userId: "u-1" });
      w.at(3_000, { type: "set_user", userId: "u-1" });
      w.at(4_000, { type: "clear_user" });
    },
    6_000,
    [
      [C["sdk.user.identify"], (t, w) => {
        const ids = batches(w).flatMap((b) => b.body.events.filter((e) => e.type === "identify"));
        t.equal(ids.map((e) => e.data), [
          { user_id: "u-1", previous_user_id: null },
          { user_id: null, previous_user_id: "u-1" },
        ], "identify events");
        t.equal(
          w.waiters.map((x) => x.answer?.value),
          [{ kind: "done", changed: true }, { kind: "done", changed: false }, {
            kind: "done",
            changed: true,
          }],
          "answers",
        );
      }],
    ],
  );

  const skewMs = 3_600_000;
  await scenario(
    ctx,
    { seed: 94, skewMs },
    (w) => {
      w.at(2_000, { type: "track", eventType: "page", data: { kind: "show" } });
      w.at(2_001, { type: "flush" });
      w.at(3_000, { type: "get_secure_token", actionType: "checkout" });
    },
    5_000,
    [
      [C["sdk.clock.offset"], (t, w) => {
        const proof = t.need(w.signs[0], "a proof");
        const at = (ms: number) => Math.floor(w.serviceMs(ms) / 1000);
        t.between(proof.payload.iat as number, at(proof.t) - 1, at(proof.t) + 1, "proof iat");
        const ev = t.need(batches(w)[0]?.body.events[0], "an event");
        t.between(
          ev.time_ms,
          w.serviceMs(T0 + 2_000) - 1_000,
          w.serviceMs(T0 + 2_000) + 1_000,
          "event time_ms",
        );
        const secure = t.need(
          w.signs.find((s) => s.header.typ === "ds-secure+jwt"),
          "a secure token",
        );
        t.between(secure.payload.iat as number, at(secure.t) - 1, at(secure.t) + 1, "secure iat");
      }],
    ],
  );
}
