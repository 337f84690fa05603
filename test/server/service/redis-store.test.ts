// RedisStore beyond the store contract (store-suite.ts): what it leaves in Redis (every key
// has a TTL, sessions stay listpack-encoded, a session's keys share one Cluster slot), scripts
// surviving a flushed script cache, store URLs, and faults failing closed — Redis stopped or
// out of memory answers ERR_UNAVAILABLE (never a fresh consume), and the store recovers by
// itself when Redis returns.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { actionFor, sessionAt } from "./store-suite.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const support = BROWSER ? null : await import("../../support/redis.ts");
const SKIP = BROWSER || support!.redisSkip();
const T = { timeout: 120_000 };

type Mod = typeof import("../../../adapters/store/redis/mod.ts");
const mod = (): Promise<Mod> => import("../../../adapters/store/redis/mod.ts");

const unavailable = (e: { code?: string; details?: { retry_after_s?: number } }) => {
  assert.equal(e.code, "ERR_UNAVAILABLE");
  assert.equal(e.details?.retry_after_s, 1);
  return true;
};

describe("RedisStore on one node", { skip: SKIP }, () => {
  let server: Awaited<ReturnType<NonNullable<typeof support>["startRedis"]>> | null = null;
  const started = async () => (server ??= await support!.startRedis());
  after(async () => void (await server?.dispose()));

  it("every key it writes has a TTL; a session hash stays listpack-encoded", T, async () => {
    const redis = await started();
    const store = await (await mod()).connectRedis({ url: redis.url, prefix: "ttl:" });
    const now = Date.now();
    const sid = "s_" + "t".repeat(22);
    await store.createSession(sessionAt(sid, Math.floor(now / 1000)), now + 60_000);
    await store.patchSession(
      sid,
      { seen: Math.floor(now / 1000), user: { id: "u".repeat(40), seq: 1 } },
      Math.floor(now / 1000),
      60,
    );
    await store.appendEvents(sid, [1, 2, 5], now + 60_000);
    await store.putAction(actionFor(sid, 3, now), now + 60_000);
    await store.consume("j", now + 60_000);
    await store.consumeProof("p", now + 60_000);
    await store.hit("h", now, 60_000);
    await store.addDistinct("d", "m", now, 60_000);
    await store.incrWindow("w", now, 60_000);
    const dev = await store.registerDevice({
      clientId: "c",
      requestedId: null,
      freshId: "d_1",
      jkt: "k".repeat(43),
      expiresAtMs: now + 60_000,
    });
    await store.linkUser("c", dev.deviceId, "u", now + 60_000);
    await store.putRule(
      "c",
      {
        id: "r_1",
        name: "r",
        priority: 1,
        enabled: true,
        mode: "production",
        match: {},
        recommendation: "DENY",
      },
      "create",
      10,
    );
    const keys = (await redis.cli("--scan", "--pattern", "ttl:*")).trim().split("\n").sort();
    assert.equal(keys.length, 12, keys.join(" "));
    for (const k of keys) {
      const ttl = Number(await redis.cli("pttl", k));
      assert.ok(ttl > 0, `${k} has a TTL (${ttl})`);
    }
    assert.equal((await redis.cli("object", "encoding", `ttl:{s:${sid}}`)).trim(), "listpack");
    await store.close();
  });

  it(
    "runs its scripts again after the script cache is flushed (EVALSHA → NOSCRIPT → EVAL)",
    T,
    async () => {
      const redis = await started();
      const store = await (await mod()).connectRedis({ url: redis.url, prefix: "ns:" });
      const t = Date.now();
      assert.equal(await store.hit("k", t, 60_000), 1);
      await redis.cli("script", "flush");
      assert.equal(await store.hit("k", t + 1, 60_000), 2);
      await store.close();
    },
  );

  it(
    "out of memory (maxmemory, noeviction): consume answers ERR_UNAVAILABLE, never true",
    T,
    async () => {
      const redis = await started();
      const store = await (await mod()).connectRedis({ url: redis.url, prefix: "oom:" });
      await redis.cli("config", "set", "maxmemory", "1");
      try {
        await assert.rejects(store.consume("j", Date.now() + 60_000), unavailable);
        await assert.rejects(store.consumeProof("j", Date.now() + 60_000), unavailable);
      } finally {
        await redis.cli("config", "set", "maxmemory", "0");
      }
      assert.equal(await store.consume("j", Date.now() + 60_000), true, "nothing was recorded");
      await store.close();
    },
  );

  it(
    "Redis stopped: every call fails closed with ERR_UNAVAILABLE; it recovers without a new store",
    T,
    async () => {
      const redis = await support!.startRedis();
      const store = await (await mod()).connectRedis({ url: redis.url });
      assert.equal(await store.consume("before", Date.now() + 60_000), true);
      assert.equal(await store.ping(), true);
      await redis.stop(true);
      const calls = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => store.consume(`during-${i % 5}`, Date.now() + 60_000)),
      );
      for (const c of calls) {
        assert.equal(c.status, "rejected");
        unavailable((c as PromiseRejectedResult).reason);
      }
      await assert.rejects(store.getSession("s_x"), unavailable);
      assert.equal(await store.ping(), false);
      await redis.start();
      // The client reconnects by itself (backoff up to 1 s): wait for readiness, as /readyz does.
      // No deadline: the test's timeout is the ceiling, however slow the machine.
      while (!(await store.ping())) await new Promise((r) => setTimeout(r, 50));
      assert.equal(
        await store.consume("during-0", Date.now() + 60_000),
        true,
        "no failed call recorded anything",
      );
      await store.close();
      await redis.dispose();
    },
  );

  it(
    "opt-in WAIT: a consume no replica acknowledged answers ERR_UNAVAILABLE; the id stays consumed",
    T,
    async () => {
      const redis = await started();
      const { connectRedis } = await mod();
      const store = await connectRedis({
        url: redis.url,
        prefix: "wait:",
        waitReplicas: 1,
        waitMs: 20,
      });
      // This server has no replica: WAIT 1 answers 0 after 20 ms.
      await assert.rejects(store.consume("j", Date.now() + 60_000), unavailable);
      assert.equal(await store.consume("j", Date.now() + 60_000), false, "a retry is a replay");
      assert.equal(await store.consumeProof("p", Date.now() + 60_000), true, "proofs never wait");
      await store.close();
    },
  );

  it(
    "event stream: each fresh event appended once, with its dedupe, even under concurrent duplicates",
    T,
    async () => {
      const redis = await started();
      const { connectRedis } = await mod();
      const store = await connectRedis({ url: redis.url, prefix: "ev:", events: { maxLen: 1000 } });
      const now = Date.now();
      const sid = "s_" + "e".repeat(22);
      await store.createSession(sessionAt(sid, Math.floor(now / 1000)), now + 60_000);
      const events: { seq: number; type: string; data: { n: number } }[] = [1, 2, 3, 4].map((
        seq,
      ) => ({ seq, type: "interaction", data: { n: seq } }));
      await Promise.all(
        Array.from(
          { length: 10 },
          () => store.appendEvents(sid, [1, 2, 3, 4], now + 60_000, { clientId: "shop", events }),
        ),
      );
      await store.appendEvents(sid, [4, 5], now + 60_000, {
        clientId: "shop",
        events: [events[3]!, { seq: 5, type: "page", data: { n: 5 } }],
      });
      const lines = (await redis.cli("xrange", "ev:ev:shop", "-", "+")).trim().split("\n");
      const seqs = lines.filter((_, i) => lines[i - 1] === "seq").map(Number);
      assert.deepEqual(seqs, [1, 2, 3, 4, 5], "each event once, in order");
      const first = lines[lines.indexOf("event") + 1]!;
      assert.deepEqual(JSON.parse(first), events[0]);
      assert.ok(Number(await redis.cli("pttl", "ev:ev:shop")) > 0, "the stream has a TTL");
      await store.close();
      await assert.rejects(
        connectRedis({ url: "redis+cluster://127.0.0.1:1", events: { maxLen: 10 } }),
        (e: { code?: string }) => e.code === "ERR_CONFIG",
      );
    },
  );

  it(
    "first connection to a missing server: ERR_UNAVAILABLE within the connect timeout",
    T,
    async () => {
      const { connectRedis } = await mod();
      await assert.rejects(
        connectRedis({ url: "redis+unix:///nonexistent/ds.sock", connectTimeoutMs: 300 }),
        unavailable,
      );
    },
  );
});

