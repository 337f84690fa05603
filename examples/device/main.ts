/**
 * Plays the device against a running service: a real, non-extractable WebCrypto key, the SDK's
 * session machine (SessionDriver) over the fetch transport. Creates a device session, sends a
 * little telemetry, and prints shell `export` lines with a session token and a secure session
 * token, for the backend walkthrough (docs/walkthrough.md).
 *
 *   node --import tsx examples/device/main.ts      (Node 20; Node ≥ 22.18 runs it directly)
 *   deno run -A examples/device/main.ts
 *   bun examples/device/main.ts
 *
 * Reads DS_URL (default http://localhost:8787) and DS_CLIENT_ID (default demo). The key lives
 * in memory only (`ephemeral`), so each run is a new device.
 *
 * @module
 */
import process from "node:process";
import { SessionDriver } from "../../adapters/driver/driver.ts";
import { FetchTransport } from "../../adapters/transport/fetch.ts";
import {
  MemoryKeyStore,
  systemClock,
  timerScheduler,
  webRandom,
} from "../../adapters/sdk/ports-web.ts";
import { MemoryStorage } from "../../adapters/testing/storage.ts";

const url = (process.env.DS_URL ?? "http://localhost:8787").replace(/\/$/, "");
const clientId = process.env.DS_CLIENT_ID ?? "demo";
const log = (line: string) => process.stderr.write(`${line}\n`);

const driver = new SessionDriver(
  { clientId, serverPath: `${url}/`, enableSessionToken: true, tokenWaitMs: 10_000 },
  {
    clock: systemClock,
    random: webRandom,
    scheduler: timerScheduler({ unref: (t) => (t as { unref?: () => void }).unref?.() }),
    keys: new MemoryKeyStore(),
    storage: new MemoryStorage(),
    transport: new FetchTransport(),
  },
);
driver.on((e) => {
  if (e.type === "session_started") log(`device: session ${e.sessionId} on device ${e.deviceId}`);
  if (e.type === "error") log(`device: ${e.code}: ${e.message}`);
});

try {
  await driver.start({ attributes: { platform: "node", automation: false } });
  const sessionToken = await driver.getSessionToken();
  // Some telemetry, as collectors would send it (timings and kinds only, never values).
  driver.track("page", { kind: "load", path: "/checkout" });
  for (const kind of ["pointer", "click", "keys", "submit"]) driver.track("interaction", { kind });
  await driver.flush();
  const secureToken = await driver.getSecureSessionToken("transaction", 600);
  log(`device: key ${driver.state.key?.alg} ${driver.state.key?.jkt} (non-extractable, in memory)`);
  log("device: paste these into the shell of the backend walkthrough:");
  process.stdout.write(`export DS_SESSION_TOKEN=${sessionToken}\n`);
  process.stdout.write(`export DS_SECURE_TOKEN=${secureToken}\n`);
  await driver.shutdown();
  process.exit(0);
} catch (e) {
  log(
    `device: failed: ${
      e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : e
    }`,
  );
  log(`device: is the service running at ${url}? (npm start)`);
  process.exit(1);
}
