// A property (fast-check): the real SDK driver sends telemetry to a service whose store is
// Redis, while Redis is stopped (SIGTERM or SIGKILL) and started again at random. Whatever the
// schedule, once Redis is back and the queue drains, every tracked event was stored at most
// once and every event not stored was reported dropped by the SDK; the service never answered
// a 5xx other than 503 ERR_UNAVAILABLE.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Harness } from "../support/harness.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const support = BROWSER ? null : await import("../../support/redis.ts");
const SKIP = BROWSER || support!.redisSkip();

type Step =
  | { kind: "track"; n: number }
  | { kind: "stop"; hard: boolean }
  | { kind: "start" }
  | { kind: "wait"; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("track" as const), n: fc.integer({ min: 1, max: 15 }) }),
  fc.record({ kind: fc.constant("stop" as const), hard: fc.boolean() }),
  fc.record({ kind: fc.constant("start" as const) }),
  fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 20, max: 400 }) }),
);

describe("SDK → service → Redis stopped and started at random", { skip: SKIP }, () => {
  let redis: Awaited<ReturnType<NonNullable<typeof support>["startRedis"]>>;
  let h: Harness;
  const statuses: number[] = [];
  before(async () => {
    redis = await support!.startRedis({ persist: true });
    const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
    const store = await connectRedis({ url: redis.url, commandTimeoutMs: 300 });
    const m = await import("../support/harness.ts");
    h = await m.startHarness({ store, ready: () => store.ping() });
  });
  after(async () => {
    await h?.close();
    await redis?.dispose();
  });

  it("every event is stored once or reported dropped; only 503s while Redis is away", {
    timeout: 300_000,
  }, async () => {
    const { SessionDriver } = await import("../../../adapters/driver/driver.ts");
    const { FetchTransport } = await import("../../../adapters/transport/fetch.ts");
    const { MemoryKeyStore } = await import("../../../adapters/sdk/ports-web.ts");
    const { MemoryStorage } = await import("../../../adapters/testing/storage.ts");
    const fetchTransport = new FetchTransport();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        await redis.start(); // a run starts with Redis up
        const timers = new Set<{ at: number; fn: () => void }>();
        const driver = new SessionDriver(
          {
            clientId: "a",
            serverPath: `${h.url}/`,
            enableSessionToken: true,
            flushIntervalMs: 100,
          },
          {
            clock: { now: Date.now },
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
                const r = await fetchTransport.send(request, options);
                statuses.push(r.status);
                return r;
              },
              beacon: (request) => fetchTransport.beacon(request),
            },
          },
        );
        const poll = setInterval(() => {
          for (const t of [...timers]) {
            if (Date.now() >= t.at) {
              timers.delete(t);
              t.fn();
            }
          }
        }, 10);
        let dropped = 0;
        driver.on((e) => {
          if (e.type === "dropped") dropped += (e as { count: number }).count;
        });
        try {
          await driver.start({});
          await driver.getSessionToken(); // the session exists
          const sid = driver.state.session!.id;
          let tracked = 0;
          for (const s of steps) {
            if (s.kind === "track") {
              for (let i = 0; i < s.n; i++) driver.track("interaction", { kind: "click" });
              tracked += s.n;
            } else if (s.kind === "stop") await redis.stop(s.hard);
            else if (s.kind === "start") await redis.start();
            else await new Promise((r) => setTimeout(r, s.ms));
          }
          await redis.start();
          // The store reconnects by itself (backoff up to 1 s): wait until it answers again.
          await support!.untilReady(h.fetch);
          await driver.flush(); // retries (Retry-After: 1) until the queue is empty
          const stored = (await h.service.store.getSession(sid))!.interactions;
          assert.ok(stored <= tracked, `stored ${stored} of ${tracked}: an event stored twice`);
          assert.ok(stored + dropped >= tracked, `${tracked - stored} lost, ${dropped} reported`);
        } finally {
          await driver.shutdown().catch(() => {});
          clearInterval(poll);
        }
      }),
      { numRuns: 6, includeErrorInReport: true },
    );
    assert.deepEqual(
      [...new Set(statuses.filter((s) => s >= 500))],
      statuses.some((s) => s >= 500) ? [503] : [],
      "no 5xx but 503",
    );
  });
});
