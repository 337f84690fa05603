// The signing keyring shared by every instance (adapters/server/keys.ts, SharedKeyring): the
// first instance creates it and the others adopt it; instances racing to rotate make exactly
// one new key (compare-and-set on the current kid); every instance's JWKS agrees once it has
// re-read the keyring (within one refresh interval). Run against an in-memory compare-and-set
// and, where redis-server exists, the Redis store's script.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  KeyManager,
  type KeyringState,
  type SharedKeyring,
} from "../../../adapters/server/keys.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const support = BROWSER ? null : await import("../../support/redis.ts");
const REDIS_SKIP = BROWSER || support!.redisSkip();
const T = { timeout: 120_000 };

function memoryKeyring(): SharedKeyring & { swaps: number } {
  let stored: { state: KeyringState; kid: string } | null = null;
  const k = {
    swaps: 0,
    load: () => Promise.resolve(stored?.state ?? null),
    swap(expectedKid: string | null, next: KeyringState, nextKid: string) {
      if ((stored?.kid ?? null) === expectedKid) {
        stored = { state: next, kid: nextKid };
        k.swaps++;
      }
      return Promise.resolve(stored!.state);
    },
  };
  return k;
}

async function raceRotations(shared: SharedKeyring): Promise<void> {
  const now = 1_800_000_000;
  const o = {
    alg: "EdDSA" as const,
    rotationS: 3600,
    maxTokenLifetimeS: 600,
    shared,
    refreshS: 30,
  };
  const instances = await Promise.all(
    Array.from({ length: 5 }, () => KeyManager.create({ ...o, now })),
  );
  assert.equal(new Set(instances.map((m) => m.current.kid)).size, 1, "one keyring for all");
  const first = instances[0]!.current.kid;
  // All five are due at once (clocks a second apart) and rotate concurrently.
  await Promise.all(instances.map((m, i) => m.rotate(now + 3600 + i)));
  const kids = new Set(instances.map((m) => m.current.kid));
  assert.equal(kids.size, 1, "exactly one new key won");
  assert.notEqual([...kids][0], first);
  const jwks = instances.map((m) => JSON.stringify(m.jwks(now + 3601)));
  assert.equal(new Set(jwks).size, 1, "every JWKS agrees (new current + previous)");
  assert.equal(JSON.parse(jwks[0]!).keys.length, 2);
  // A late instance (restart) adopts the stored keyring; a stale one catches up on refresh.
  const late = await KeyManager.create({ ...o, now: now + 3700 });
  assert.equal(late.current.kid, instances[0]!.current.kid);
  await late.rotate(now + 3600 * 2 + 1000);
  const stale = instances[1]!;
  assert.notEqual(stale.current.kid, late.current.kid);
  stale.maintain(now + 3600 * 2 + 1000 + 30); // a refresh is due: read again in the background
  await stale.settled();
  assert.equal(stale.current.kid, late.current.kid, "agrees within one refresh interval");
}

describe("shared keyring", () => {
  it(
    "in-memory compare-and-set: racing rotations make exactly one new key; all adopt it",
    T,
    async () => {
      const shared = memoryKeyring();
      await raceRotations(shared);
      assert.equal(shared.swaps, 3, "create, the one winning rotation, the late rotation");
    },
  );

  describe("in the Redis store", { skip: REDIS_SKIP }, () => {
    let redis: Awaited<ReturnType<NonNullable<typeof support>["startRedis"]>> | null = null;
    after(async () => void (await redis?.dispose()));
    it("the same, over the store's compare-and-set script", T, async () => {
      redis = await support!.startRedis();
      const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
      const store = await connectRedis({ url: redis.url });
      try {
        await raceRotations({
          load: async () => {
            const j = await store.loadKeyring();
            return j === null ? null : JSON.parse(j);
          },
          swap: async (e, next, kid) =>
            JSON.parse(await store.swapKeyring(e, JSON.stringify(next), kid)),
        });
        assert.ok(Number(await redis.cli("pttl", "ds:keyring")) > 0, "the keyring has a TTL");
      } finally {
        await store.close();
      }
    });
  });
});
