// The store conformance suite (store-suite.ts) on every store: MemoryStore, RedisStore on one
// redis-server (unix socket), RedisStore on a 3-node Redis Cluster. The Redis legs start and
// stop their own servers; without redis-server they skip (REQUIRE_REDIS=1 makes that fail).
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { storeSuite } from "./store-suite.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const support = BROWSER ? null : await import("../../support/redis.ts");
const skipRedis = BROWSER || support!.redisSkip();

storeSuite("MemoryStore", false, () => {
  let t = 1_800_000_000_000;
  const now = () => t;
  return Promise.resolve({
    store: new MemoryStore({ now }),
    now,
    advance: (ms: number) => Promise.resolve(void (t += ms)),
    close: () => Promise.resolve(),
  });
});

const realTime = {
  realClock: true,
  now: Date.now,
  advance: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

storeSuite("RedisStore, one node", skipRedis, async () => {
  const server = await support!.startRedis();
  const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
  const store = await connectRedis({ url: server.url });
  return { store, ...realTime, close: async () => (await store.close(), await server.dispose()) };
});

storeSuite("RedisStore, 3-node Cluster", skipRedis, async () => {
  const server = await support!.startRedisCluster();
  const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
  const store = await connectRedis({ url: server.url });
  return { store, ...realTime, close: async () => (await store.close(), await server.dispose()) };
});

// The same store over another client, through the few-line shim of docs/redis.md: Bun's
// built-in RedisClient (RESP3, no Cluster), so only on the Bun leg.
interface BunRedis {
  send(cmd: string, args: string[]): Promise<unknown>;
  close(): void;
}
const BunNs = (globalThis as { Bun?: { RedisClient: new (url: string) => BunRedis } }).Bun;
storeSuite(
  "RedisStore over Bun's RedisClient",
  skipRedis || (BunNs === undefined && "Bun's built-in Redis client (the Bun leg runs it)"),
  async () => {
    const server = await support!.startRedis();
    const { RedisStore } = await import("../../../adapters/store/redis/mod.ts");
    const bun = new BunNs!.RedisClient(server.url);
    const store = new RedisStore({
      redis: { send: ([cmd, ...args]) => bun.send(String(cmd), args.map(String)) },
      onClose: () => Promise.resolve(bun.close()),
    });
    return { store, ...realTime, close: async () => (await store.close(), await server.dispose()) };
  },
);
