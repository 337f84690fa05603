// Example-based tests of the session machine through the driver, in virtual time.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../../core/mod.ts";
import { payloadOf, sim, within } from "../../support/sim.ts";

describe("session lifecycle (SPEC §9)", () => {
  it("init creates the session at once with a proof and sends telemetry at once", async () => {
    const s = sim();
    await s.driver.start({ attributes: { platform: "test", automation: false } });
    await s.time.advance(500);
    assert.equal(s.driver.state.phase, "active");
    assert.deepEqual(s.service.log.map((l) => l.purpose).slice(0, 2), ["config", "create"]);
    const create = s.transport.sent.find((x) => x.req.purpose === "create")!.req;
    const proof = payloadOf(create.headers["ds-proof"]!);
    assert.equal(proof.htm, "POST");
    assert.equal(proof.htu, "http://service.test/v1/device/sessions");
    // The device event tracked at init is flushed within the flush interval.
    await s.time.advance(5_000);
    const [session] = [...s.service.sessions.values()];
    assert.equal(session!.events.get(1)?.type, "device");
  });

  it("enabled: false sends nothing and answers ERR_DISABLED", async () => {
    const s = sim({ driver: { enabled: false } });
    await s.driver.start();
    await s.time.advance(60_000);
    assert.equal(s.driver.state.phase, "disabled");
    assert.equal(s.transport.sent.length, 0);
    await assert.rejects(s.driver.getSessionToken(), { code: "ERR_DISABLED" });
    await assert.rejects(s.driver.triggerActionEvent("login"), { code: "ERR_DISABLED" });
  });

  it("getSessionToken requires enableSessionToken", async () => {
    const s = sim({ driver: { enableSessionToken: false } });
    await s.driver.start();
    await assert.rejects(s.driver.getSessionToken(), { code: "ERR_SESSION_TOKEN_DISABLED" });
    await assert.rejects(s.driver.getSecureSessionToken("login"), {
      code: "ERR_SESSION_TOKEN_DISABLED",
    });
  });

  it("refreshes ahead of expiry, at 80% of the lifetime within the jitter bound", async () => {
    const s = sim({ service: { tokenLifetimeS: 1000 } });
    await s.driver.start();
    const first = await within(s.time, s.driver.getSessionToken());
    const { iat } = payloadOf(first) as { iat: number };
    const refreshed = () => s.events.filter((e) => e.type === "token_refreshed").length;
    const before = refreshed();
    await s.time.advance(740_000);
    assert.equal(refreshed(), before);
    await s.time.advance(120_000); // up to 86% of the lifetime: 80% ± 5%, plus latency
    assert.equal(refreshed(), before + 1);
    const second = await within(s.time, s.driver.getSessionToken());
    assert.ok((payloadOf(second).iat as number) > iat);
  });

  it("concurrent token requests share one refresh (single flight)", async () => {
    const s = sim({ service: { tokenLifetimeS: 60 } });
    await s.driver.start();
    await within(s.time, s.driver.getSessionToken());
    s.transport.offline = true;
    await s.time.advance(70_000); // token expired, refresh failing
    s.transport.offline = false;
    const before = s.service.log.filter((l) => l.purpose === "refresh").length;
    const tokens = await within(
      s.time,
      Promise.all(Array.from({ length: 10 }, () => s.driver.getSessionToken())),
    );
    assert.equal(new Set(tokens).size, 1);
    assert.ok(s.service.log.filter((l) => l.purpose === "refresh").length - before <= 1);
  });

  it("a token request times out with ERR_TIMEOUT when the service is unreachable", async () => {
    const s = sim({ driver: { tokenWaitMs: 3000 } });
    s.transport.offline = true;
    await s.driver.start();
    const p = s.driver.getSessionToken();
    await assert.rejects(
      within(s.time, p),
      (e) => e instanceof DeviceSessionError && e.code === "ERR_TIMEOUT",
    );
  });

  it("secure tokens: a new one per call, bound to the action, in service time", async () => {
    const s = sim();
    await s.driver.start();
    const a = await within(s.time, s.driver.getSecureSessionToken("transaction", 120));
    const b = await within(s.time, s.driver.getSecureSessionToken("transaction"));
    const pa = payloadOf(a), pb = payloadOf(b);
    assert.notEqual(pa.jti, pb.jti);
    assert.equal(pa.act, "transaction");
    assert.equal((pa.exp as number) - (pa.iat as number), 120);
    assert.equal((pb.exp as number) - (pb.iat as number), 300);
    assert.equal(pa.tok, await within(s.time, s.driver.getSessionToken()));
    await assert.rejects(s.driver.getSecureSessionToken("Login"), { code: "ERR_INVALID_INPUT" });
    await assert.rejects(s.driver.getSecureSessionToken("login", 0), { code: "ERR_INVALID_INPUT" });
    await assert.rejects(s.driver.getSecureSessionToken("login", 3601), {
      code: "ERR_INVALID_INPUT",
    });
  });

  it("triggerActionEvent returns the action token from the telemetry ack", async () => {
    const s = sim();
    await s.driver.start();
    const { actionToken } = await within(
      s.time,
      s.driver.triggerActionEvent("login", { correlation_id: "c1" }),
    );
    assert.match(actionToken, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const [session] = [...s.service.sessions.values()];
    const action = [...session!.events.values()].find((e) => e.type === "action");
    assert.deepEqual(action?.data, { action_type: "login", correlation_id: "c1" });
  });

  it("setAuthenticatedUser / clearUser send identify events and are no-ops when unchanged", async () => {
    const s = sim();
    await s.driver.start();
    assert.equal(await within(s.time, s.driver.setAuthenticatedUser("alice")), true);
    assert.equal(await within(s.time, s.driver.setAuthenticatedUser("alice")), false);
    assert.equal(await within(s.time, s.driver.clearUser()), true);
    assert.equal(await within(s.time, s.driver.clearUser()), false);
    await within(s.time, s.driver.flush());
    const [session] = [...s.service.sessions.values()];
    const ids = [...session!.events.values()].filter((e) => e.type === "identify").map((e) =>
      e.data
    );
    assert.deepEqual(ids, [{ user_id: "alice", previous_user_id: null }, {
      user_id: null,
      previous_user_id: "alice",
    }]);
    await assert.rejects(s.driver.setAuthenticatedUser(""), { code: "ERR_INVALID_INPUT" });
  });

  it("an echoed user older than a queued identify is not adopted, by refresh or telemetry (SPEC §9.10)", async () => {
    // Telemetry cannot get through, so the identify of clearUser stays queued while a refresh
    // answers with the user the service still has: that echo predates the app's change.
    let offline = true;
    const s = sim({
      fault: (purpose) => offline && purpose === "telemetry" ? "fail_before" : "ok",
    });
    await s.driver.start({ userId: "alice" });
    await within(s.time, s.driver.getSessionToken());
    assert.equal(await within(s.time, s.driver.clearUser()), true);
    const refreshes = () => s.transport.sent.filter((x) => x.req.purpose === "refresh").length;
    await s.time.advance(900_000); // past the refresh time: the token is refreshed
    assert.ok(refreshes() >= 1, "a refresh was answered");
    assert.equal(s.driver.state.user, null, "the refresh's echo of alice is not adopted");
    offline = false;
    await within(s.time, s.driver.flush());
    assert.equal(s.driver.state.user, null);
    const [session] = [...s.service.sessions.values()];
    assert.equal(session!.user, null, "the service has the app's change");
    // With nothing queued, the service's user is adopted again (here, set by a later identify).
    assert.equal(await within(s.time, s.driver.setAuthenticatedUser("bob")), true);
    await within(s.time, s.driver.flush());
    assert.equal(s.driver.state.user, "bob");
  });

  it("an action event evicted from a full queue fails its caller at once, before or in a session (SPEC §8.4)", async () => {
    for (const before of [true, false]) {
      // Offline telemetry (and, before a session, no create) fills the queue with actions: the
      // later ones evict the oldest, whose callers must not wait for, or get, another's token.
      let offline = true;
      const s = sim({
        driver: { maxQueueEvents: 10 },
        fault: (purpose) =>
          offline && (purpose === "telemetry" || (before && purpose === "create"))
            ? "fail_before"
            : "ok",
      });
      await s.driver.start();
      if (!before) await within(s.time, s.driver.getSessionToken());
      const outcomes: ({ token: string } | { code: string } | null)[] = [];
      const calls = Array.from({ length: 14 }, (_, i) => {
        outcomes.push(null);
        return s.driver.triggerActionEvent("checkout", { correlation_id: `c${i}` }).then(
          (v) => void (outcomes[i] = { token: v.actionToken }),
          (e) => void (outcomes[i] = { code: (e as { code: string }).code }),
        );
      });
      await s.time.advance(100); // far less than actionWaitMs
      const evicted = outcomes.flatMap((o, i) => o !== null && "code" in o ? [i] : []);
      assert.ok(evicted.length >= 4, `callers told at once: ${JSON.stringify(outcomes)}`);
      for (const i of evicted) assert.deepEqual(outcomes[i], { code: "ERR_NETWORK" });
      offline = false;
      await within(s.time, Promise.all(calls));
      const tokens = outcomes.flatMap((o) => o !== null && "token" in o ? [o.token] : []);
      assert.equal(tokens.length, 14 - evicted.length, `before a session: ${before}`);
      assert.equal(new Set(tokens).size, tokens.length, "each caller its own action token");
      // Each token is the action of its own call (the fake service's `aid` is the event's seq).
      const [session] = [...s.service.sessions.values()];
      for (const [i, o] of outcomes.entries()) {
        if (o === null || !("token" in o)) continue;
        const event = session!.events.get(payloadOf(o.token).aid as number);
        const data = event?.data as { correlation_id?: string } | undefined;
        assert.equal(data?.correlation_id, `c${i}`, `call ${i}, before a session: ${before}`);
      }
    }
  });

  it("a secure token asked for before the config is held to the config's secure_token_max_s (SPEC §5.4)", async () => {
    // The call is checked against 3600 while no config is known; the config then says 600.
    const s = sim({
      wrapTransport: (t) => ({
        beacon: (r) => t.beacon(r),
        send: async (r, o) => {
          const answer = await t.send(r, o);
          if (r.purpose !== "config") return answer;
          return { ...answer, body: { ...answer.body as object, secure_token_max_s: 600 } };
        },
      }),
    });
    await s.driver.start();
    const early = s.driver.getSecureSessionToken("login", 1800);
    const ok = s.driver.getSecureSessionToken("login", 600);
    await assert.rejects(within(s.time, early), { code: "ERR_INVALID_INPUT" });
    const token = await within(s.time, ok);
    const p = payloadOf(token);
    assert.equal(Number(p.exp) - Number(p.iat), 600);
    await assert.rejects(s.driver.getSecureSessionToken("login", 601), {
      code: "ERR_INVALID_INPUT",
    });
  });

  it("a waiting caller or flush() never retries before a Retry-After (SPEC §9.5, §12)", async () => {
    for (const purpose of ["create", "telemetry"]) {
      let limited = false;
      let sent = 0;
      const s = sim({
        wrapTransport: (t) => ({
          beacon: (r) => t.beacon(r),
          send: async (r, o) => {
            if (r.purpose !== purpose || !limited) return await t.send(r, o);
            sent++;
            const body = { code: "ERR_RATE_LIMITED", message: "", time: 0 };
            return { status: 429, body, retryAfter: 60 };
          },
        }),
      });
      limited = purpose === "create";
      await s.driver.start();
      if (purpose === "telemetry") {
        await within(s.time, s.driver.getSessionToken());
        limited = true;
        void s.driver.triggerActionEvent("login").catch(() => {});
      }
      await s.time.advance(100);
      assert.equal(sent, 1, `${purpose}: the first attempt was answered 429`);
      // A caller waits (a token, or a flush) and asks again within the 60 s: nothing is sent.
      const waiting = purpose === "create" ? s.driver.getSessionToken() : s.driver.flush();
      void waiting.catch(() => {});
      for (let t = 0; t < 50_000; t += 2_000) {
        await s.time.advance(2_000);
        if (purpose === "telemetry") void s.driver.flush().catch(() => {});
      }
      assert.equal(sent, 1, `${purpose}: no retry before Retry-After`);
      limited = false;
      await s.time.advance(15_000);
      assert.ok(
        s.transport.sent.some((x) => x.req.purpose === purpose),
        `${purpose}: retried once the 60 s passed`,
      );
    }
  });

  it("a nonce is taken only in its §6.1 form, from any answer (SPEC §6.0, §6.1)", async () => {
    const bad = ["x".repeat(129), "a b", "", 7];
    let n = 0;
    const s = sim({
      wrapTransport: (t) => ({
        beacon: (r) => t.beacon(r),
        send: async (r, o) => {
          if (r.purpose !== "config" || n >= bad.length) return await t.send(r, o);
          const body = { code: "ERR_UNAVAILABLE", message: "", time: 0, nonce: bad[n++] };
          return { status: 503, body };
        },
      }),
    });
    await s.driver.start();
    while (n < bad.length) {
      await s.time.advance(50);
      assert.ok(!bad.includes(s.driver.state.nonce as never), `${n} answers: a bad nonce taken`);
    }
    await within(s.time, s.driver.getSessionToken());
    assert.match(String(s.driver.state.nonce), /^[A-Za-z0-9._~+/=-]{1,128}$/);
  });

  it("when the session ends, a new one starts and the user is cleared", async () => {
    const s = sim({ service: { sessionAbsoluteS: 600 } });
    await s.driver.start({ userId: "bob" });
    await within(s.time, s.driver.getSessionToken());
    const first = s.driver.state.session!.id;
    await s.time.advance(601_000);
    assert.notEqual(s.driver.state.session?.id, first);
    assert.equal(s.driver.state.user, null);
    assert.ok(s.events.some((e) => e.type === "user_cleared" && e.reason === "session_ended"));
  });

  it("device key lost: new key, new session reporting key_event lost", async () => {
    const s = sim();
    await s.driver.start();
    await within(s.time, s.driver.getSessionToken());
    s.keys.broken = true;
    s.keys.lose();
    s.keys.broken = false;
    await s.time.advance(900_000); // the refresh proof cannot be signed
    assert.equal(s.keys.generated, 2);
    const creates = s.transport.sent.filter((x) => x.req.purpose === "create");
    assert.equal(JSON.parse(creates.at(-1)!.req.body!).key_event, "lost");
    assert.ok(s.events.some((e) => e.type === "key_lost"));
    assert.equal(s.driver.state.phase, "active");
  });

  it("a reload resumes the persisted session with the same key, without a create", async () => {
    const first = sim();
    await first.driver.start({ userId: "carol" });
    await within(first.time, first.driver.getSessionToken());
    const sid = first.driver.state.session!.id;
    const second = first.makeDriver(); // a reload: same storage, keys, network, service
    const creates = () => first.service.log.filter((l) => l.purpose === "create").length;
    const before = creates();
    await second.start();
    const token = await within(first.time, second.getSessionToken());
    assert.equal(second.state.session?.id, sid);
    assert.equal(payloadOf(token).sub, sid);
    assert.equal(second.state.user, "carol");
    assert.equal(creates(), before);
  });

  it("a reload whose init names another user resumes the session and sets that user (SPEC §9.15)", async () => {
    for (const [persisted, named] of [["carol", "dave"], [null, "dave"], ["carol", "carol"]]) {
      const first = sim();
      await first.driver.start(persisted === null ? {} : { userId: persisted });
      await within(first.time, first.driver.getSessionToken());
      const sid = first.driver.state.session!.id;
      const second = first.makeDriver(); // a reload: same storage, keys, network, service
      const identifies = () =>
        [...first.service.sessions.get(sid)!.events.values()].filter((e) => e.type === "identify");
      const before = identifies().length;
      await second.start({ userId: named! });
      await within(first.time, second.getSessionToken());
      await within(first.time, second.flush());
      assert.equal(second.state.session?.id, sid, "resumed");
      assert.equal(second.state.user, named, `persisted ${persisted}, init ${named}`);
      assert.equal(first.service.sessions.get(sid)!.user, named, "the service has it");
      assert.deepEqual(
        identifies().slice(before).map((e) => e.data),
        persisted === named ? [] : [{ user_id: named, previous_user_id: persisted }],
      );
    }
  });

  it("a persisted session is not resumed with another key", async () => {
    const first = sim();
    await first.driver.start();
    await within(first.time, first.driver.getSessionToken());
    const sid = first.driver.state.session!.id;
    first.keys.lose(); // storage of the key cleared, session record left behind
    const second = first.makeDriver(); // a reload: same storage, keys, network, service
    await second.start();
    await within(first.time, second.getSessionToken());
    assert.notEqual(second.state.session?.id, sid);
  });

  it("shutdown flushes the queue, persists it and stops", async () => {
    const s = sim();
    await s.driver.start();
    await within(s.time, s.driver.getSessionToken());
    s.driver.track("interaction", { kind: "click" });
    await within(s.time, s.driver.shutdown());
    assert.equal(s.driver.state.phase, "closed");
    assert.equal(s.driver.state.queue.events.length, 0);
    await assert.rejects(s.driver.getSessionToken(), { code: "ERR_CLOSED" });
    assert.ok(s.storage.map.has("device-session:queue"));
  });

  it("shutdownFlushMs 0: no final batch is started, the queue is persisted for the next start", async () => {
    const s = sim({ driver: { shutdownFlushMs: 0 } });
    await s.driver.start();
    await within(s.time, s.driver.getSessionToken());
    s.driver.track("interaction", { kind: "click" });
    const before = s.transport.sent.filter((x) => x.req.purpose === "telemetry").length;
    await within(s.time, s.driver.shutdown());
    assert.equal(s.driver.state.phase, "closed");
    const after = s.transport.sent.filter((x) => x.req.purpose === "telemetry").length;
    assert.equal(after, before, "no request that would be abandoned at once");
    assert.equal(s.driver.state.queue.events.length, 1, "the event stays queued");
    const stored = JSON.parse(s.storage.map.get("device-session:queue")!) as { events: unknown[] };
    assert.equal(stored.events.length, 1, "and persisted");
  });
});
