/**
 * A device session that is still arriving: the multi-tab coordinator (`tabs.ts`) is its own
 * chunk, so `init` answers at once with this stand-in, which forwards every call to the real
 * session once its chunk has loaded — in call order, listeners included — and loads the chunk
 * again if it failed (`retry-load.ts`): without it there is no session at all.
 *
 * @module
 */
import type { SessionEvent } from "../../core/mod.ts";
import { errorOf } from "../../core/errors/error.ts";
import { retryingLoad, type RetryOptions } from "./retry-load.ts";
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
] as const;

/** Options of {@link deferredSession}. */
export interface DeferredOptions extends Omit<RetryOptions<Shared>, "onLoad" | "load"> {
  /**
   * Loads the chunk (called again after a failure) and answers how to start the session: it is
   * started only if the SDK was not shut down meanwhile, so nothing runs after `shutdown`.
   */
  load: () => Promise<() => Shared>;
  /** Calls kept while the chunk is missing, telemetry only (default 1000; oldest dropped). */
  maxWaiting?: number;
}

/**
 * Forwards to the session `load` builds once its chunk has arrived. Until then `snapshot`
 * reports `starting` and `isLeader` is `false`; calls wait, in call order. A chunk that fails
 * to load is fetched again on a backoff and at once on the next asynchronous call (not on
 * telemetry, which comes with every scroll and click), which rejects with `ERR_NETWORK` if that
 * attempt fails too; telemetry and listeners keep waiting (telemetry up to `maxWaiting` calls).
 * `shutdown` before the chunk arrived stops the retries, and a chunk arriving after it starts
 * no session.
 *
 * @example
 * ```ts
 * import type { TabOptions } from "./tabs.ts";
 * declare const options: TabOptions;
 * const ds = deferredSession({
 *   load: () => import("./tabs.ts").then((m) => () => m.sharedSession(options)),
 * });
 * ```
 */
export function deferredSession(o: DeferredOptions): Shared {
  const max = o.maxWaiting ?? 1000;
  type Waiting = { f: (d: Shared) => void; sink: boolean; fail?: (e: Error) => void };
  let waiting: Waiting[] = [];
  let sinks = 0; // telemetry calls in `waiting`
  let closed = false;
  const shutDown = () => errorOf("ERR_CLOSED", "the SDK was shut down");
  const chunk = retryingLoad({
    ...o,
    load: () =>
      o.load().then((start) => {
        if (closed) throw shutDown(); // not retried: stopped
        return start();
      }),
    onLoad: (d) => {
      for (const c of take()) c.f(d);
    },
  });
  const take = (): Waiting[] => {
    const calls = waiting;
    waiting = [];
    sinks = 0;
    return calls;
  };
  const forget = (w: Waiting): boolean => {
    const i = waiting.indexOf(w);
    if (i !== -1) waiting.splice(i, 1);
    return i !== -1;
  };
  const wait = (w: Waiting) => {
    waiting.push(w);
    if (w.sink && ++sinks > max) {
      sinks--;
      waiting.splice(waiting.findIndex((x) => x.sink), 1);
    }
    // Only a call waiting for an answer brings a retry forward: telemetry comes with every
    // scroll and click, and each would fetch the chunk again, defeating the backoff.
    const fail = w.fail;
    if (fail === undefined) return;
    void chunk.now().catch((e) => {
      // This attempt failed: the call gets its answer, unless it already has one.
      if (forget(w)) fail(errorOf("ERR_NETWORK", `the session's chunk did not load: ${String(e)}`));
    });
  };
  const later = (w: Waiting) => {
    const d = chunk.value();
    if (d !== undefined) w.f(d);
    else if (!closed) wait(w);
  };
  const call = (m: (typeof ASYNC)[number], a: unknown[]) =>
    new Promise((resolve, reject) => {
      const run = (d: Shared) => resolve((d[m] as (...a: unknown[]) => Promise<unknown>)(...a));
      const d = chunk.value();
      if (d !== undefined) run(d);
      else if (closed) reject(shutDown());
      else wait({ f: run, sink: false, fail: reject });
    });
  const out = {
    isLeader: () => chunk.value()?.isLeader() ?? false,
    snapshot: (): SessionSnapshot => chunk.value()?.snapshot() ?? STARTING,
    on: (l: (e: SessionEvent) => void) => {
      let off: (() => void) | null = null;
      let gone = false;
      const w: Waiting = { f: (d) => void (gone || (off = d.on(l))), sink: false };
      later(w);
      return () => {
        gone = true;
        forget(w); // removed before the chunk arrived: not kept until it does
        off?.();
      };
    },
    [SINK]: {
      track: (t: TelemetrySinkType, data: Record<string, unknown>) =>
        later({ f: (d) => d[SINK].track(t, data), sink: true }),
      activity: () => later({ f: (d) => d[SINK].activity(), sink: true }),
      pageHide: () => later({ f: (d) => d[SINK].pageHide(), sink: true }),
    },
    shutdown: async () => {
      const d = chunk.value();
      if (d !== undefined) return await d.shutdown();
      closed = true; // nothing started yet: stop loading; a chunk still arriving starts nothing
      chunk.stop();
      for (const c of take()) c.fail?.(shutDown());
    },
  } as unknown as Shared;
  for (const m of ASYNC) {
    (out as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => call(m, a);
  }
  return out;
}
