/**
 * `device-session/browser` — the SDK for web pages: a non-extractable device key in
 * IndexedDB (ephemeral fallback where a CryptoKey cannot be stored), `fetch` and `sendBeacon`,
 * the telemetry queue persisted in IndexedDB, the collectors, and one device session shared by
 * every tab (Web Locks + BroadcastChannel). Nothing touches `window` at import time, so it is
 * safe to import under SSR; call `init` in the browser.
 *
 * @example
 * ```ts
 * import { init } from "device-session/browser";
 * const ds = init({ clientId: "demo", serverPath: "https://risk.example.com/", enableSessionToken: true });
 * const token = await ds.getSessionToken(); // send it to your backend
 * const secure = await ds.getSecureSessionToken("transaction", 120);
 * ```
 *
 * @module
 */
import { createDeviceSession, type DeviceSession, SINK } from "./adapters/sdk/device-session.ts";
import { type InitOptions, parseInitOptions } from "./adapters/sdk/options.ts";
import { systemClock, timerScheduler, webRandom } from "./adapters/sdk/ports-time.ts";
import { FetchTransport } from "./adapters/transport/fetch.ts";
import { IdbStorage } from "./adapters/browser/idb-storage.ts";
import { deferredSession, STARTING } from "./adapters/browser/deferred.ts";
import { lazyKeyPort } from "./adapters/browser/lazy-keys.ts";
import { retryingLoad } from "./adapters/browser/retry-load.ts";
import type { CollectorOptions } from "./adapters/browser/collectors/types.ts";

export type { ActionEventOptions, InitOptions } from "./adapters/sdk/options.ts";
export type { DeviceSession, SessionSnapshot } from "./adapters/sdk/device-session.ts";
import { errorOf } from "./core/errors/error.ts";
export { DeviceSessionError } from "./core/errors/error.ts";

/** Browser-only options. */
export interface BrowserOptions extends InitOptions {
  /** Start the collectors (default `true`); pass collector options to tune them. */
  collect?: boolean | Omit<CollectorOptions, "sink" | "onHide">;
  /** Share one session across tabs (default `true`). */
  shareTabs?: boolean;
}

/** The browser SDK: a {@link DeviceSession} that also stops its collectors on shutdown. */
export type BrowserDeviceSession = DeviceSession & {
  /** Whether this tab runs the shared session (the others forward to it). */
  isLeader(): boolean;
};

/**
 * Starts the device session in this page (SPEC §9). Returns at once; the session is created
 * in the background (or resumed, after a reload or in another tab).
 *
 * @example
 * ```ts
 * const ds = init({ clientId: "demo", serverPath: "/risk/", enableSessionToken: true });
 * await ds.setAuthenticatedUser("user-42"); // after full authentication
 * ```
 */
export function init(options: BrowserOptions): BrowserDeviceSession {
  const { collect = true, shareTabs = true, ...rest } = options;
  const o = parseInitOptions({ ...rest, serverPath: absolute(rest.serverPath) });
  // The device attributes are a chunk of their own, fetched now: in parallel with the tab
  // coordinator's chunk (which the session waits for anyway) or, without it, with the storage
  // reads the session starts with. A failed load is tried once more at once (a browser fetches a
  // failed module again); a chunk that does not load then leaves them out.
  const device = () => import("./adapters/browser/collectors/device.ts");
  const attributes = o.enabled === false
    ? {}
    : device().catch(device).then((m) => m.deviceAttributes(), () => undefined);
  const lead = () =>
    createDeviceSession(o, {
      clock: systemClock,
      random: webRandom,
      scheduler: timerScheduler(),
      // The key store and WebCrypto signing are a chunk of their own (lazy-keys.ts).
      keys: lazyKeyPort(() =>
        import("./adapters/browser/device-key.ts").then((m) => m.indexedDbKeyPort(o.clientId))
      ),
      transport: new FetchTransport(),
      storage: new IdbStorage(),
    }, { attributes });
  const ds = shareTabs
    ? deferredSession({ // the multi-tab coordinator is a chunk of its own
      load: () =>
        import("./adapters/browser/tabs.ts").then(({ sharedSession }) => () =>
          sharedSession({
            clientId: o.clientId,
            lead,
            callTimeoutMs: (o.tokenWaitMs ?? 10000) + 2000,
            starting: STARTING,
            errorOf,
          })
        ),
    })
    : { ...lead(), isLeader: () => true };
  let stop: (() => void) | null = () => {};
  // The collectors are their own chunk: the session starts without waiting for them. The
  // session sends the device attributes itself, at creation: the chunk is the listeners. A
  // failed load is retried (retry-load.ts) and at once when the page is back online.
  const listeners = collect !== false && o.enabled !== false
    ? retryingLoad({
      load: () => import("./adapters/browser/collectors/listeners.ts"),
      onLoad: ({ startListeners }) => {
        if (stop === null) return; // shut down before the chunk arrived
        stop = startListeners({
          ...(typeof collect === "object" ? collect : {}),
          sink: ds[SINK],
          onHide: () => ds[SINK].pageHide(),
        });
      },
    })
    : null;
  // Back online: send what waited instead of sitting out the rest of a backoff.
  const online = () => {
    void listeners?.now().catch(() => {}); // loads the collectors if they are still missing
    void ds.flush().catch(() => {});
  };
  const target = globalThis as { addEventListener?: (t: string, f: () => void) => void };
  target.addEventListener?.("online", online);
  return {
    ...ds,
    shutdown: async () => {
      (globalThis as { removeEventListener?: (t: string, f: () => void) => void })
        .removeEventListener?.("online", online);
      listeners?.stop();
      stop?.();
      stop = null;
      await ds.shutdown();
    },
  };
}

/** Resolves a relative `serverPath` (e.g. `/risk/`) against the page's location. */
function absolute(serverPath: string): string {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(serverPath, base).href;
  } catch {
    return serverPath; // validation reports it
  }
}
