/**
 * Memory per idle session in the memory store: at the store (records as the service makes them)
 * and through the service (real requests), heap growth after a full GC.
 *
 * @module
 */
import process from "node:process";
import { createService, MemoryStore } from "../../server.ts";
import { deviceSigner, generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { mintDeviceProof } from "../../adapters/crypto/mint.ts";
import { flatString, newId } from "../../adapters/server/ids.ts";
import { newSession } from "../../core/service/session.ts";
import { arg, BASE, g, NODE_CRYPTO, runtime } from "./common.ts";

function collect(): boolean {
  if (g.Bun) return (g.Bun.gc(true), g.Bun.gc(true), true);
  if (typeof g.gc === "function") return (g.gc(), g.gc(), true);
  return false;
}

/** Heap in use: JavaScriptCore's own figure on Bun (its process.memoryUsage lags), else V8's. */
async function heapUsed(): Promise<number> {
  if (g.Bun) {
    const jsc = await import(["bun", "jsc"].join(":")) as { heapSize(): number };
    return jsc.heapSize();
  }
  return process.memoryUsage().heapUsed;
}

/** At the store: `sessions` idle sessions (session, device, one batch of seqs). */
export async function memory(SESSIONS: number): Promise<number | null> {
  if (!collect()) {
    console.log(
      "\n(memory: run with --expose-gc (node) or --v8-flags=--expose-gc (deno) to measure)",
    );
    return null;
  }
  const store = new MemoryStore({ maxSessions: SESSIONS + 10, maxDevices: SESSIONS + 10 });
  const jkt = () => flatString(newId() + newId().slice(0, 21)); // 43 characters, as the service keeps one
  const now = Math.floor(Date.now() / 1000);
  collect();
  const before = await heapUsed();
  // Ids are made inside the loop: they are the sessions' own strings, held by the records.
  for (let i = 0; i < SESSIONS; i++) {
    const s = newId("s_");
    const d = newId("d_");
    const k = jkt();
    await store.registerDevice({
      clientId: "bench",
      requestedId: null,
      freshId: d,
      jkt: k,
      expiresAtMs: Date.now() + 1e9,
    });
    const rec = newSession({
      id: s,
      clientId: "bench",
      deviceId: d,
      jkt: k,
      keyAssurance: "persistent-nonextractable",
      keyEvent: "none",
      keyChanged: false,
      userId: null,
      now,
      absoluteS: 86400,
      idleS: 1800,
      attributes: { platform: "browser" },
    });
    await store.createSession(rec, Date.now() + 1e9);
    await store.appendEvents(s, Array.from({ length: 20 }, (_, i) => i + 1), Date.now() + 1e9);
  }
  collect();
  const after = await heapUsed();
  const per = (after - before) / SESSIONS;
  console.log(`\n## memory per idle session, memory store (${runtime})\n`);
  console.log(
    `${SESSIONS.toLocaleString("en-US")} sessions (session + device record + acknowledged seqs): ` +
      `${((after - before) / 1048576).toFixed(1)} MiB heap → **${
        Math.round(per)
      } bytes per idle session** (budget 1024)`,
  );
  if (store.stats().sessions !== SESSIONS) throw new Error("sessions were evicted");
  return per;
}

/**
 * The same through the service itself: sessions created with real proofs, one 20-event batch
 * each, then the clock moved past the proofs' replay retention and swept, so only what an idle
 * session keeps is left: its strings as the service makes them, its device, its seqs.
 */
export async function memoryThroughService(): Promise<void> {
  let n = Number(arg("service-sessions", "10000"));
  if (!collect()) return;
  let skew = 0;
  const clock = () => Date.now() + skew;
  const store = new MemoryStore({ now: clock, maxSessions: 2 * n + 10, maxDevices: 2 * n + 10 });
  const service = await createService({
    publicUrl: BASE,
    clients: [{ id: "bench", secret: "bench-secret-0123456789" }],
    rateLimits: false,
    log: null,
    ...NODE_CRYPTO,
    now: clock,
    store,
  });
  const key = await generateDeviceKey({ alg: "EdDSA" });
  const signer = deviceSigner(key);
  const post = (path: string, headers: Record<string, string>, body: string) =>
    service.fetch(new Request(BASE + path, { method: "POST", headers, body }));
  // Every answer carries a fresh nonce: the next proof uses it (a slow host outlives a nonce).
  let nonce =
    (await (await service.fetch(new Request(`${BASE}/v1/device/config?client_id=bench`))).json())
      .nonce;
  const createBody = JSON.stringify({
    client_id: "bench",
    key_assurance: "persistent-nonextractable",
    key_event: "none",
    attributes: { platform: "browser", automation: false },
  });
  const create = async () => {
    for (let i = 0; i < n; i++) {
      const proof = await mintDeviceProof(signer, {
        htm: "POST",
        htu: `${BASE}/v1/device/sessions`,
        nonce,
        iat: Math.floor(clock() / 1000),
      });
      const r = await post("/v1/device/sessions", {
        "content-type": "application/json",
        "ds-proof": proof,
      }, createBody);
      const c = await r.json();
      if (r.status !== 201) throw new Error(JSON.stringify(c));
      nonce = c.nonce;
      const events = Array.from(
        { length: 20 },
        (_, j) => ({
          seq: j + 1,
          time_ms: Date.now(),
          type: "interaction",
          data: { kind: "click" },
        }),
      );
      const t = await post(
        "/v1/device/telemetry",
        { "content-type": "application/json" },
        JSON.stringify({
          ver: 1,
          client_id: "bench",
          session_id: c.session_id,
          session_token: c.session_token,
          events,
          dropped: { total: 0, by_priority: {} },
          sent_at_ms: Date.now(),
        }),
      );
      if (t.status !== 200) throw new Error(await t.text());
      await t.arrayBuffer();
    }
    skew += 121_000; // proof jtis (120 s) are gone; sessions (idle 1800 s) are not
    store.sweep();
    collect();
    return await heapUsed();
  };
  // The service's bounded caches (verified tokens, imported keys) fill during the first round;
  // the second round's growth is what each further idle session costs.
  const first = await create();
  const second = await create();
  console.log(
    `through the service (${
      n.toLocaleString("en-US")
    } more sessions created with proofs, one 20-event batch each, after ${
      n.toLocaleString("en-US")
    }): ` +
      `**${Math.round((second - first) / n)} bytes per idle session**`,
  );
  n *= 2;
  if (store.stats().sessions !== n) {
    throw new Error(`expected ${n} sessions, found ${store.stats().sessions}`);
  }
}
