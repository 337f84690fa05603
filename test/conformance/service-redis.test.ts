// The service conformance suite against our service on the Redis store (one redis-server and a
// 3-node Redis Cluster), in-process: every check has the outcome it has on the memory store —
// the store changes nothing a device, backend or verifier can observe.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const redisSupport = BROWSER ? null : await import("../support/redis.ts");
const SKIP = BROWSER || redisSupport!.redisSkip();
const T = { timeout: 180_000 };

type Store = import("../../adapters/store/types.ts").Store;

/** Runs the whole service suite in-process on `store` (null: the memory store); the results. */
async function outcomes(store: Store | null): Promise<Map<string, string>> {
  const { runServiceSuite } = await import("../../conformance/service/suite.ts");
  const { Runner } = await import("../../conformance/core/run.ts");
  const { createService } = await import("../../adapters/server/mod.ts");
  const { CLIENT_A, CLIENT_B } = await import("./support.ts");
  const url = "http://service.test";
  const clock = { skew: 0 };
  const now = () => Date.now() + clock.skew;
  const service = await createService({
    publicUrl: url,
    clients: [CLIENT_A, CLIENT_B],
    log: null,
    rateLimits: false,
    now,
    ...(store !== null ? { store } : {}),
  });
  try {
    const runner = new Runner();
    await runServiceSuite(
      {
        url,
        clientId: CLIENT_A.id,
        clientSecret: CLIENT_A.secret,
        otherClient: CLIENT_B,
        fetch: (r: Request) => service.fetch(r),
        advance: (ms: number) => void (clock.skew += ms),
      },
      runner,
      { propertyRuns: 5 },
    );
    return new Map(runner.results.map((r) => [r.id, r.status]));
  } finally {
    await service.close();
  }
}

describe("conformance: the service on Redis", { skip: SKIP }, () => {
  const servers: { dispose(): Promise<void> }[] = [];
  after(async () => void (await Promise.all(servers.map((s) => s.dispose()))));

  for (const topology of ["one node", "3-node Cluster"] as const) {
    it(`every check has the memory store's outcome (${topology})`, T, async () => {
      const redis = topology === "one node"
        ? await redisSupport!.startRedis()
        : await redisSupport!.startRedisCluster();
      servers.push(redis);
      const { connectRedis } = await import("../../adapters/store/redis/mod.ts");
      const store = await connectRedis({ url: redis.url });
      const [memory, onRedis] = [await outcomes(null), await outcomes(store)];
      assert.ok(memory.size >= 70, `${memory.size} checks`);
      const differ = [...memory].filter(([id, status]) => onRedis.get(id) !== status)
        .map(([id, status]) => `${id}: memory ${status}, Redis ${onRedis.get(id)}`);
      assert.deepEqual(differ, []);
      // Keys on every node (a Cluster spreads them over its three).
      const ports = "ports" in redis ? (redis.ports as number[]) : [null];
      let keys = 0;
      for (const p of ports) {
        keys += Number(
          await (p === null ? redis.cli("dbsize") : redis.cli("-p", String(p), "dbsize")),
        );
      }
      assert.ok(keys > 20, `the Redis run stored its state in Redis (${keys} keys)`);
    });
  }
});
