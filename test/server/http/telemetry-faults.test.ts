// Telemetry under scripted store faults (SPEC §8.5, §11): one store call of a batch fails,
// before it ran or after it ran with its answer lost (a command timeout, a Redis that stops
// mid-request), the service answers 503, and the device resends the same batch, as the SDK
// does. Whatever call fails, the stored session ends exactly as if nothing had failed: every
// interaction counted once, automation, platform and user set, the user linked to the device.
// No timers: the fault is a counter over store calls, the property enumerates its position.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Harness } from "../support/harness.ts";
import type { Store } from "../../../adapters/store/types.ts";

/** Which store call fails next (0 = the first call after arming), and how. */
interface Fault {
  at: number;
  lost: boolean;
}

/** `store` whose calls fail as scripted by `fault` (one fault, then disarmed). */
function faulty(store: Store, state: { fault: Fault | null; calls: number }): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const f = state.fault;
        if (f === null || state.calls++ !== f.at) return await value.apply(target, args);
        state.fault = null;
        const { storeUnavailable } = await import("../../../adapters/store/redis/errors.ts");
        // "lost": the call ran (the store changed), only its answer never came back.
        if (f.lost) await value.apply(target, args);
        throw storeUnavailable(new Error(`scripted fault at call ${f.at}`));
      };
    },
  });
}

const BROWSER = typeof window !== "undefined" && "needs a server runtime";
const redis = BROWSER ? null : await import("../../support/redis.ts");

/** Stores to run against: the memory store, and Redis when `redis-server` is here. */
const STORES: [string, string | false, () => Promise<{ store: Store; close(): Promise<void> }>][] =
  [
    ["memory", BROWSER, async () => {
      const { MemoryStore } = await import("../../../adapters/store/memory.ts");
      return { store: new MemoryStore(), close: () => Promise.resolve() };
    }],
    ["redis", BROWSER || redis!.redisSkip(), async () => {
      const server = await redis!.startRedis();
      const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
      const store = await connectRedis({ url: server.url });
      return {
        store,
        async close() {
          await store.close();
          await server.dispose();
        },
      };
    }],
  ];

for (const [name, skip, open] of STORES) {
  describe(
    `telemetry on the ${name} store: a store fault mid-batch loses nothing (SPEC §8.5, §11)`,
    {
      skip,
    },
    () => {
      let h: Harness;
      let m: typeof import("../support/harness.ts");
      let opened: Awaited<ReturnType<typeof open>>;
      const state: { fault: Fault | null; calls: number } = { fault: null, calls: 0 };
      before(async () => {
        m = await import("../support/harness.ts");
        opened = await open();
        h = await m.startHarness({ store: faulty(opened.store, state) });
      });
      after(async () => {
        await h?.close();
        await opened?.close();
      });

      it(
        "whichever store call fails (before or after it ran), the resent batch leaves the session as without a fault",
        {
          timeout: 120_000,
        },
        async () => {
          // Enough positions to reach every store call a batch makes (the property checks this).
          const calls = fc.nat({ max: 12 });
          await fc.assert(
            fc.asyncProperty(
              calls,
              fc.boolean(),
              fc.integer({ min: 1, max: 4 }),
              async (at, lost, n) => {
                const d = await m.Device.create(h);
                await d.createSession();
                const events = [
                  ...Array.from(
                    { length: n },
                    (_, i) => m.ev(i + 1, "interaction", { kind: "click" }),
                  ),
                  m.ev(n + 1, "device", { automation: true, platform: "linux" }),
                  m.ev(n + 2, "identify", { user_id: "u-7", previous_user_id: null }),
                ];
                state.calls = 0;
                state.fault = { at, lost };
                const first = await d.telemetry(events);
                await first.body?.cancel();
                const faulted = state.fault === null;
                state.fault = null;
                assert.equal(first.status, faulted ? 503 : 200, `call ${at} failed: 503, else 200`);
                // The SDK resends an unacknowledged batch as it was.
                const again = await m.read(await d.telemetry(events));
                assert.equal(again.status, 200, JSON.stringify(again.json));
                assert.equal(again.json.acked_seq, n + 2);
                assert.equal(again.json.user_id, "u-7");
                const s = (await h.service.store.getSession(d.sessionId))!;
                assert.equal(
                  s.interactions,
                  n,
                  `interactions after a fault at call ${at} (lost ${lost})`,
                );
                assert.equal(s.automation, true);
                assert.equal(s.platform, "linux");
                assert.equal(s.userId, "u-7");
                assert.ok(
                  await h.service.store.knowsUser("a", d.deviceId, "u-7"),
                  "the user is linked",
                );
              },
            ),
            {
              numRuns: 40, // the 26 examples, then random batch sizes
              // Every position, both ways, so coverage never rests on the random draws.
              examples: Array.from({ length: 13 }, (_, at) => [[at, true, 2], [at, false, 1]])
                .flat() as [
                  number,
                  boolean,
                  number,
                ][],
            },
          );
        },
      );
    },
  );
}
