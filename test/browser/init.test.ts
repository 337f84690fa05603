// The browser entry's `init`: it checks its options at once, answers with a stand-in while the
// session's chunk (adapters/browser/session.ts) arrives, and then forwards to the session — with
// and without the multi-tab coordinator. The service is unreachable here (the end-to-end test,
// test/e2e/demo.test.ts, runs the split build against a real one in Chromium); what is checked
// is the entry's own behaviour, on every runtime.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError, init } from "../../browser.ts";
import type { SessionEvent } from "../../core/mod.ts";

// Port 9 (discard) is closed on loopback: every request fails fast with ERR_NETWORK.
const UNREACHABLE = "http://127.0.0.1:9/";
let n = 0;
const clientId = () => `init-test-${Date.now()}-${n++}`;

/** The first event the session emits: it has arrived and started. */
function firstEvent(ds: ReturnType<typeof init>): Promise<SessionEvent> {
  return new Promise((resolve) => {
    const off = ds.on((e) => {
      off();
      resolve(e);
    });
  });
}

describe("browser init", () => {
  it("rejects invalid options synchronously, before any chunk loads", () => {
    for (
      const bad of [
        { clientId: "a/b", serverPath: UNREACHABLE },
        { clientId: "demo", serverPath: UNREACHABLE, tokenWaitMs: 5 },
        { clientId: "demo", serverPath: UNREACHABLE, userId: "" },
      ]
    ) {
      assert.throws(
        () => init({ ...bad, collect: false }),
        (e) => e instanceof DeviceSessionError && e.code === "ERR_INVALID_INPUT",
      );
    }
  });

  for (const shareTabs of [false, true]) {
    it(`answers at once, then forwards to the session (shareTabs: ${shareTabs})`, async () => {
      const ds = init({ clientId: clientId(), serverPath: UNREACHABLE, collect: false, shareTabs });
      // The stand-in, before the session's chunk has been evaluated.
      assert.equal(ds.snapshot().phase, "starting");
      assert.equal(ds.isLeader(), false);
      const started = firstEvent(ds);
      // Calls made before the chunk arrived are forwarded in order, with the session's errors.
      const token = ds.getSessionToken().then(() => null, (e: unknown) => e);
      assert.deepEqual(await started, { type: "state", from: "idle", to: "starting" });
      assert.equal(ds.isLeader(), true); // alone (or without Web Locks): this tab leads
      const err = await token;
      assert.ok(err instanceof DeviceSessionError);
      assert.equal(err.code, "ERR_SESSION_TOKEN_DISABLED");
      assert.equal(ds.snapshot().phase, "starting"); // the service is unreachable
      await ds.shutdown();
      assert.equal(ds.snapshot().phase, "closed");
      await assert.rejects(
        ds.flush(),
        (e) => e instanceof DeviceSessionError && e.code === "ERR_CLOSED",
      );
    });
  }

  it("stays dormant when disabled", async () => {
    const ds = init({
      clientId: clientId(),
      serverPath: UNREACHABLE,
      enabled: false,
      shareTabs: false,
    });
    const started = firstEvent(ds);
    assert.deepEqual(await started, { type: "state", from: "idle", to: "disabled" });
    await assert.rejects(
      ds.setAuthenticatedUser("user-1"),
      (e) => e instanceof DeviceSessionError && e.code === "ERR_DISABLED",
    );
    await ds.shutdown();
    assert.equal(ds.snapshot().phase, "closed");
  });
});
