// The in-memory store (adapters/store/memory.ts): atomic units, expiry on an injected clock,
// bounded memory, sliding windows, devices, actions once, rules with unique priorities.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { DeviceSessionError } from "../../../core/errors/error.ts";
import { newSession } from "../../../core/service/session.ts";
import type { ActionRecord } from "../../../core/service/action.ts";
import type { Rule } from "../../../core/wire/backend.ts";

function clocked(o: ConstructorParameters<typeof MemoryStore>[0] = {}) {
  let t = 1_800_000_000_000;
  const store = new MemoryStore({ now: () => t, ...o });
  return { store, advance: (ms: number) => (t += ms), now: () => t };
}

const session = (id: string, nowS: number) =>
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
    idleS: 1800,
  });

describe("MemoryStore", () => {
  it("consume: exactly one of many concurrent calls wins; the id expires", async () => {
    const { store, advance, now } = clocked();
    const results = await Promise.all(
      Array.from({ length: 500 }, () => store.consume("jti", now() + 1000)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    advance(1000);
    assert.equal(await store.consume("jti", now() + 1000), true);
    // An id whose retention already passed is not remembered.
    assert.equal(await store.consume("past", now() - 1), true);
    assert.equal(await store.consume("past", now() - 1), true);
  });

  for (const table of ["consume", "consumeProof"] as const) {
    it(`${table}: a full table never forgets a live id; it refuses new ids with ERR_UNAVAILABLE`, async () => {
      const { store, advance, now } = clocked({ maxReplayIds: 50, maxProofIds: 50 });
      assert.equal(await store[table]("victim", now() + 600_000), true);
      for (let i = 0; i < 49; i++) assert.equal(await store[table](`f${i}`, now() + 60_000), true);
      const refused = await store[table]("one-more", now() + 60_000).then(
        () => assert.fail("a full table accepted a new id"),
        (e: unknown) => e,
      );
      assert.ok(refused instanceof DeviceSessionError);
      assert.equal(refused.code, "ERR_UNAVAILABLE");
      assert.equal(refused.details?.retry_after_s, 60);
      assert.equal(await store[table]("victim", now() + 600_000), false, "still a replay");
      assert.equal(await store[table]("f0", now() + 60_000), false);
      advance(60_000); // the 49 fillers expire; the victim does not
      assert.equal(await store[table]("one-more", now() + 60_000), true);
      assert.equal(await store[table]("victim", now() + 600_000), false);
    });
  }

  it("consume and consumeProof are separate tables: proofs cannot crowd out token ids", async () => {
    const { store, now } = clocked({ maxReplayIds: 5, maxProofIds: 5 });
    assert.equal(await store.consume("same", now() + 60_000), true);
    assert.equal(await store.consumeProof("same", now() + 60_000), true, "keys never collide");
    for (let i = 0; i < 4; i++) await store.consumeProof(`p${i}`, now() + 60_000);
    await assert.rejects(store.consumeProof("p-full", now() + 60_000), { code: "ERR_UNAVAILABLE" });
    assert.equal(await store.consume("t-new", now() + 60_000), true, "the token table has room");
    assert.equal(store.stats().proofIds, 5);
  });

  it("sessions: copies out, patches atomically, expiry follows the session end plus retention", async () => {
    const { store, advance, now } = clocked();
    const s = session("s_1", Math.floor(now() / 1000));
    await store.createSession(s, (s.lastSeen + 1800 + 100) * 1000);
    const copy = (await store.getSession("s_1"))!;
    copy.userId = "mutated";
    assert.equal((await store.getSession("s_1"))!.userId, null, "a copy, not the stored object");
    advance(1000_000);
    const t = Math.floor(now() / 1000);
    const patched = await store.patchSession("s_1", { seen: t, interactions: 2 }, t, 100);
    assert.equal(patched!.lastSeen, t);
    advance((1800 + 99) * 1000);
    assert.ok(await store.getSession("s_1"), "kept until lastSeen + idle + retention");
    advance(2000);
    assert.equal(await store.getSession("s_1"), null);
    assert.equal(await store.patchSession("s_1", {}, t, 100), null);
  });

  it("appendEvents: fresh seqs once, highSeq; concurrent duplicates split the seqs exactly once", async () => {
    const { store, now } = clocked();
    const s = session("s_2", Math.floor(now() / 1000));
    await store.createSession(s, now() + 1e9);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => store.appendEvents("s_2", [1, 2, 3], now() + 1e9)),
    );
    assert.deepEqual(answers.flatMap((a) => a.fresh).sort(), [1, 2, 3]);
    assert.deepEqual(await store.appendEvents("s_2", [3, 4], now() + 1e9), {
      fresh: [4],
      highSeq: 4,
    });
  });

  it("putAction stores an SDK action once per (session, seq)", async () => {
    const { store, now } = clocked();
    const a = (id: string): ActionRecord => ({
      id,
      clientId: "a",
      sessionId: "s_1",
      deviceId: "d_1",
      type: "login",
      source: "telemetry",
      seq: 7,
      performedAtMs: now(),
      jkt: "k",
      keyAssurance: "ephemeral",
      userId: null,
      claimedUserId: null,
      claimedUserIdType: null,
      correlationId: null,
      ip: null,
      userAgent: null,
      transactionData: null,
      customAttributes: null,
      signals: {} as ActionRecord["signals"],
      token: `tok-${id}`,
      expiresAt: 0,
      outcome: null,
    });
    const first = await store.putAction(a("a_1"), now() + 1e6);
    const second = await store.putAction(a("a_2"), now() + 1e6);
    assert.equal(first.id, "a_1");
    assert.equal(second.id, "a_1");
    assert.equal((await store.getActionBySeq("s_1", 7))!.token, "tok-a_1");
    assert.equal(await store.getAction("a_2"), null);
    const updated = await store.setActionOutcome("a_1", {
      result: "success",
      userId: "u",
      challengeType: null,
      reportedAtMs: 1,
    });
    assert.equal(updated!.outcome!.result, "success");
  });

  it("hit: a sliding window, this event included", async () => {
    const { store, advance, now } = clocked();
    for (let i = 1; i <= 5; i++) {
      assert.equal(await store.hit("k", now(), 60_000), i);
      advance(10_000);
    }
    // t = +50 s: hits at 0,10,20,30,40; at +60.001 s the one at 0 has left the window.
    advance(10_001);
    assert.equal(await store.hit("k", now(), 60_000), 5);
  });

  it("addDistinct: distinct members by last sighting in the window; null only counts", async () => {
    const { store, advance, now } = clocked();
    assert.equal(await store.addDistinct("d", null, now(), 1000), 0);
    assert.equal(await store.addDistinct("d", "u1", now(), 1000), 1);
    assert.equal(await store.addDistinct("d", "u1", now(), 1000), 1);
    assert.equal(await store.addDistinct("d", "u2", now(), 1000), 2);
    advance(600);
    assert.equal(await store.addDistinct("d", "u1", now(), 1000), 2);
    advance(500); // u2 (seen at 0) is out, u1 (seen at 600) is in
    assert.equal(await store.addDistinct("d", null, now(), 1000), 1);
  });

  it("incrWindow: a fixed window with its reset time", async () => {
    const { store, advance, now } = clocked();
    const t0 = now();
    assert.deepEqual(await store.incrWindow("r", now(), 60_000), {
      count: 1,
      resetAtMs: t0 + 60_000,
    });
    assert.equal((await store.incrWindow("r", now(), 60_000)).count, 2);
    advance(60_000);
    assert.equal((await store.incrWindow("r", now(), 60_000)).count, 1);
  });

  it("devices: ids per client, key changes, users seen", async () => {
    const { store, now } = clocked();
    const reg = (clientId: string, requestedId: string | null, jkt: string) =>
      store.registerDevice({
        clientId,
        requestedId,
        freshId: `d_${Math.random()}`,
        jkt,
        expiresAtMs: now() + 1e9,
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
    assert.equal(await store.knowsUser("a", d1.deviceId, "u"), false);
    assert.equal(await store.linkUser("a", d1.deviceId, "u", now() + 1e9), false);
    assert.equal(await store.linkUser("a", d1.deviceId, "u", now() + 1e9), true);
    assert.equal(await store.knowsUser("a", d1.deviceId, "u"), true);
    assert.equal(await store.knowsUser("b", d1.deviceId, "u"), false);
  });

  it("rules: unique priority per client, limit, update and delete, per-client isolation", async () => {
    const { store } = clocked();
    const r = (id: string, priority: number): Rule => ({
      id,
      name: id,
      priority,
      enabled: true,
      mode: "production",
      match: { action_types: ["login"] },
      recommendation: "DENY",
    });
    assert.equal((await store.putRule("a", r("r_1", 5), "create", 2)).ok, true);
    assert.deepEqual(await store.putRule("a", r("r_2", 5), "create", 2), {
      ok: false,
      reason: "priority_taken",
    });
    assert.equal((await store.putRule("a", r("r_2", 1), "create", 2)).ok, true);
    assert.deepEqual(await store.putRule("a", r("r_3", 9), "create", 2), {
      ok: false,
      reason: "limit",
    });
    assert.deepEqual((await store.listRules("a")).map((x) => x.id), ["r_2", "r_1"]);
    assert.equal((await store.putRule("a", r("r_1", 5), "update", 2)).ok, true);
    assert.deepEqual(await store.putRule("a", r("r_9", 7), "update", 2), {
      ok: false,
      reason: "not_found",
    });
    assert.equal(await store.getRule("b", "r_1"), null);
    assert.equal(await store.deleteRule("b", "r_1"), false);
    assert.equal(await store.deleteRule("a", "r_1"), true);
    assert.deepEqual((await store.listRules("a")).map((x) => x.id), ["r_2"]);
  });

  it("stays bounded: beyond maxSessions the oldest session is evicted; expired entries are swept", async () => {
    const { store, advance, now } = clocked({ maxSessions: 100 });
    const t = Math.floor(now() / 1000);
    for (let i = 0; i < 150; i++) await store.createSession(session(`s_${i}`, t), now() + 10_000);
    assert.equal(store.stats().sessions, 100);
    assert.equal(await store.getSession("s_0"), null);
    assert.ok(await store.getSession("s_149"));
    advance(10_001);
    assert.equal(store.sweep() >= 100, true);
    assert.equal(store.stats().sessions, 0);
  });
});
