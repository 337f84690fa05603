// Races between refresh, token requests, secure tokens and shutdown, ordered by fast-check's
// scheduler (SPEC §9.4): whatever the interleaving, at most one create/refresh is in
// flight, every caller is answered, and shutdown ends in `closed`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SessionDriver } from "../../../adapters/driver/mod.ts";
import {
  FakeKeyStore,
  FakeService,
  MemoryStorage,
  SeededRandom,
  VirtualTime,
} from "../../../adapters/testing/mod.ts";
import type { KeyStore, Transport } from "../../../adapters/ports.ts";
import { BASE, payloadOf } from "../../support/sim.ts";
import { propertyRuns } from "../../support/property-runs.ts";

const RUNS = propertyRuns(200);

async function race(
  sch: fc.Scheduler,
  o: { tokens: number; secure: number; shutdown: boolean; lifetime: number; warm: number },
): Promise<void> {
  const time = new VirtualTime();
  const service = new FakeService({
    now: () => time.now(),
    base: BASE,
    tokenLifetimeS: o.lifetime,
  });
  let open = 0;
  let maxOpen = 0;
  const transport: Transport = {
    beacon: () => true,
    send: (req) => {
      const auth = req.purpose === "create" || req.purpose === "refresh";
      if (auth) maxOpen = Math.max(maxOpen, ++open);
      return sch.schedule(Promise.resolve(), req.purpose)
        .then(() => service.handle(req))
        .finally(() => auth && open--);
    },
  };
  const inner = new FakeKeyStore();
  const keys: KeyStore = {
    load: () => sch.schedule(inner.load(), "load_key"),
    generate: () =>
      inner.generate().then((k) => ({
        info: k.info,
        sign: (input: string) => sch.schedule(k.sign(input), "sign"),
      })),
  };
  const driver = new SessionDriver(
    { clientId: "demo", serverPath: BASE, enableSessionToken: true, tokenWaitMs: 4000 },
    {
      clock: time,
      scheduler: time,
      random: new SeededRandom(7),
      keys,
      transport,
      storage: new MemoryStorage(),
    },
  );
  await driver.start();
  // Let the session come up part of the way (or fully), then fire everything at once.
  for (let i = 0; i < o.warm && sch.count() > 0; i++) await sch.waitOne();
  await time.advance((o.lifetime - 10) * 1000 * (o.warm % 2)); // sometimes right before expiry
  const outcomes: Promise<string>[] = [];
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < o.tokens; i++) {
    calls.push(
      sch.schedule(Promise.resolve(), `token${i}`).then(() =>
        outcomes.push(settle(driver.getSessionToken()))
      ),
    );
  }
  for (let i = 0; i < o.secure; i++) {
    calls.push(
      sch.schedule(Promise.resolve(), `secure${i}`).then(() =>
        outcomes.push(settle(driver.getSecureSessionToken("login")))
      ),
    );
  }
  let stopped: Promise<void> | null = null;
  if (o.shutdown) {
    calls.push(
      sch.schedule(Promise.resolve(), "shutdown").then(() => (stopped = driver.shutdown())),
    );
  }
  for (let i = 0; i < 40; i++) {
    await sch.waitAll();
    await time.advance(500);
  }
  await Promise.all(calls);
  const results = await Promise.all(outcomes);
  assert.ok(maxOpen <= 1, `${maxOpen} create/refresh requests in flight at once`);
  for (const r of results) {
    if (r.startsWith("ERR_")) assert.ok(["ERR_TIMEOUT", "ERR_CLOSED"].includes(r), r);
    else {
      const c = payloadOf(r) as { exp: number; tok?: string };
      const exp = c.tok ? (payloadOf(c.tok) as { exp: number }).exp : c.exp;
      assert.ok(exp * 1000 > time.now() - 40 * 500 - 1, "an expired token was handed out");
    }
  }
  if (stopped) {
    await stopped;
    assert.equal(driver.state.phase, "closed");
  }
}

function settle(p: Promise<string>): Promise<string> {
  return p.then((t) => t, (e: { code?: string }) => e.code ?? String(e));
}

describe("races (fast-check scheduler)", () => {
  it(`refresh × token requests × secure tokens × shutdown (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.record({
          tokens: fc.integer({ min: 0, max: 6 }),
          secure: fc.integer({ min: 0, max: 3 }),
          shutdown: fc.boolean(),
          lifetime: fc.integer({ min: 60, max: 300 }),
          warm: fc.integer({ min: 0, max: 6 }),
        }),
        race,
      ),
      { numRuns: RUNS },
    );
  });
});