describe("RedisStore on a 3-node Cluster", { skip: SKIP }, () => {
  it(
    "a session's keys, its actions and a device's keys share one slot; consumed ids spread",
    T,
    async () => {
      const cluster = await support!.startRedisCluster();
      try {
        const { RedisStore } = await mod();
        const keysOf: string[][] = [];
        const store = new RedisStore({
          redis: {
            send(argv) {
              if (argv[0] === "EVALSHA") {
                keysOf.push(argv.slice(3, 3 + Number(argv[2])).map(String));
              }
              return Promise.reject(new Error("NOSCRIPT test")); // record only
            },
          },
        });
        const sid = "s_" + "c".repeat(22);
        const now = Date.now();
        await store.patchSession(sid, {}, 0, 0).catch(() => {});
        await store.putAction(actionFor(sid, 1, now), now + 1000).catch(() => {});
        await store.linkUser("c", "d_1", "u", now + 1000).catch(() => {});
        for (const keys of keysOf) {
          const slots = new Set(
            await Promise.all(keys.map((k) => cluster.cli("cluster", "keyslot", k))),
          );
          assert.equal(slots.size, 1, keys.join(" "));
        }
        assert.equal(keysOf.length, 3);
      } finally {
        await cluster.dispose();
      }
    },
  );
});

describe("store URLs", () => {
  it("parses node, TLS, unix and cluster locations; anything else is ERR_CONFIG", async () => {
    const { parseRedisUrl } = await mod();
    assert.deepEqual(parseRedisUrl("redis://127.0.0.1:6380/2"), {
      kind: "node",
      tls: false,
      host: "127.0.0.1",
      port: 6380,
      db: 2,
    });
    assert.deepEqual(parseRedisUrl("rediss://u:p%40ss@redis.example"), {
      kind: "node",
      tls: true,
      host: "redis.example",
      port: 6379,
      db: 0,
      username: "u",
      password: "p@ss",
    });
    assert.deepEqual(parseRedisUrl("redis+unix:///run/redis.sock?db=3"), {
      kind: "unix",
      path: "/run/redis.sock",
      db: 3,
    });
    assert.deepEqual(parseRedisUrl("redis+cluster://a:7000,b:7001"), {
      kind: "cluster",
      tls: false,
      nodes: [{ host: "a", port: 7000 }, { host: "b", port: 7001 }],
    });
    for (
      const bad of [
        "redis",
        "http://x",
        "redis://h:99999",
        "redis://h/x",
        "redis+cluster://",
        "redis+unix://rel",
      ]
    ) {
      assert.throws(
        () => parseRedisUrl(bad),
        (e: { code?: string }) => e.code === "ERR_CONFIG",
        bad,
      );
    }
  });
});
