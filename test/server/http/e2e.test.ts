// The real client (SessionDriver over the core machine, FetchTransport, WebCrypto device key)
// against the real service on the runtime's server: create, refresh, telemetry with dedupe,
// triggerActionEvent → action token → backend recommendation, secure token → backend action.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Harness } from "../support/harness.ts";
import type { SessionDriver } from "../../../adapters/driver/driver.ts";

describe("SessionDriver ↔ service end to end", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  let h: Harness;
  let m: typeof import("../support/harness.ts");
  let driver: SessionDriver;
  let duplicateTelemetry = false;
  const timers = new Set<{ at: number; fn: () => void }>();
  let poll: ReturnType<typeof setInterval> | undefined;
  const events: string[] = [];

  before(async () => {
    m = await import("../support/harness.ts");
    h = await m.startHarness({ limits: { tokenLifetimeS: 60 } });
    const { SessionDriver } = await import("../../../adapters/driver/driver.ts");
    const { FetchTransport } = await import("../../../adapters/transport/fetch.ts");
    const { MemoryKeyStore } = await import("../../../adapters/sdk/ports-web.ts");
    const { MemoryStorage } = await import("../../../adapters/testing/storage.ts");
    const fetchTransport = new FetchTransport();
    // One clock for device and service, so tests can move time forward for both; timers are
    // checked against it every 10 ms.
    poll = setInterval(() => {
      for (const t of [...timers]) {
        if (h.nowMs() >= t.at) {
          timers.delete(t);
          t.fn();
        }
      }
    }, 10);
    driver = new SessionDriver(
      { clientId: "a", serverPath: `${h.url}/`, enableSessionToken: true, flushIntervalMs: 100 },
      {
        clock: { now: () => h.nowMs() },
        random: { bytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)) },
        scheduler: {
          set: (at, fn) => {
            const t = { at, fn };
            timers.add(t);
            return t;
          },
          clear: (t) => void timers.delete(t as { at: number; fn: () => void }),
        },
        keys: new MemoryKeyStore(),
        storage: new MemoryStorage(),
        transport: {
          async send(request, options) {
            if (duplicateTelemetry && request.purpose === "telemetry") {
              // At-least-once delivery: the same batch twice; the service must dedupe.
              await fetchTransport.send(request, options);
            }
            return fetchTransport.send(request, options);
          },
          beacon: (request) => fetchTransport.beacon(request),
        },
      },
    );
    driver.on((e) => events.push(e.type));
    await driver.start({ attributes: { platform: "browser" } });
  });
  after(async () => {
    await driver?.shutdown().catch(() => {});
    clearInterval(poll);
    await h?.close();
  });

  const jwks = async () => await (await h.fetch("/.well-known/jwks.json")).json();

  it("creates a session and hands out a verifiable session token", async () => {
    const { verifySessionToken } = await import("../../../verify.ts");
    const token = await driver.getSessionToken();
    const s = await verifySessionToken(token, {
      issuer: h.url,
      audience: "a",
      jwks: await jwks(),
      now: h.nowS(),
    });
    assert.match(s.sessionId, /^s_/);
    assert.equal(s.jkt, driver.state.key!.jkt);
    assert.equal(driver.state.phase, "active");
  });

  it("refreshes ahead of expiry, keeping the session and the key", async () => {
    const { verifySessionToken } = await import("../../../verify.ts");
    const first = await driver.getSessionToken();
    const before = await verifySessionToken(first, {
      issuer: h.url,
      audience: "a",
      jwks: await jwks(),
      now: h.nowS(),
    });
    // The refresh itself is the event awaited (no deadline: the per-test timeout is the net).
    const refreshed = new Promise<void>((resolve) => {
      const off = driver.on((e) => {
        if (e.type !== "token_refreshed") return;
        off();
        resolve();
      });
    });
    h.advance(50_000); // past 0.8 × 60 s (+ jitter ≤ 3 s)
    await refreshed;
    const token = driver.state.session?.token ?? first;
    assert.notEqual(token, first, "the driver refreshed");
    const after = await verifySessionToken(await driver.getSessionToken(), {
      issuer: h.url,
      audience: "a",
      jwks: await jwks(),
      now: h.nowS(),
    });
    assert.equal(after.sessionId, before.sessionId);
    assert.equal(after.jkt, before.jkt);
    assert.ok(events.includes("token_refreshed"));
  });

  it("delivers telemetry exactly once even when every batch is delivered twice", async () => {
    duplicateTelemetry = true;
    try {
      for (let i = 0; i < 25; i++) driver.track("interaction", { kind: "click", n: i });
      await driver.flush();
      const sid = driver.state.session!.id;
      const s = await h.service.store.getSession(sid);
      assert.equal(s!.interactions, 25);
    } finally {
      duplicateTelemetry = false;
    }
  });

  it("triggerActionEvent → action token → the backend fetches its recommendation", async () => {
    const { actionToken } = await driver.triggerActionEvent("login", {
      claimed_user_id: "h-erin",
      claimed_user_id_type: "email",
    });
    const backend = await m.Backend.create(h);
    const rec = await backend.recommendation(actionToken);
    assert.equal(rec.status, 200, JSON.stringify(rec.json));
    const ctx = rec.json.context as Record<string, unknown>;
    assert.equal(ctx.token_kind, "telemetry");
    assert.equal(ctx.session_id, driver.state.session!.id);
    assert.equal(
      (ctx.signals as { interactions_before_action: number }).interactions_before_action,
      25,
    );
    assert.ok(!(rec.json.reasons as string[]).includes("NO_INTERACTION"));
    // The backend reports a successful login: the user follows the session.
    await backend.call("POST", "/v1/backend/actions/result", {
      action_token: actionToken,
      result: "success",
      user_id: "erin",
    });
  });

  it("a secure token from the driver is accepted once by the backend API; the user is set", async () => {
    const secure = await driver.getSecureSessionToken("transaction", 120);
    const backend = await m.Backend.create(h);
    const ok = await backend.trigger(
      { action_type: "transaction", secured_session_token: secure },
      "?get_recommendation=true",
    );
    assert.equal(ok.status, 201, JSON.stringify(ok.json));
    const rec = ok.json.recommendation as { context: { user_id: string }; reasons: string[] };
    assert.equal(rec.context.user_id, "erin");
    assert.ok(rec.reasons.includes("SECURE_TOKEN"));
    assert.equal(
      (await backend.trigger({ action_type: "transaction", secured_session_token: secure })).json
        .code,
      "ERR_REPLAYED",
    );
  });

  it("setAuthenticatedUser / clearUser travel as identify events", async () => {
    await driver.setAuthenticatedUser("frank");
    await driver.flush();
    const sid = driver.state.session!.id;
    assert.equal((await h.service.store.getSession(sid))!.userId, "frank");
    await driver.clearUser();
    await driver.flush();
    assert.equal((await h.service.store.getSession(sid))!.userId, null);
  });
});
