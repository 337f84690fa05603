/**
 * Service checks that need time to pass or state to be read (SPEC §3.6, §5.7, §6.3, §8.5):
 * key rotation, the ends of a session (idle, absolute), telemetry retention, expired session
 * tokens on telemetry and consumed tokens re-presented late in their life. They move the service
 * clock through the test-control extension (SPEC Appendix A), so they run last; without it they
 * are incomplete.
 *
 * @module
 */
import { parseJws } from "../../core/token/jws.ts";
import { verifySessionToken } from "../../adapters/verify/verify.ts";
import { Device, event } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, jwksFor, needIssuer, type ServiceContext } from "./context.ts";
import { needControl } from "./control.ts";

const ACTIONS = "/v1/backend/actions";

/**
 * Rotates the service key mid-run (later checks then meet tokens of a kid the suite has not
 * read yet, as a verifier would after a rotation).
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await rotationCheck(ctx);
 * ```
 */
export async function rotationCheck(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.jwks.rotation"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = await Device.create(http);
    await d.createSession();
    const old = d.sessionToken;
    const oldKid = parseJws(old).header.kid;
    const x = await control.rotate();
    if (x.status === 409) t.skip("the service cannot rotate now (409 ERR_CONFLICT)");
    const r = expectStatus(t, x, 200, "rotate");
    t.equal(r.previous_kid, oldKid, "previous_kid (the key that signed the earlier token)");
    const jwks = expectStatus(t, await http.call("GET", "/.well-known/jwks.json"), 200, "JWKS");
    const kids = (jwks.keys as { kid: string }[]).map((k) => k.kid).sort();
    t.equal(
      kids,
      [String(r.kid), String(oldKid)].sort(),
      "JWKS kids: the new and the previous key",
    );
    const refreshed = expectStatus(t, await d.refreshRaw(), 200, "refresh after the rotation");
    d.sessionToken = String(refreshed.session_token);
    t.equal(parseJws(d.sessionToken).header.kid, r.kid, "kid of a token issued after rotation");
    // A token signed before the rotation verifies until it expires (SPEC §3.6) …
    await verifySessionToken(old, {
      issuer: needIssuer(t, c),
      audience: http.target.clientId,
      jwks: await jwksFor(t, c, old),
      now: http.nowS(),
    }).catch((e) => t.fail(`the earlier token no longer verifies: ${e.message}`));
    // … and the service still takes it.
    const b = expectStatus(t, await d.telemetry([event(1)], { session_token: old }), 200, "batch");
    t.equal(b.acked_seq, 1, "acked_seq of a batch under the earlier token");
    const backend = await Backend.create(http);
    const a = await backend.call("POST", ACTIONS, { action_type: "login", session_token: old });
    expectStatus(t, a, 201, "an action with the earlier session token");
  });
}

/**
 * Runs the checks that move the service clock (last in a run).
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await lifetimeChecks(ctx);
 * ```
 */
export async function lifetimeChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const tol = http.target.clockToleranceS ?? 30;

  await run.check(C["svc.proof.replay-late"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = await Device.create(http);
    await d.config();
    const proof = await d.proof("/v1/device/sessions");
    expectStatus(t, await d.createRaw({ proof }), 201, "first use");
    await control.advance(50); // still inside the 60 s iat window and the nonce's 300 s
    expectError(t, await d.createRaw({ proof }), 409, "ERR_REPLAYED", "the same proof 50 s later");
  });

  await run.check(C["svc.secure.replay-late"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = await Device.create(http);
    await d.createSession();
    const backend = await Backend.create(http);
    const tolerance = (await control.client()).clock_tolerance_s;
    const iat = http.nowS();
    const token = await d.secure("login", { iat, expirationSeconds: 300 });
    const body = { action_type: "login", secured_session_token: token };
    expectStatus(t, await backend.call("POST", ACTIONS, body), 201, "first presentation");
    // Just before exp + tolerance the token is still within its time checks: only the replay
    // store can refuse it, and it must still remember the jti (SPEC §5.4 step 9).
    await control.advanceTo(iat + 300 + tolerance - 8);
    expectError(t, await backend.call("POST", ACTIONS, body), 409, "ERR_REPLAYED", "late replay");
  });

  await run.check(C["svc.telemetry.expired-token"], async (t) => {
    if (!c.control && !http.target.advance) needControl(t, null);
    const fresh = await Device.create(http);
    await fresh.createSession();
    const exp = parseJws(fresh.sessionToken).payload.exp as number;
    await http.waitUntilS(exp + tol + 60);
    const b = expectStatus(
      t,
      await fresh.telemetry([event(1)]),
      200,
      "a batch after the token expired",
    );
    t.equal(b.acked_seq, 1, "acked_seq");
  });

  await run.check(C["svc.session.idle-end"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = await Device.create(http);
    const created = await d.createSession();
    const idle = Number(created.idle_timeout_s);
    // Requests within the idle lifetime keep the session alive (SPEC §6.3).
    await control.advance(idle - 30);
    expectStatus(t, await d.telemetry([event(1)]), 200, `a batch after ${idle - 30} s`);
    await control.advance(idle - 30);
    await d.config();
    const r = expectStatus(t, await d.refreshRaw(), 200, "a refresh, each gap below idle");
    d.sessionToken = String(r.session_token);
    const facts = await control.session(d.sessionId);
    t.equal(facts.status, "active", "session status before the idle end");
    await control.advance(idle + 1);
    await d.config();
    expectError(
      t,
      await d.refreshRaw(),
      410,
      "ERR_SESSION_ENDED",
      `refresh after ${idle + 1} s idle`,
    );
    // Telemetry of the ended session is still taken (retention) but does not revive it.
    expectStatus(t, await d.telemetry([event(2)]), 200, "a batch after the session ended");
    await d.config();
    expectError(t, await d.refreshRaw(), 410, "ERR_SESSION_ENDED", "refresh after that batch");
    t.equal((await control.session(d.sessionId)).status, "ended", "session status");
  });

  await run.check(C["svc.session.absolute-end"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = await Device.create(http);
    const created = await d.createSession();
    c.ended = d; // the retention check needs a session that ends, whatever happens here
    const end = Number(created.session_expires_at);
    const step = Math.max(1, Number(created.idle_timeout_s) - 60);
    let seq = 1;
    // Keep it alive with a batch per step, up to just before its absolute end.
    while (http.nowS() + step < end - 5) {
      await control.advance(step);
      expectStatus(t, await d.telemetry([event(seq++)]), 200, `a batch at ${http.nowS()}`);
    }
    await control.advanceTo(end - 5);
    await d.config();
    const r = expectStatus(t, await d.refreshRaw(), 200, "a refresh 5 s before session_expires_at");
    t.equal(r.session_expires_at, end, "session_expires_at never moves");
    await control.advanceTo(end);
    await d.config();
    expectError(t, await d.refreshRaw(), 410, "ERR_SESSION_ENDED", "refresh at session_expires_at");
  });

  await run.check(C["svc.telemetry.retention"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const d = t.need(c.ended ?? null, "a session that reached its end (svc.session.absolute-end)");
    const { retention_s: retention } = await control.client();
    const facts = await control.session(d.sessionId);
    await control.advanceTo(facts.ends_at + retention - 5);
    expectStatus(t, await d.telemetry([event(9000)]), 200, "a batch 5 s before retention ends");
    await control.advanceTo(facts.ends_at + retention);
    const x = await d.telemetry([event(9001)]);
    expectError(t, x, 410, "ERR_SESSION_ENDED", "a batch once retention ended");
  });
}
