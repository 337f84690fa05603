// The minimal host of docs/embedding.md (examples/embedded-quickjs/host.ts), run for real: the
// core in QuickJS, the SDK's web ports on the host, against our service on loopback. The
// tokens it hands out verify with device-session/verify; telemetry is acknowledged; the
// device id is persisted through the storage port and reused by the next session.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startEmbedded } from "../../examples/embedded-quickjs/host.ts";
import {
  MemoryKeyStore,
  systemClock,
  timerScheduler,
  webRandom,
} from "../../adapters/sdk/ports-web.ts";
import { FetchTransport } from "../../adapters/transport/fetch.ts";
import { MemoryStorage } from "../../adapters/testing/storage.ts";
import {
  createMemoryReplayStore,
  verifySecureSessionToken,
  verifySessionToken,
} from "../../verify.ts";
import { onLoopback, type Started } from "../../test/conformance/support.ts";

const T = { timeout: 60_000 };

describe("docs/embedding.md: the minimal QuickJS host against the real service", T, () => {
  let service: Started;
  before(async () => (service = await onLoopback()));
  after(async () => await service?.close());

  it("creates a session, hands out tokens that verify, flushes telemetry", T, async () => {
    const url = service.target.url;
    const storage = new MemoryStorage();
    const keys = new MemoryKeyStore();
    const ports = {
      clock: systemClock,
      random: webRandom,
      scheduler: timerScheduler(),
      keys,
      storage,
      transport: new FetchTransport(),
    };
    const options = {
      clientId: service.target.clientId,
      serverPath: `${url}/`,
      enableSessionToken: true,
      tokenWaitMs: 20_000,
    };
    const verifyOptions = {
      issuer: url,
      audience: options.clientId,
      jwks: `${url}/.well-known/jwks.json`,
    };

    const s = await startEmbedded(options, ports);
    const token = await s.getSessionToken();
    const session = await verifySessionToken(token, verifyOptions);
    const secure = await s.getSecureSessionToken("transaction", 60);
    const replayStore = createMemoryReplayStore();
    const bound = await verifySecureSessionToken(secure, {
      ...verifyOptions,
      action: "transaction",
      replayStore,
    });
    assert.equal(bound.sessionId, session.sessionId);
    assert.equal(bound.deviceId, session.deviceId);
    s.track("page", { kind: "load", path: "/embedded" });
    await s.flush(); // resolves once the service acknowledged the batch
    await s.shutdown();
    const stored = await storage.get("device-session:device") as { deviceId: string };
    assert.equal(stored.deviceId, session.deviceId);

    // A second session on the same storage and key store: same device, new session.
    const again = await startEmbedded(options, ports);
    const next = await verifySessionToken(await again.getSessionToken(), verifyOptions);
    await again.shutdown();
    assert.equal(next.deviceId, session.deviceId);
    assert.notEqual(next.sessionId, session.sessionId);
  });

  it("refuses invalid options before starting anything", T, async () => {
    await assert.rejects(
      startEmbedded({ clientId: "x", serverPath: "not a url" }, {
        clock: systemClock,
        random: webRandom,
        scheduler: timerScheduler(),
        keys: new MemoryKeyStore(),
        storage: new MemoryStorage(),
        transport: new FetchTransport(),
      }),
      /ERR_INVALID_INPUT/,
    );
  });
});

describe("docs/embedding.md lists the minimal host verbatim", T, () => {
  it("has the file between its markers, byte for byte", T, async () => {
    const { readFile } = await import("node:fs/promises");
    const { ROOT } = await import("./support.ts");
    const doc = await readFile(`${ROOT}docs/embedding.md`, "utf8");
    const file = await readFile(`${ROOT}examples/embedded-quickjs/host.ts`, "utf8");
    const m = doc.match(/<!-- host\.ts begin -->\n\n```ts\n([\s\S]*?)```\n\n<!-- host\.ts end -->/);
    assert.ok(m, "markers and a ts block in docs/embedding.md");
    assert.equal(m[1], file);
  });
});
