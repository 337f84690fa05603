// The console across processes (docs/operations.md): two services sharing one Redis (as two
// `serve` processes do) — what one records, the other's console shows; and each process's
// /metrics counts only its own requests (Prometheus sums the targets).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Harness } from "../support/harness.ts";
import { sample } from "../support/prom.ts";

const BROWSER = typeof window !== "undefined" && "needs a server runtime (redis-server)";
const support = BROWSER ? null : await import("../../support/redis.ts");
const skip = BROWSER || support!.redisSkip();
const T = { timeout: 120_000 };
const OPERATOR = "operator-token-of-client-a-0123";
const SCRAPER = "scraper-token-0123456789abcdef";

describe("console on a shared Redis", { skip }, () => {
  let server: Awaited<ReturnType<NonNullable<typeof support>["startRedis"]>>;
  let one: Harness;
  let two: Harness;
  let m: typeof import("../support/harness.ts");
  before(async () => {
    m = await import("../support/harness.ts");
    const { connectRedis } = await import("../../../adapters/store/redis/mod.ts");
    const { hashSecret } = await import("../../../adapters/server/clients.ts");
    server = await support!.startRedis();
    const options = async () => ({
      store: await connectRedis({ url: server.url }),
      nonceSecret: "shared-nonce-secret-0123456789",
      console: {
        operators: [{ id: "ops", clientId: "a", tokenSha256: await hashSecret(OPERATOR) }],
      },
      metrics: { tokenSha256: await hashSecret(SCRAPER) },
    });
    one = await m.startHarness(await options());
    two = await m.startHarness(await options());
  });
  after(async () => {
    await one?.close();
    await two?.close();
    await server?.dispose();
  });

  it("sessions and decisions recorded by one process show in the other's console", T, async () => {
    const backend = await m.Backend.create(one, "a");
    for (let i = 0; i < 3; i++) {
      const d = await m.Device.create(one, "a");
      await d.createSession();
      const t = await backend.trigger(
        { action_type: "login", session_token: d.sessionToken },
        "?get_recommendation=true",
      );
      assert.equal(t.status, 201);
    }
    const get = async (h: Harness, path: string) =>
      await (await h.fetch(path, { headers: { authorization: `Bearer ${OPERATOR}` } })).json() as {
        hour: Record<string, number>;
        decisions: unknown[];
      };
    const seen = await get(two, "/console/api/summary");
    assert.equal(seen.hour["sessions.created"], 3);
    assert.equal(seen.hour["actions.login"], 3);
    assert.equal((await get(two, "/console/api/decisions")).decisions.length, 3);
    const scrape = async (h: Harness) =>
      await (await h.fetch("/metrics", { headers: { authorization: `Bearer ${SCRAPER}` } })).text();
    const created = { event: "created" };
    assert.equal(sample(await scrape(one), "device_session_sessions_total", created), 3);
    assert.equal(sample(await scrape(two), "device_session_sessions_total", created), 0);
  });
});
