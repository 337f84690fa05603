/**
 * A device session that is still arriving: the multi-tab coordinator (`tabs.ts`) is its own
 * chunk, so `init` answers at once with this stand-in, which forwards every call to the real
 * session once its chunk has loaded — in call order, listeners included.
 *
 * @module
 */
import type { SessionEvent } from "../../core/mod.ts";
import {
  type SdkSession,
  type SessionSnapshot,
  SINK,
  type TelemetrySink,
} from "../sdk/device-session.ts";

type TelemetrySinkType = Parameters<TelemetrySink["track"]>[0];

type Shared = SdkSession & { isLeader(): boolean };

/** What a session reports before it has started (or before this tab heard from the leader). */
export const STARTING: SessionSnapshot = {
  phase: "starting",
  sessionId: null,
  deviceId: null,
  userId: null,
  tokenExpiresAt: null,
  clockOffsetMs: 0,
  queueLength: 0,
  queueBytes: 0,
  ackedSeq: 0,
  dropped: 0,
  keyAssurance: null,
};

const ASYNC = [
  "getSessionToken",
  "getSecureSessionToken",
  "triggerActionEvent",
  "setAuthenticatedUser",
  "clearUser",
  "flush",
  "shutdown",
] as const;

/**
 * Forwards to the session `ready` resolves to. Until then `snapshot` reports `starting` and
 * `isLeader` is `false`; asynchronous calls wait, and a failed load rejects them.
 *
 * @example
 * ```ts
 * import type { TabOptions } from "./tabs.ts";
 * declare const options: TabOptions;
 * const ds = deferredSession(import("./tabs.ts").then((m) => m.sharedSession(options)));
 * ```
 */
export function deferredSession(ready: Promise<Shared>): Shared {
  let ds: Shared | null = null;
  void ready.then((d) => (ds = d), () => {});
  const later = (f: (d: Shared) => void) => ds ? f(ds) : void ready.then(f, () => {});
  const out = {
    isLeader: () => ds?.isLeader() ?? false,
    snapshot: (): SessionSnapshot => ds?.snapshot() ?? STARTING,
    on: (l: (e: SessionEvent) => void) => {
      let off: (() => void) | null = null;
      let gone = false;
      later((d) => gone || (off = d.on(l)));
      return () => {
        gone = true;
        off?.();
      };
    },
    [SINK]: {
      track: (t: TelemetrySinkType, data: Record<string, unknown>) =>
        later((d) => d[SINK].track(t, data)),
      activity: () => later((d) => d[SINK].activity()),
      pageHide: () => later((d) => d[SINK].pageHide()),
    },
  } as unknown as Shared;
  for (const m of ASYNC) {
    (out as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) =>
      await ((await ready)[m] as (...a: unknown[]) => Promise<unknown>)(...a);
  }
  return out;
}
