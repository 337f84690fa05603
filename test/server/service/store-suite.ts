// The store conformance suite: the Store contract (adapters/store/types.ts) checked the same way
// against every store — MemoryStore, RedisStore on one redis-server, RedisStore on a Redis
// Cluster. Each store gets a harness: its clock, and how time passes (a fake clock jumps; a
// real Redis waits, so expiry steps here stay short). Times given to counters are logical
// (passed in), as the service does.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Store } from "../../../adapters/store/types.ts";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { newSession } from "../../../core/service/session.ts";
import type { ActionRecord } from "../../../core/service/action.ts";
import type { Rule } from "../../../core/wire/backend.ts";
import { newActionId } from "../../../adapters/server/ids.ts";

/** A store under test with its clock. */
export interface StoreHarness {
  readonly store: Store;
  /** The store's clock, epoch milliseconds. */
  now(): number;
  /** Lets `ms` pass on the store's clock. */
  advance(ms: number): Promise<void>;
  /**
   * The real clock (Redis): a TTL counts from when its command reaches the server, which a
   * loaded machine delays by an unknown time, so an expiry is awaited rather than expected by
   * a fixed moment. Unset: virtual time, where expiry is exact.
   */
  readonly realClock?: boolean;
}

/** Resolves once `gone()` holds: at once on a virtual clock (asserted by the caller), else polled
 * on the real one (the test's timeout is the ceiling for a record that never expires). */
async function expired(h: StoreHarness, gone: () => Promise<boolean>): Promise<void> {
  while (h.realClock === true && !(await gone())) await h.advance(100);
}

const T = { timeout: 120_000 };

export const sessionAt = (id: string, nowS: number, idleS = 1800) =>
  newSession({
    id,
    clientId: "a",
    deviceId: "d_1",
    jkt: "k".repeat(43),
    keyAssurance: "ephemeral",
    keyEvent: "none",
    keyChanged: false,
    userId: null,
    now: nowS,
    absoluteS: 86400,
    idleS,
  });

export const actionFor = (sessionId: string, seq: number | null, nowMs: number): ActionRecord => {
  const id = newActionId(sessionId);
  return {
    id,
    clientId: "a",
    sessionId,
    deviceId: "d_1",
    type: "login",
    source: "telemetry",
    seq,
    performedAtMs: nowMs,
    jkt: "k",
    keyAssurance: "ephemeral",
    userId: null,
    claimedUserId: null,
    claimedUserIdType: null,
    correlationId: null,
    ip: null,
    userAgent: null,
    transactionData: { amount: 12.5, currency: "EUR" } as ActionRecord["transactionData"],
    customAttributes: null,
    signals: {} as ActionRecord["signals"],
    token: `tok-${id}`,
    expiresAt: 0,
    outcome: null,
  };
};

const rule = (id: string, priority: number): Rule => ({
  id,
  name: id,
  priority,
  enabled: true,
  mode: "production",
  match: { action_types: ["login"] },
  recommendation: "DENY",
});

let unique = 0;
/** A fresh key or id per test (stores are shared by the tests of a describe). */
const fresh = (p: string) => `${p}${Date.now().toString(36)}${(unique++).toString(36)}`;

/**
 * Registers the suite for one store. `open` runs once (before the first test); `close` after
 * the last. `skip` is a reason to skip the whole store (no redis-server, a browser).
 */
