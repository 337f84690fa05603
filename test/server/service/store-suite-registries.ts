// The store conformance suite's counters and registries (store-suite.ts runs them on each
// store): sliding and fixed windows, distinct members, devices and users, rules.
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import type { Store } from "../../../adapters/store/types.ts";
import { fresh, rule, type StoreHarness, T } from "./store-suite-kit.ts";

/** Registers the counter and registry checks of one store, opened by `harness`. */
export function registryTests(harness: () => Promise<StoreHarness>): void {
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
}
