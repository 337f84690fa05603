/**
 * Service checks of telemetry ingest (SPEC §6.4, §8): acknowledgements, idempotency by
 * `(session, seq)`, action records, identify events, content types, limits, token checks.
 *
 * @module
 */
import { encodeJsonSegment, parseJws } from "../../core/token/jws.ts";
import { verifyActionToken } from "../../verify.ts";
import { Device, event } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import {
  checkServiceHeader,
  expectError,
  expectStatus,
  jwksFor,
  needIssuer,
  type ServiceContext,
} from "./context.ts";

/**
 * A session token with its payload changed and its signature kept.
 *
 * @example
 * ```ts
 * tamper(sessionToken, { did: "d_other" }); // same header and signature, new payload
 * ```
 */
export function tamper(token: string, change: Record<string, unknown>): string {
  const p = parseJws(token);
  const [h, , s] = token.split(".");
  return `${h}.${encodeJsonSegment({ ...p.payload, ...change })}.${s}`;
}

/**
 * Runs the telemetry checks.
 *
 * @example
 * ```ts
 * await telemetryChecks(ctx);
 * ```
 */
export async function telemetryChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const d = await Device.create(http);
  await d.createSession();

  await run.check(C["svc.telemetry.ack"], async (t) => {
    const b = expectStatus(t, await d.telemetry([event(1), event(2), event(3)]), 200, "batch");
    t.wire("TelemetryAck", b, "acknowledgement");
    t.equal([b.acked_seq, b.high_seq], [3, 3], "[acked_seq, high_seq]");
  });
  await run.check(C["svc.telemetry.duplicate"], async (t) => {
    const x = await d.telemetry([event(1), event(2), event(3)]);
    const b = expectStatus(t, x, 200, "the same batch again");
    t.equal([b.acked_seq, b.high_seq], [3, 3], "[acked_seq, high_seq]");
  });
  await run.check(C["svc.telemetry.seqs"], async (t) => {
    const a = expectStatus(t, await d.telemetry([event(3), event(4), event(5)]), 200, "[3,4,5]");
    t.equal([a.acked_seq, a.high_seq], [5, 5], "[3,4,5]: [acked_seq, high_seq]");
    const b = expectStatus(t, await d.telemetry([event(9), event(10)]), 200, "[9,10]");
    t.equal([b.acked_seq, b.high_seq], [10, 10], "[9,10]: [acked_seq, high_seq]");
    const late = expectStatus(t, await d.telemetry([event(6), event(7)]), 200, "[6,7] late");
    t.equal([late.acked_seq, late.high_seq], [7, 10], "[6,7]: [acked_seq, high_seq]");
  });
  await run.check(C["svc.telemetry.action-once"], async (t) => {
    const e = event(11, "action", { action_type: "login", correlation_id: "conf-1" });
    const first = expectStatus(t, await d.telemetry([e]), 200, "action event");
    const again = expectStatus(t, await d.telemetry([e]), 200, "the same action event again");
    const rec = (b: Record<string, unknown>) =>
      (b.actions as { seq: number; action_id: string; action_token: string }[] | undefined)
        ?.find((a) => a.seq === 11);
    const r1 = t.need(rec(first), "the action record in the first answer");
    const r2 = t.need(rec(again), "the action record in the second answer");
    t.equal(r2.action_id, r1.action_id, "action_id of the duplicate delivery");
    const p = await checkServiceHeader(
      t,
      r1.action_token,
      "ds-action+jwt",
      c,
      "action token",
    );
    t.wire("ActionClaims", p, "action token claims");
    t.equal([p.sub, p.aid, p.act, p.aud], [
      d.sessionId,
      r1.action_id,
      "login",
      http.target.clientId,
    ], "[sub, aid, act, aud]");
    await verifyActionToken(r1.action_token, {
      issuer: needIssuer(t, c),
      audience: http.target.clientId,
      jwks: await jwksFor(t, c, r1.action_token),
      now: http.nowS(),
    }).catch((e) => t.fail(`the action token does not verify: ${e.message}`));
  });
  await run.check(C["svc.telemetry.identify"], async (t) => {
    const set = event(12, "identify", { user_id: "conf-user-1", previous_user_id: null });
    t.equal(
      expectStatus(t, await d.telemetry([set]), 200, "identify").user_id,
      "conf-user-1",
      "user_id",
    );
    const clear = event(13, "identify", { user_id: null, previous_user_id: "conf-user-1" });
    t.equal(
      expectStatus(t, await d.telemetry([clear]), 200, "identify null").user_id,
      null,
      "user_id",
    );
  });
  await run.check(C["svc.telemetry.text-plain"], async (t) => {
    const b = expectStatus(
      t,
      await d.telemetry([event(14)], {}, "text/plain;charset=UTF-8"),
      200,
      "text/plain",
    );
    t.equal(b.acked_seq, 14, "acked_seq");
  });
  await run.check(C["svc.telemetry.dropped-only"], async (t) => {
    const x = await d.telemetry([], { dropped: { total: 2, by_priority: { "1": 2 } } });
    const b = expectStatus(t, x, 200, "a batch of drops only");
    t.wire("TelemetryAck", b, "acknowledgement");
    t.equal(b.acked_seq, b.high_seq, "acked_seq of an empty batch (the largest answered so far)");
    const none = await d.telemetry([], { dropped: { total: 0, by_priority: {} } });
    expectError(t, none, 400, "ERR_INVALID_BODY", "an empty batch with no drops");
  });
  await run.check(C["svc.telemetry.bad-token"], async (t) => {
    const x = await d.telemetry([event(15)], {
      session_token: tamper(d.sessionToken, { did: "d_x" }),
    });
    expectError(t, x, 401, "ERR_SIGNATURE_INVALID", "tampered token");
  });
  await run.check(C["svc.telemetry.wrong-session"], async (t) => {
    const other = await Device.create(http);
    await other.createSession();
    const x = await d.telemetry([event(15)], { session_token: other.sessionToken });
    expectError(t, x, 401, "ERR_CLAIM_INVALID", "another session's token");
  });
  await run.check(C["svc.telemetry.limit-count"], async (t) => {
    const events = Array.from({ length: 101 }, (_, i) => event(100 + i));
    expectError(t, await d.telemetry(events), 422, "ERR_BATCH_TOO_LARGE", "101 events");
  });
  await run.check(C["svc.telemetry.limit-event"], async (t) => {
    const big = event(300, "interaction", { kind: "click", pad: "x".repeat(4200) });
    expectError(t, await d.telemetry([big]), 422, "ERR_BATCH_TOO_LARGE", "event data of 4.2 kB");
  });
  await run.check(C["svc.telemetry.limit-batch"], async (t) => {
    const events = Array.from(
      { length: 16 },
      (_, i) => event(400 + i, "interaction", { kind: "click", pad: "x".repeat(3900) }),
    );
    expectError(t, await d.telemetry(events), 422, "ERR_BATCH_TOO_LARGE", "a batch of ~63 kB");
  });
  await run.check(C["svc.telemetry.limit-body"], async (t) => {
    const events = Array.from(
      { length: 20 },
      (_, i) => event(500 + i, "interaction", { kind: "click", pad: "x".repeat(3900) }),
    );
    expectError(t, await d.telemetry(events), 413, "ERR_BODY_TOO_LARGE", "a body of ~80 kB");
  });
  await run.check(C["svc.telemetry.invalid-body"], async (t) => {
    const x = await http.call("POST", "/v1/device/telemetry", {
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expectError(t, x, 400, "ERR_INVALID_BODY", "not JSON");
    expectError(
      t,
      await d.telemetry([], { events: "nope" }),
      400,
      "ERR_INVALID_BODY",
      "events not an array",
    );
  });
}

/**
 * Telemetry under an expired session token (SPEC §8.5) — moves the service clock 20 minutes, so
 * it runs last.
 *
 * @example
 * ```ts
 * await expiredTokenCheck(ctx);
 * ```
 */
export async function expiredTokenCheck(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.telemetry.expired-token"], async (t) => {
    if (!http.target.advance) {
      t.skip("needs control of the service clock", {
        enable: "the service's test-control extension (SPEC Appendix A)",
      });
    }
    const fresh = await Device.create(http);
    await fresh.createSession();
    const exp = parseJws(fresh.sessionToken).payload.exp as number;
    await http.waitUntilS(exp + 301);
    const b = expectStatus(
      t,
      await fresh.telemetry([event(1)]),
      200,
      "a batch after the token expired",
    );
    t.equal(b.acked_seq, 1, "acked_seq");
  });
}
