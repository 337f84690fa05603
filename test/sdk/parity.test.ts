// The same SDK calls behave the same on Node, Deno, Bun and Chromium (SPEC §6, §9): the SDK with
// real WebCrypto device keys against the real service. Everywhere the service runs in-process
// (it is a fetch handler); on server runtimes also over loopback HTTP with the runtime entry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DeviceSessionError,
  init,
  MemoryKeyStore,
  systemClock,
  timerScheduler,
  webRandom,
} from "../../mod.ts";
import type { DeviceSession, Transport } from "../../mod.ts";
import { MemoryStorage } from "../../adapters/testing/mod.ts";
import { createService, type Service } from "../../adapters/server/app.ts";
import { createBackendClient } from "../../adapters/backend/client.ts";
import {
  createMemoryReplayStore,
  verifySecureSessionToken,
  verifySessionToken,
} from "../../verify.ts";

const SECRET = "parity-secret-0123456789";
const BASE = "http://ds.test";

/** A transport that hands requests straight to the service's fetch handler. */
function inProcess(service: Service): Transport {
  return {
    async send(req) {
      const res = await service.fetch(
        new Request(req.url, { method: req.method, headers: req.headers, body: req.body }),
      );
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    beacon(req) {
      void service.fetch(
        new Request(req.url, { method: "POST", headers: req.headers, body: req.body }),
      );
      return true;
    },
  };
}

async function exercise(ds: DeviceSession, service: Service, base: string): Promise<void> {
  const jwks = await (await service.fetch(new Request(`${base}/.well-known/jwks.json`))).json();
  const token = await ds.getSessionToken();
  const session = await verifySessionToken(token, { issuer: base, audience: "demo", jwks });
  assert.match(session.sessionId, /^s_/);

  const secure = await ds.getSecureSessionToken("transaction", 60);
  const replayStore = createMemoryReplayStore();
  const opts = { issuer: base, audience: "demo", jwks, action: "transaction", replayStore };
  const verified = await verifySecureSessionToken(secure, opts);
  assert.equal(verified.deviceId, session.deviceId);
  await assert.rejects(verifySecureSessionToken(secure, opts), { code: "ERR_REPLAYED" });
  await assert.rejects(
    verifySecureSessionToken(secure, {
      ...opts,
      action: "login",
      replayStore: createMemoryReplayStore(),
    }),
    { code: "ERR_ACTION_MISMATCH" },
  );

  const { actionToken } = await ds.triggerActionEvent("login", { correlationId: "parity-1" });
  const backend = createBackendClient({
    baseUrl: base,
    clientId: "demo",
    clientSecret: SECRET,
    fetch: (input, i) => service.fetch(new Request(input, i)),
  });
  const rec = await backend.getRecommendation(actionToken);
  assert.ok(["TRUST", "ALLOW", "CHALLENGE", "DENY"].includes(rec.recommendation.type));
  assert.equal(rec.context.sessionId ?? rec.context.session_id, session.sessionId);

  assert.equal(await ds.setAuthenticatedUser("parity-user"), true);
  assert.equal(await ds.setAuthenticatedUser("parity-user"), false);
  await ds.flush();
  assert.equal(ds.snapshot().userId, "parity-user");
  assert.equal(await ds.clearUser(), true);
  await ds.flush();
  assert.equal(ds.snapshot().queueLength, 0);
  assert.equal(ds.snapshot().dropped, 0);

  await assert.rejects(ds.getSecureSessionToken("Login"), { code: "ERR_INVALID_INPUT" });
  await ds.shutdown();
  await assert.rejects(
    ds.getSessionToken(),
    (e) => e instanceof DeviceSessionError && e.code === "ERR_CLOSED",
  );
}

async function newService(base: string): Promise<Service> {
  return await createService({
    publicUrl: base,
    clients: [{ id: "demo", secret: SECRET, allowedOrigins: ["*"] }],
    log: null,
    rateLimits: false,
  });
}

describe("SDK parity: the same calls on every runtime", () => {
  it("in-process service: tokens verify locally, actions get recommendations, users set and cleared", async () => {
    const service = await newService(BASE);
    const ds = init(
      { clientId: "demo", serverPath: `${BASE}/`, enableSessionToken: true },
      {
        clock: systemClock,
        random: webRandom,
        scheduler: timerScheduler(),
        keys: new MemoryKeyStore(),
        transport: inProcess(service),
        storage: new MemoryStorage(),
      },
    );
    await exercise(ds, service, BASE);
  });
});

const serverOnly = typeof window !== "undefined" && "needs a server runtime";
const RT = "../../"; // computed specifiers keep server-only modules out of the browser bundle

describe("SDK runtime entry over loopback HTTP", { skip: serverOnly }, () => {
  // deno-lint-ignore no-explicit-any
  let server: any, service: Service, base: string, dir: string;
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const entry = g.Deno ? "deno.ts" : g.Bun ? "bun.ts" : "node.ts";
  const serveMod = g.Deno ? "deno.ts" : g.Bun ? "bun.ts" : "node.ts";

  before(async () => {
    const { serve } = await import(`${RT}adapters/server/serve/${serveMod}`);
    let handler: (r: Request) => Promise<Response> = () =>
      Promise.resolve(new Response(null, { status: 503 }));
    server = await serve({ fetch: (r: Request) => handler(r), port: 0, hostname: "127.0.0.1" });
    base = `http://127.0.0.1:${server.port}`;
    service = await newService(base);
    handler = (r) => service.fetch(r);
    const { mkdtemp } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    dir = await mkdtemp(join(tmpdir(), "ds-sdk-"));
  });
  after(async () => {
    await server?.shutdown(1000);
    await service?.close(500);
  });

  it(`${entry}: the same flow, the key file is 0600, and a restart resumes the session`, async () => {
    const { init: initRuntime } = await import(`${RT}${entry}`);
    const opts = {
      clientId: "demo",
      serverPath: `${base}/`,
      enableSessionToken: true,
      dir,
      handleSignals: false,
    };
    const first: DeviceSession = initRuntime(opts);
    const sid = (await verifySessionToken(await first.getSessionToken(), {
      issuer: base,
      audience: "demo",
      jwks: await (await service.fetch(new Request(`${base}/.well-known/jwks.json`))).json(),
    })).sessionId;
    await first.shutdown();
    const { readdir, stat } = await import("node:fs/promises");
    const keyFile = (await readdir(dir)).find((f) => f.includes("device-key"))!;
    assert.ok(keyFile, "a key file was written");
    assert.equal((await stat(`${dir}/${keyFile}`)).mode & 0o777, 0o600);
    const second: DeviceSession = initRuntime(opts);
    await second.getSessionToken();
    assert.equal(second.snapshot().sessionId, sid, "the restarted process resumed the session");
    assert.equal(second.snapshot().keyAssurance, "persistent-file");
    await exercise(second, service, base);
  });
});
