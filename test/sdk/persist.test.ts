// Persisting through a slow storage port: shutdown resolves once the final queue is on storage
// (SPEC §9.11), and writes of one key land in the order the machine asked for them, so an older
// snapshot never overwrites a newer one.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { init, MemoryKeyStore } from "../../mod.ts";
import {
  FakeService,
  MemoryStorage,
  ScriptedTransport,
  SeededRandom,
  VirtualTime,
} from "../../adapters/testing/mod.ts";
import { BASE, within } from "../support/sim.ts";

/** A storage whose n-th write takes longer than the (n+1)-th: later writes would overtake. */
class SlowStorage extends MemoryStorage {
  readonly asked: [string, string][] = [];
  #turns = 60;

  override set(key: string, value: unknown): Promise<void> {
    this.asked.push([key, JSON.stringify(value)]);
    let turns = this.#turns = Math.max(0, this.#turns - 10);
    return new Promise<void>((resolve) => {
      const next = () => (turns-- > 0 ? setTimeout(next, 0) : resolve(super.set(key, value)));
      next();
    });
  }
}

describe("SDK persistence through a slow storage", () => {
  it("shutdown resolves after the final queue landed, and the newest snapshot wins", {
    timeout: 20_000,
  }, async () => {
    const time = new VirtualTime();
    const service = new FakeService({ now: () => time.now(), base: BASE });
    const transport = new ScriptedTransport({ time, handle: (r) => service.handle(r) });
    const storage = new SlowStorage();
    const ds = init(
      { clientId: "demo", serverPath: BASE, enableSessionToken: true, shutdownFlushMs: 0 },
      {
        clock: time,
        scheduler: time,
        random: new SeededRandom(5),
        keys: new MemoryKeyStore(),
        transport,
        storage,
      },
    );
    await within(time, ds.getSessionToken());
    transport.offline = true; // the action's event stays queued
    const action = ds.triggerActionEvent("login", { correlationId: "c-1" }).catch((e) => e);
    await time.advance(300); // a batch attempt fails meanwhile
    await within(time, ds.shutdown());
    assert.equal((await action).code, "ERR_CLOSED");
    const key = "device-session:demo:queue";
    const last = storage.asked.filter(([k]) => k === key).at(-1);
    assert.ok(last !== undefined, "the queue was persisted");
    assert.equal(storage.map.get(key), last[1], "storage holds the last snapshot asked for");
    assert.ok(last[1].includes("c-1"), "with the queued action");
  });
});
