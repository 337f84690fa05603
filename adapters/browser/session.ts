/**
 * Everything a browser tab's device session runs on, as one chunk: the machine and its
 * driver, `fetch`, IndexedDB storage, the IndexedDB device key with WebCrypto signing, the
 * device attributes and the multi-tab coordinator. `init` validates its options, requests this
 * chunk at once and answers with a stand-in (`deferred.ts`) that forwards to the session when
 * the chunk has arrived, so the page's own bundle carries only that. One chunk rather than
 * several because `init` needs all of it at once: each chunk is compressed on its own, and a
 * module shared by two chunks becomes a third.
 *
 * @module
 */
import { createDeviceSession, type SdkSession } from "../sdk/device-session.ts";
import type { InitOptions } from "../sdk/options.ts";
import { systemClock, timerScheduler, webRandom } from "../sdk/ports-time.ts";
import { createIndexedDbKeyStore } from "../keystore/indexeddb.ts";
import { keyPort } from "../keystore/port.ts";
import { FetchTransport } from "../transport/fetch.ts";
import { deviceAttributes } from "./collectors/device.ts";
import { IdbStorage } from "./idb-storage.ts";

export { sharedSession } from "./tabs.ts";

/**
 * Creates and starts the session with the browser's ports (`o` already validated by `init`):
 * the device key lives in the IndexedDB key store named after the client.
 *
 * @example
 * ```ts
 * const ds = startSession({ clientId: "demo", serverPath: "https://risk.example.com/" });
 * const token = await ds.getSessionToken();
 * ```
 */
export function startSession(o: InitOptions): SdkSession {
  return createDeviceSession(o, {
    clock: systemClock,
    random: webRandom,
    scheduler: timerScheduler(),
    keys: keyPort(createIndexedDbKeyStore({ name: o.clientId })),
    transport: new FetchTransport(),
    storage: new IdbStorage(),
  }, { attributes: o.enabled === false ? {} : deviceAttributes() });
}
