// The in-memory store (adapters/store/memory.ts) beyond the store contract every store meets
// (store-suite.ts, run by store-conformance.test.ts): bounded memory, sweeping.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { sessionAt as session } from "./store-suite.ts";

function clocked(o: ConstructorParameters<typeof MemoryStore>[0] = {}) {
  let t = 1_800_000_000_000;
  const store = new MemoryStore({ now: () => t, ...o });
  return { store, advance: (ms: number) => (t += ms), now: () => t };
}

describe("MemoryStore", () => {
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
