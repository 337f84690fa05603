// The in-memory store (adapters/store/memory.ts) beyond the store contract every store meets
// (store-suite.ts, run by store-conformance.test.ts): its bounds — replay tables that refuse
// when full and never forget a live id, evicting tables for the rest — and sweeping.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { DeviceSessionError } from "../../../core/errors/error.ts";
import { sessionAt as session } from "./store-suite.ts";

function clocked(o: ConstructorParameters<typeof MemoryStore>[0] = {}) {
  let t = 1_800_000_000_000;
  const store = new MemoryStore({ now: () => t, ...o });
  return { store, advance: (ms: number) => (t += ms), now: () => t };
}

describe("MemoryStore", () => {
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
