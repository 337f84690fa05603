// The SDK object (Mosaic-style API) on injected ports, with real WebCrypto device keys.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError, init, MemoryKeyStore, telemetrySink } from "../../mod.ts";
import {
  FakeService,
  MemoryStorage,
  ScriptedTransport,
  SeededRandom,
  VirtualTime,
} from "../../adapters/testing/mod.ts";
import { BASE, payloadOf, RealWork, within } from "../support/sim.ts";

function setup(opts: Record<string, unknown> = {}) {
  const time = new VirtualTime();
  const service = new FakeService({ now: () => time.now(), base: BASE });
  const transport = new ScriptedTransport({ time, handle: (r) => service.handle(r) });
  // Real WebCrypto keys: virtual time waits for them (see RealWork).
  const work = new RealWork();
  const ds = init(
    { clientId: "demo", serverPath: BASE, enableSessionToken: true, ...opts },
    {
      clock: time,
      scheduler: time,
      random: new SeededRandom(3),
      keys: work.keys(new MemoryKeyStore()),
      transport,
      storage: new MemoryStorage(),
    },
    { attributes: { platform: "test" } },
  );
  return { time, service, ds, work };
}

describe("SDK facade", () => {
  it("rejects invalid init options with ERR_INVALID_INPUT", () => {
    for (
      const bad of [{}, { clientId: "demo" }, { clientId: "a/b", serverPath: BASE }, {
        clientId: "demo",
        serverPath: "not a url",
      }, { clientId: "demo", serverPath: BASE, tokenWaitMs: 5 }]
    ) {
      assert.throws(
        () => setupWith(bad),
        (e) => e instanceof DeviceSessionError && e.code === "ERR_INVALID_INPUT",
      );
    }
  });

  it("mints secure tokens with a real non-extractable key and reports the snapshot", async () => {
    const { time, ds, work } = setup();
    const token = await within(time, ds.getSecureSessionToken("transaction", 90), 60_000, work);
    const claims = payloadOf(token);
    assert.equal(claims.act, "transaction");
    const header = JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")));
    assert.ok(header.alg === "EdDSA" || header.alg === "ES256");
    assert.equal(header.typ, "ds-secure+jwt");
    const snap = ds.snapshot();
    assert.equal(snap.phase, "active");
    assert.equal(snap.keyAssurance, "ephemeral");
    assert.ok(snap.sessionId?.startsWith("s_"));
  });

  it("maps camelCase action options to the wire and validates them", async () => {
    const { time, service, ds, work } = setup();
    const { actionToken } = await within(
      time,
      ds.triggerActionEvent("transaction", {
        correlationId: "order-1",
        claimedUserId: "h-123",
        claimedUserIdType: "email",
        transactionData: { amount: 10, currency: "EUR" },
        customAttributes: { vip: true },
      }),
      60_000,
      work,
    );
    assert.ok(actionToken.length > 10);
    const [session] = [...service.sessions.values()];
    const action = [...session!.events.values()].find((e) => e.type === "action")!;
    assert.deepEqual(action.data, {
      action_type: "transaction",
      correlation_id: "order-1",
      claimed_user_id: "h-123",
      claimed_user_id_type: "email",
      transaction_data: { amount: 10, currency: "EUR" },
      custom_attributes: { vip: true },
    });
    await assert.rejects(ds.triggerActionEvent("login", { claimedUserIdType: "email" }), {
      code: "ERR_INVALID_INPUT",
    });
    await assert.rejects(
      ds.triggerActionEvent("login", { transactionData: { amount: -1, currency: "EUR" } }),
      { code: "ERR_INVALID_INPUT" },
    );
    await assert.rejects(ds.triggerActionEvent("login", { unknown: 1 } as never), {
      code: "ERR_INVALID_INPUT",
    });
    await assert.rejects(ds.triggerActionEvent("LOGIN"), { code: "ERR_INVALID_INPUT" });
  });

  it("hands calls to the machine in call order, also behind an action whose checks still load", async () => {
    // The first action loads its option checks (a module of their own): what the page does
    // meanwhile must not overtake it.
    const { time, service, ds, work } = setup();
    const action = ds.triggerActionEvent("login");
    telemetrySink(ds).track("page", { kind: "load", path: "/after" });
    const user = ds.setAuthenticatedUser("u-1");
    await within(time, Promise.all([action, user]), 60_000, work);
    await within(time, ds.flush(), 60_000, work);
    const [session] = [...service.sessions.values()];
    const order = [...session!.events.entries()].sort(([a], [b]) => a - b)
      .map(([, e]) => e.type).filter((t) => t !== "device");
    assert.deepEqual(order, ["action", "page", "identify"]);
  });

  it("awaits device attributes still arriving: the create request and the device event carry them", async () => {
    // The browser entry passes a promise (its attributes collector is a chunk of its own).
    let arrive = (_: { platform: string }) => {};
    const { time, service, ds, work, creates } = withAttributes(new Promise((r) => (arrive = r)));
    arrive({ platform: "late" });
    await within(time, ds.getSessionToken(), 60_000, work);
    assert.equal(creates.length, 1);
    assert.deepEqual(JSON.parse(creates[0]!).attributes, { platform: "late" });
    await within(time, ds.flush(), 60_000, work);
    const [session] = [...service.sessions.values()];
    const device = [...session!.events.values()].filter((e) => e.type === "device");
    assert.deepEqual(device.map((e) => e.data), [{ platform: "late" }]);
  });

  it("device attributes that fail or never arrive are left out: the session starts anyway", async () => {
    for (
      const attributes of [Promise.reject(new TypeError("chunk")), new Promise<never>(() => {})]
    ) {
      const { time, ds, work, creates } = withAttributes(attributes);
      const token = await within(time, ds.getSessionToken(), 60_000, work);
      assert.equal(token.split(".").length, 3);
      assert.equal(creates.length, 1);
      assert.equal(JSON.parse(creates[0]!).attributes, undefined);
      await within(time, ds.shutdown(), 60_000, work);
    }
  });
});

function setupWith(o: Record<string, unknown>) {
  const time = new VirtualTime();
  return init(o as never, {
    clock: time,
    scheduler: time,
    random: new SeededRandom(1),
    keys: new MemoryKeyStore(),
    transport: new ScriptedTransport({ time, handle: () => ({ status: 500, body: null }) }),
    storage: new MemoryStorage(),
  });
}

/** A session whose device attributes are `attributes` (a promise), recording create requests. */
function withAttributes(attributes: Promise<{ platform: string } | undefined>) {
  const time = new VirtualTime();
  const service = new FakeService({ now: () => time.now(), base: BASE });
  const creates: string[] = [];
  const transport = new ScriptedTransport({
    time,
    handle: (r) => {
      if (r.url.endsWith("/v1/device/sessions")) creates.push(r.body ?? "");
      return service.handle(r);
    },
  });
  const work = new RealWork();
  const ds = init({ clientId: "demo", serverPath: BASE, enableSessionToken: true }, {
    clock: time,
    scheduler: time,
    random: new SeededRandom(5),
    keys: work.keys(new MemoryKeyStore()),
    transport,
    storage: new MemoryStorage(),
  }, { attributes });
  return { time, service, ds, work, creates };
}
