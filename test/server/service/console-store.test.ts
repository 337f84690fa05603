// The console's store contract (adapters/store/console.ts) on every store: MemoryStore,
// RedisStore on one redis-server, RedisStore on a 3-node Cluster — time buckets per client,
// the field cap, capped lists with per-entry expiry, and no data crossing between clients.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ConsoleStore } from "../../../adapters/store/console.ts";
import { MAX_FIELDS_PER_BUCKET } from "../../../adapters/store/console.ts";
import { MemoryStore } from "../../../adapters/store/memory.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const support = BROWSER ? null : await import("../../support/redis.ts");
const skipRedis = BROWSER || support!.redisSkip();
const T = { timeout: 120_000 };
const MIN = 60_000;
const HOUR = 3_600_000;

interface Opened {
  readonly console: ConsoleStore;
  close(): Promise<void>;
}

let unique = 0;
const client = () => `c${Date.now().toString(36)}${(unique++).toString(36)}`;

function consoleSuite(name: string, skip: string | false, open: () => Promise<Opened>): void {
  describe(`Console store: ${name}`, { skip }, () => {
    let opened: Promise<Opened> | null = null;
    const harness = () => (opened ??= open());
    after(async () => {
      if (opened !== null) await (await opened).close();
    });
    // Logical times, aligned to an hour, so bucket boundaries are known.
    const t0 = Math.floor(Date.now() / HOUR) * HOUR;

    it("counts into minute and hour buckets, read back per range, oldest first", T, async () => {
      const { console: c } = await harness();
      const id = client();
      await c.count(id, t0 + 5_000, { "sessions.created": 1, "actions.login": 2 });
      await c.count(id, t0 + 50_000, { "sessions.created": 1 });
      await c.count(id, t0 + 3 * MIN, { "sessions.created": 4, "telemetry.dropped": 7 });
      await c.count(id, t0 + HOUR + 1, { "sessions.created": 10 });
      const minutes = await c.series(id, "minute", t0, t0 + HOUR - 1);
      assert.deepEqual(minutes, [
        { startMs: t0, counts: { "sessions.created": 2, "actions.login": 2 } },
        { startMs: t0 + 3 * MIN, counts: { "sessions.created": 4, "telemetry.dropped": 7 } },
      ]);
      const hours = await c.series(id, "hour", t0, t0 + 2 * HOUR);
      assert.deepEqual(hours.map((b) => [b.startMs, b.counts["sessions.created"]]), [
        [t0, 6],
        [t0 + HOUR, 10],
      ]);
      assert.deepEqual(await c.series(id, "minute", t0 + MIN, t0 + 2 * MIN), [], "empty range");
    });

    it("keeps clients apart", T, async () => {
      const { console: c } = await harness();
      const a = client();
      const b = client();
      await c.count(a, t0, { "sessions.created": 3 });
      await c.push(a, "decisions", t0, '{"who":"a"}', 10, HOUR);
      assert.deepEqual(await c.series(b, "minute", t0, t0 + MIN), []);
      assert.deepEqual(await c.recent(b, "decisions", t0, HOUR, 10), []);
      assert.deepEqual(await c.recent(a, "decisions", t0, HOUR, 10), ['{"who":"a"}']);
    });

    it("caps the names per bucket; known names still count", T, async () => {
      const { console: c } = await harness();
      const id = client();
      const many = Object.fromEntries(
        Array.from({ length: MAX_FIELDS_PER_BUCKET + 20 }, (_, i) => [`actions.t${i}`, 1]),
      );
      await c.count(id, t0, many);
      await c.count(id, t0, { "actions.t0": 1, "actions.new": 1 });
      const [bucket] = await c.series(id, "minute", t0, t0);
      assert.equal(Object.keys(bucket!.counts).length, MAX_FIELDS_PER_BUCKET);
      assert.equal(bucket!.counts["actions.t0"], 2);
      assert.equal(bucket!.counts["actions.new"], undefined);
    });

    it("lists: newest first, at most cap kept, entries older than the TTL gone", T, async () => {
      const { console: c } = await harness();
      const id = client();
      for (let i = 0; i < 8; i++) {
        await c.push(id, "audit", t0 + i * MIN, `{"i":${i}}`, 5, 30 * MIN);
      }
      assert.deepEqual(await c.recent(id, "audit", t0 + 8 * MIN, 30 * MIN, 3), [
        '{"i":7}',
        '{"i":6}',
        '{"i":5}',
      ]);
      assert.equal((await c.recent(id, "audit", t0 + 8 * MIN, 30 * MIN, 100)).length, 5, "capped");
      // Read 33 minutes on: only entries newer than 30 minutes remain.
      assert.deepEqual(await c.recent(id, "audit", t0 + 33 * MIN + 1, 30 * MIN, 100), [
        '{"i":7}',
        '{"i":6}',
        '{"i":5}',
        '{"i":4}',
      ]);
      // Equal entries at the same time are both kept (an entry is not a set member).
      await c.push(id, "decisions", t0, "{}", 10, HOUR);
      await c.push(id, "decisions", t0, "{}", 10, HOUR);
      assert.equal((await c.recent(id, "decisions", t0, HOUR, 10)).length, 2);
    });
  });
}

consoleSuite("MemoryStore", false, () => {
  const store = new MemoryStore();
  return Promise.resolve({ console: store.console, close: () => store.close() });
});

consoleSuite("RedisStore, one node", skipRedis, async () => {
  const server = await support!.startRedis();
  const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
  const store = await connectRedis({ url: server.url });
  return {
    console: store.console,
    close: async () => (await store.close(), await server.dispose()),
  };
});

consoleSuite("RedisStore, 3-node Cluster", skipRedis, async () => {
  const server = await support!.startRedisCluster();
  const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
  const store = await connectRedis({ url: server.url });
  return {
    console: store.console,
    close: async () => (await store.close(), await server.dispose()),
  };
});