export function storeSuite(
  name: string,
  skip: string | false,
  open: () => Promise<StoreHarness & { close(): Promise<void> }>,
): void {
  describe(`Store contract: ${name}`, { skip }, () => {
    // Opened by the first test, so a skipped suite starts nothing.
    let opened: Promise<StoreHarness & { close(): Promise<void> }> | null = null;
    const harness = () => (opened ??= open());
    after(async () => {
      if (opened !== null) await (await opened).close();
    });

    it(
      "consume: exactly one of many concurrent calls wins; the id expires; a past one is not kept",
      T,
      async () => {
        const h = await harness();
        const { store, now, advance } = h;
        // A record that outlives the burst (a loaded machine may spread 300 calls over
        // seconds): exactly one call wins, and a replay is refused.
        const k = fresh("jti");
        const results = await Promise.all(
          Array.from({ length: 300 }, () => store.consume(k, now() + 60_000)),
        );
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal(await store.consume(k, now() + 60_000), false, "a replay while recorded");
        // A short record: refused until `until` (on a real clock, a loaded machine may reach
        // `until` before the replay: then a fresh answer is right), and forgotten after it.
        const short = fresh("jti");
        const until = now() + 300;
        assert.equal(await store.consume(short, until), true);
        const replay = await store.consume(short, until);
        assert.ok(replay === false || now() >= until, "a replay while recorded");
        // Stores may keep a record longer (the memory store rounds up to the second), never shorter.
        await advance(1300);
        let later = await store.consume(short, now() + 300);
        // A real clock's TTL counts from the command's arrival (see StoreHarness.realClock).
        while (h.realClock === true && !later) {
          await advance(100);
          later = await store.consume(short, now() + 300);
        }
        assert.equal(later, true, "recorded until untilMs, not forever");
        const proof = await store.consumeProof(k, now() + 300);
        assert.equal(proof, true, "proof ids are a separate table: keys never collide");
        assert.equal(await store.consumeProof(k, now() + 300), false);
        const past = fresh("past");
        assert.equal(await store.consume(past, now() - 1), true);
        assert.equal(await store.consume(past, now() - 1), true);
      },
    );

    it(
      "sessions: copies out, patches atomically, expiry follows the session end plus retention",
      T,
      async () => {
        const h = await harness();
        const { store, now, advance } = h;
        const id = fresh("s_");
        const t = Math.floor(now() / 1000);
        const s = sessionAt(id, t, 1);
        await store.createSession(s, (s.lastSeen + 1 + 1) * 1000);
        const copy = (await store.getSession(id))!;
        assert.deepEqual(copy, s, "the record round-trips");
        copy.userId = "mutated";
        assert.equal((await store.getSession(id))!.userId, null, "a copy, not the stored object");
        const patched = (await store.patchSession(
          id,
          {
            seen: t,
            interactions: 2,
            dropped: 3,
            automation: true,
            platform: "browser",
            user: { id: "u1", seq: 5 },
          },
          t,
          1,
        ))!;
        assert.deepEqual(
          [
            patched.interactions,
            patched.dropped,
            patched.automation,
            patched.platform,
            patched.userId,
            patched.userSeq,
          ],
          [2, 3, true, "browser", "u1", 5],
        );
        const again = (await store.patchSession(
          id,
          {
            interactions: 1,
            dropped: 1,
            platform: "node",
            user: { id: "u0", seq: 4 },
          },
          t,
          1,
        ))!;
        assert.deepEqual(
          [again.interactions, again.dropped, again.platform, again.userId],
          [3, 3, "browser", "u1"],
          "commutative members; an older identify cannot undo a newer one",
        );
        const cleared = (await store.patchSession(id, { user: { id: null, seq: 0 } }, t, 1))!;
        assert.equal(cleared.userId, null);
        assert.deepEqual(await store.getSession(id), cleared);
        // Kept until lastSeen + idle + retention (2 s after lastSeen), then gone.
        await advance((t + 2) * 1000 - now() + 100);
        await expired(h, async () => (await store.getSession(id)) === null);
        assert.equal(await store.getSession(id), null);
        assert.equal(await store.patchSession(id, {}, t, 1), null);
      },
    );

    it(
      "patchSession: seen moves lastSeen only while active, capped at the absolute end",
      T,
      async () => {
        const { store, now } = await harness();
        const id = fresh("s_");
        const t = Math.floor(now() / 1000);
        await store.createSession(sessionAt(id, t), now() + 600_000);
        assert.equal(
          (await store.patchSession(id, { seen: t + 100 }, t + 100, 60))!.lastSeen,
          t + 100,
        );
        assert.equal(
          (await store.patchSession(id, { seen: t + 50 }, t + 100, 60))!.lastSeen,
          t + 100,
        );
        // Idle (1800 s) has passed at t + 2000: the session ended, seen no longer revives it.
        assert.equal(
          (await store.patchSession(id, { seen: t + 2000 }, t + 2000, 60))!.lastSeen,
          t + 100,
        );
      },
    );

    it(
      "appendEvents: fresh seqs once, highSeq; concurrent duplicates split the seqs exactly once",
      T,
      async () => {
        const { store, now } = await harness();
        const id = fresh("s_");
        await store.createSession(sessionAt(id, Math.floor(now() / 1000)), now() + 600_000);
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => store.appendEvents(id, [1, 2, 3], now() + 600_000)),
        );
        assert.deepEqual(answers.flatMap((a) => a.fresh).sort(), [1, 2, 3]);
        assert.deepEqual(await store.appendEvents(id, [3, 4], now() + 600_000), {
          fresh: [4],
          highSeq: 4,
        });
        assert.deepEqual(await store.appendEvents(id, [9, 7, 7], now() + 600_000), {
          fresh: [7, 9],
          highSeq: 9,
        });
        assert.deepEqual(await store.appendEvents(id, [8, 5], now() + 600_000), {
          fresh: [5, 8],
          highSeq: 9,
        });
        assert.deepEqual(
          await store.appendEvents(fresh("s_gone"), [2, 1, 2], now() + 600_000),
          { fresh: [1, 2], highSeq: 2 },
          "an unknown session stores nothing: every distinct seq is new",
        );
      },
    );

    it(
      "appendEvents agrees with the reference seq set on any batches (gaps, merges beyond the cap)",
      T,
      async () => {
        const { store, now } = await harness();
        const ref = new MemoryStore();
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 40 }), {
              minLength: 1,
              maxLength: 8,
            }),
            async (batches) => {
              const id = fresh("s_");
              const s = sessionAt(id, Math.floor(now() / 1000));
              await store.createSession(s, now() + 600_000);
              await ref.createSession(s, Date.now() + 600_000);
              for (const b of batches) {
                assert.deepEqual(
                  await store.appendEvents(id, b, now() + 600_000),
                  await ref.appendEvents(id, b, Date.now() + 600_000),
                );
              }
            },
          ),
          { numRuns: 25 },
        );
      },
    );

    it(
      "putAction stores an SDK action once per (session, seq); outcomes; backend actions",
      T,
      async () => {
        const { store, now } = await harness();
        const sid = fresh("s_");
        const first = actionFor(sid, 7, now());
        const second = actionFor(sid, 7, now());
        const racing = await Promise.all([
          store.putAction(first, now() + 600_000),
          store.putAction(second, now() + 600_000),
        ]);
        assert.equal(racing[0].id, racing[1].id, "one record wins for the seq");
        const winner = racing[0].id === first.id ? first : second;
        const loser = winner === first ? second : first;
        assert.deepEqual(await store.getActionBySeq(sid, 7), winner);
        assert.deepEqual(await store.getAction(winner.id), winner);
        assert.equal(await store.getAction(loser.id), null);
        assert.equal(await store.getActionBySeq(sid, 8), null);
        const outcome = {
          result: "success",
          userId: "u",
          challengeType: null,
          reportedAtMs: 1,
        } as const;
        assert.deepEqual(await store.setActionOutcome(winner.id, outcome), { ...winner, outcome });
        assert.deepEqual((await store.getAction(winner.id))!.outcome, outcome);
        const backend = { ...actionFor(sid, null, now()), source: "session" as const };
        assert.deepEqual(await store.putAction(backend, now() + 600_000), backend);
        assert.deepEqual(
          await store.putAction(backend, now() + 600_000),
          backend,
          "no seq: stored as given",
        );
        assert.equal(await store.setActionOutcome(newActionId(sid), outcome), null);
        assert.equal(await store.getAction("a_unknown"), null);
      },
    );

    it("hit: a sliding window, this event included", T, async () => {
      const { store, now } = await harness();
      const k = fresh("h");
      let t = now();
      for (let i = 1; i <= 5; i++) {
        assert.equal(await store.hit(k, t, 60_000), i);
        t += 10_000;
      }
      // t = +50 s: hits at 0,10,20,30,40; at +60.001 s the one at 0 has left the window.
      t += 10_001;
      assert.equal(await store.hit(k, t, 60_000), 5);
      const burst = await Promise.all(Array.from({ length: 50 }, () => store.hit(k, t, 60_000)));
      assert.deepEqual(
        [...burst].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, i) => 6 + i),
      );
    });

    it(
      "addDistinct: distinct members by last sighting in the window; null only counts",
      T,
      async () => {
        const { store, now } = await harness();
        const k = fresh("d");
        let t = now();
        assert.equal(await store.addDistinct(k, null, t, 1000), 0);
        assert.equal(await store.addDistinct(k, "u1", t, 1000), 1);
        assert.equal(await store.addDistinct(k, "u1", t, 1000), 1);
        assert.equal(await store.addDistinct(k, "u2", t, 1000), 2);
        t += 600;
        assert.equal(await store.addDistinct(k, "u1", t, 1000), 2);
        t += 500; // u2 (seen at 0) is out, u1 (seen at 600) is in
        assert.equal(await store.addDistinct(k, null, t, 1000), 1);
      },
    );

    it(
      "incrWindow: a fixed window with its reset time; concurrent increments all count",
      T,
      async () => {
        const { store, now } = await harness();
        const k = fresh("r");
        const t0 = now();
        assert.deepEqual(await store.incrWindow(k, t0, 60_000), {
          count: 1,
          resetAtMs: t0 + 60_000,
        });
        const counts = await Promise.all(
          Array.from({ length: 20 }, () => store.incrWindow(k, t0 + 1, 60_000)),
        );
        assert.deepEqual(
          counts.map((c) => c.count).sort((a, b) => a - b),
          Array.from({ length: 20 }, (_, i) => i + 2),
        );
        assert.equal((await store.incrWindow(k, t0 + 60_000, 60_000)).count, 1);
      },
    );

    it("devices: ids per client, bound to their key; users seen", T, async () => {
      const { store, now } = await harness();
      const reg = (clientId: string, requestedId: string | null, jkt: string) =>
        store.registerDevice({
          clientId,
          requestedId,
          freshId: fresh("d_"),
          jkt,
          expiresAtMs: now() + 600_000,
        });
      const d1 = await reg("a", null, "k1");
      assert.equal(d1.created, true);
      assert.deepEqual(await reg("a", d1.deviceId, "k1"), {
        deviceId: d1.deviceId,
        created: false,
        keyMismatch: false,
      });
      const taken = await reg("a", d1.deviceId, "k2");
      assert.deepEqual(taken, { deviceId: taken.deviceId, created: true, keyMismatch: true });
      assert.notEqual(taken.deviceId, d1.deviceId, "another key never gets a known id");
      assert.deepEqual(
        await reg("a", d1.deviceId, "k1"),
        { deviceId: d1.deviceId, created: false, keyMismatch: false },
        "the stored device kept its key",
      );
      const other = await reg("b", d1.deviceId, "k2");
      assert.notEqual(other.deviceId, d1.deviceId, "another client's device id is unknown");
      assert.equal((await reg("a", fresh("d_unknown"), "k1")).created, true);
      assert.equal(await store.knowsUser("a", d1.deviceId, "u"), false);
      assert.equal(await store.linkUser("a", d1.deviceId, "u", now() + 600_000), false);
      assert.equal(await store.linkUser("a", d1.deviceId, "u", now() + 600_000), true);
      assert.equal(await store.knowsUser("a", d1.deviceId, "u"), true);
      assert.equal(await store.knowsUser("b", d1.deviceId, "u"), false);
      assert.equal(
        await store.linkUser("a", fresh("d_none"), "u", now() + 600_000),
        false,
        "unknown device",
      );
      // The least recently associated users are forgotten beyond 64 per device.
      for (let i = 0; i < 64; i++) await store.linkUser("a", d1.deviceId, `v${i}`, now() + 600_000);
      assert.equal(await store.knowsUser("a", d1.deviceId, "u"), false);
      assert.equal(await store.knowsUser("a", d1.deviceId, "v0"), true);
    });

    it(
      "rules: unique priority per client, limit, update and delete, per-client isolation",
      T,
      async () => {
        const { store } = await harness();
        const a = fresh("c_");
        const b = fresh("c_");
        assert.equal((await store.putRule(a, rule("r_1", 5), "create", 2)).ok, true);
        assert.deepEqual(await store.putRule(a, rule("r_2", 5), "create", 2), {
          ok: false,
          reason: "priority_taken",
        });
        assert.equal((await store.putRule(a, rule("r_2", 1), "create", 2)).ok, true);
        assert.deepEqual(await store.putRule(a, rule("r_3", 9), "create", 2), {
          ok: false,
          reason: "limit",
        });
        assert.deepEqual((await store.listRules(a)).map((x) => x.id), ["r_2", "r_1"]);
        assert.equal((await store.putRule(a, rule("r_1", 7), "update", 2)).ok, true);
        assert.deepEqual(await store.getRule(a, "r_1"), rule("r_1", 7));
        assert.equal(
          (await store.putRule(a, rule("r_2", 5), "update", 2)).ok,
          true,
          "priority 5 was freed",
        );
        assert.deepEqual(await store.putRule(a, rule("r_9", 7), "update", 2), {
          ok: false,
          reason: "not_found",
        });
        assert.equal(await store.getRule(b, "r_1"), null);
        assert.equal(await store.deleteRule(b, "r_1"), false);
        assert.equal(await store.deleteRule(a, "r_1"), true);
        assert.deepEqual((await store.listRules(a)).map((x) => x.id), ["r_2"]);
        assert.equal(
          (await store.putRule(a, rule("r_4", 7), "create", 2)).ok,
          true,
          "priority 7 was freed",
        );
        assert.deepEqual(await store.listRules(b), []);
      },
    );

    it(
      "rules, devices and users agree with the reference store on any sequence of writes",
      T,
      async () => {
        const { store, now } = await harness();
        type Op =
          | { k: "put"; id: number; priority: number; mode: "create" | "update" }
          | { k: "del"; id: number }
          | { k: "reg"; requested: number | null; jkt: number }
          | { k: "link"; device: number; user: number }
          | { k: "knows"; device: number; user: number };
        const op: fc.Arbitrary<Op> = fc.oneof(
          fc.record({
            k: fc.constant("put" as const),
            id: fc.integer({ min: 1, max: 4 }),
            priority: fc.integer({ min: 1, max: 4 }),
            mode: fc.constantFrom("create" as const, "update" as const),
          }),
          fc.record({ k: fc.constant("del" as const), id: fc.integer({ min: 1, max: 4 }) }),
          fc.record({
            k: fc.constant("reg" as const),
            requested: fc.option(fc.integer({ min: 0, max: 3 })),
            jkt: fc.integer({ min: 1, max: 2 }),
          }),
          fc.record({
            k: fc.constant("link" as const),
            device: fc.integer({ min: 0, max: 3 }),
            user: fc.integer({ min: 1, max: 3 }),
          }),
          fc.record({
            k: fc.constant("knows" as const),
            device: fc.integer({ min: 0, max: 3 }),
            user: fc.integer({ min: 1, max: 3 }),
          }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
            const ref = new MemoryStore();
            const client = fresh("c_");
            const devices: string[] = []; // device ids handed out, in order (same in both)
            const until = now() + 600_000;
            for (const [i, o] of ops.entries()) {
              const both = async <T>(f: (st: Store) => Promise<T>) => {
                const [got, want] = [await f(store), await f(ref)];
                assert.deepEqual(got, want, `op ${i}: ${JSON.stringify(o)}`);
                return got;
              };
              if (o.k === "put") {
                await both((st) => st.putRule(client, rule(`r_${o.id}`, o.priority), o.mode, 2));
                await both(async (st) => (await st.listRules(client)).map((r) => r.id));
              } else if (o.k === "del") {
                await both((st) => st.deleteRule(client, `r_${o.id}`));
              } else if (o.k === "reg") {
                const requested = o.requested === null
                  ? null
                  : devices[o.requested] ?? `d_none${o.requested}`;
                const freshId = `${client}d${i}`;
                const r = await both((st) =>
                  st.registerDevice({
                    clientId: client,
                    requestedId: requested,
                    freshId,
                    jkt: `k${o.jkt}`,
                    expiresAtMs: until,
                  })
                );
                if (r.created) devices.push(r.deviceId);
              } else {
                const device = devices[o.device] ?? "d_missing";
                await both((st) =>
                  o.k === "link"
                    ? st.linkUser(client, device, `u${o.user}`, until)
                    : st.knowsUser(client, device, `u${o.user}`)
                );
              }
            }
          }),
          { numRuns: 30 },
        );
      },
    );
  });
}
