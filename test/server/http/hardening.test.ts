// Attacks on the service's state, on the runtime's real server (SPEC §14): replay records are
// never given up while live (§5.7.5), proofs have their own table, and a device id is bound to
// its key (§6.2.1) so another key presenting it changes nothing for the real device.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Backend as BackendT, Harness } from "../support/harness.ts";

describe(
  "hardening: replay tables and device binding (SPEC §5.7.5, §6.2.1)",
  { skip: typeof window !== "undefined" && "needs a server runtime", timeout: 120_000 },
  () => {
    let m: typeof import("../support/harness.ts");
    before(async () => {
      m = await import("../support/harness.ts");
    });

    /** A harness whose MemoryStore shares the harness clock, with small replay tables. */
    async function small(o: { maxReplayIds: number; maxProofIds?: number }): Promise<Harness> {
      const { MemoryStore } = await import("../../../adapters/store/memory.ts");
      let clock: () => number = Date.now;
      const store = new MemoryStore({ now: () => clock(), ...o });
      const h = await m.startHarness({ store });
      clock = h.nowMs;
      return h;
    }

    describe("replay records fail closed", () => {
      let h: Harness;
      let a: BackendT;
      before(async () => {
        h = await small({ maxReplayIds: 50 });
        a = await m.Backend.create(h, "a");
      });
      after(() => h.close());

      it("a consumed secure token stays consumed while 50 sessions are created (table of 50)", async () => {
        const d = await m.Device.create(h);
        await d.createSession();
        const secure = await d.secure("transaction");
        const present = () =>
          a.trigger({ action_type: "transaction", secured_session_token: secure });
        assert.equal((await present()).status, 201);
        assert.equal((await present()).json.code, "ERR_REPLAYED");
        for (let i = 0; i < 50; i++) await (await m.Device.create(h)).createSession();
        const third = await present();
        assert.equal(third.status, 409, JSON.stringify(third.json));
        assert.equal(third.json.code, "ERR_REPLAYED");
      });
    });

    describe("a full secure-token table refuses (503 Retry-After) and never accepts", () => {
      let h: Harness;
      let a: BackendT;
      before(async () => {
        h = await small({ maxReplayIds: 3 });
        a = await m.Backend.create(h, "a");
      });
      after(() => h.close());

      it("the fourth token is 503 ERR_UNAVAILABLE, not burned, accepted once room is made", async () => {
        const d = await m.Device.create(h);
        await d.createSession();
        const trigger = (token: string) =>
          a.call("POST", "/v1/backend/actions", {
            action_type: "transaction",
            secured_session_token: token,
          });
        for (let i = 0; i < 3; i++) {
          const r = await trigger(await d.secure("transaction", { expirationSeconds: 1 }));
          assert.equal(r.status, 201);
          await r.body?.cancel();
        }
        const late = await d.secure("transaction", { expirationSeconds: 3600 });
        const refused = await m.read(await trigger(late));
        assert.equal(refused.status, 503, JSON.stringify(refused.json));
        assert.equal(refused.json.code, "ERR_UNAVAILABLE");
        const retry = Number(refused.headers.get("retry-after"));
        assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${retry}`);
        // The three short tokens' records end within 1 + 300 + 60 s (§5.7.1); then room is made.
        h.advance(400_000);
        assert.equal((await trigger(late)).status, 201, "the refused token was not burned");
        const again = await m.read(await trigger(late));
        assert.equal(again.json.code, "ERR_REPLAYED");
      });
    });

    describe("device proofs have their own table", () => {
      let h: Harness;
      let a: BackendT;
      before(async () => {
        h = await small({ maxReplayIds: 1000, maxProofIds: 4 });
        a = await m.Backend.create(h, "a");
      });
      after(() => h.close());

      it("a full proof table refuses session creates (503) while secure tokens still verify", async () => {
        const d = await m.Device.create(h);
        await d.createSession(); // proof 1
        for (let i = 0; i < 3; i++) await (await m.Device.create(h)).createSession();
        const refused = await m.read(await (await m.Device.create(h)).createRaw());
        assert.equal(refused.status, 503, JSON.stringify(refused.json));
        assert.equal(refused.json.code, "ERR_UNAVAILABLE");
        assert.ok(refused.headers.get("retry-after") !== null);
        const t = await a.trigger({
          action_type: "transaction",
          secured_session_token: await d.secure("transaction"),
        });
        assert.equal(t.status, 201, JSON.stringify(t.json));
        h.advance(121_000); // proof ids are kept 120 s
        assert.equal((await (await m.Device.create(h)).createRaw()).status, 201);
      });

      it("device proofs are rate limited per IP on their own (429 Retry-After)", async () => {
        const limited = await m.startHarness({ rateLimits: { proofPerIpPerMinute: 2 } });
        try {
          for (let i = 0; i < 2; i++) await (await m.Device.create(limited)).createSession();
          const r = await m.read(await (await m.Device.create(limited)).createRaw());
          assert.equal(r.status, 429, JSON.stringify(r.json));
          assert.equal(r.json.code, "ERR_RATE_LIMITED");
          assert.ok(Number(r.headers.get("retry-after")) >= 1);
          // Other device calls are not counted against proofs.
          const cfg = await limited.fetch("/v1/device/config?client_id=a");
          assert.equal(cfg.status, 200);
          await cfg.body?.cancel();
        } finally {
          await limited.close();
        }
      });
    });

    describe("device-id takeover", () => {
      let h: Harness;
      let a: BackendT;
      before(async () => {
        h = await m.startHarness();
        a = await m.Backend.create(h, "a");
      });
      after(() => h.close());

      const score = async (sessionToken: string) => {
        const t = await a.trigger(
          { action_type: "login", session_token: sessionToken },
          "?get_recommendation=true",
        );
        assert.equal(t.status, 201, JSON.stringify(t.json));
        const rec = t.json.recommendation as Record<string, unknown>;
        return {
          reasons: rec.reasons as string[],
          score: rec.risk_score as number,
          device: (rec.context as Record<string, unknown>).device_id,
        };
      };

      it("another key presenting a known device id gets a new device; the victim's score is unchanged", async () => {
        const victim = await m.Device.create(h);
        await victim.createSession();
        const before = await score(victim.sessionToken);
        assert.ok(!before.reasons.includes("KEY_CHANGED"));

        // The attacker read the victim's `did` from a session token and presents it.
        const attacker = await m.Device.create(h);
        await attacker.createSession({ device_id: victim.deviceId, key_event: "lost" });
        assert.notEqual(attacker.deviceId, victim.deviceId, "the id is not handed over");
        const attempt = await score(attacker.sessionToken);
        assert.ok(
          attempt.reasons.includes("KEY_CHANGED"),
          "the attempt is a signal on its session",
        );
        assert.equal(attempt.device, attacker.deviceId);

        // The real device's next session keeps its id and its score.
        await victim.createSession({ device_id: victim.deviceId });
        assert.equal(victim.deviceId, before.device);
        const after = await score(victim.sessionToken);
        assert.deepEqual(after.reasons, before.reasons);
        assert.equal(after.score, before.score);
      });
    });
  },
);
