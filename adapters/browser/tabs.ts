/**
 * One device session for all tabs of a browser profile (SPEC §9.9): the tab holding a Web
 * Lock is the leader and runs the session; the others forward every call to it over a
 * BroadcastChannel. When the leader's tab goes away the lock passes to another tab, which
 * resumes the persisted session (SPEC §9.15) — never one session per tab.
 *
 * @module
 */
import type { errorOf } from "../../core/errors/error.ts";
import type { ErrorCode } from "../../core/errors/catalog.ts";
import type { SessionEvent } from "../../core/mod.ts";
import type {
  DeviceSession,
  SdkSession,
  SessionSnapshot,
  SINK as SinkKey,
} from "../sdk/device-session.ts";

// `SINK` of device-session.ts is a registered symbol, so this is the same one; spelled here so
// that this chunk does not import the session's modules (they would leave the page's entry
// chunk for a chunk shared by both).
const SINK: typeof SinkKey = Symbol.for("device-session/telemetry-sink") as typeof SinkKey;

type Method =
  | "getSessionToken"
  | "getSecureSessionToken"
  | "triggerActionEvent"
  | "setAuthenticatedUser"
  | "clearUser"
  | "flush";

type Msg =
  | { kind: "call"; id: string; from: string; method: Method; args: unknown[] }
  | { kind: "result"; id: string; to: string; ok: true; value: unknown }
  | { kind: "result"; id: string; to: string; ok: false; code: ErrorCode; message: string }
  | { kind: "track"; eventType: "device" | "page" | "interaction"; data: Record<string, unknown> }
  | { kind: "activity" }
  | { kind: "leader"; tabId: string }
  | { kind: "state"; snapshot: SessionSnapshot };

/** What the coordinator needs from the page. */
export interface TabOptions {
  readonly clientId: string;
  /** Starts the real session in this tab once it leads. */
  readonly lead: () => SdkSession;
  /** How long a forwarded call may wait for the leader (ms). */
  readonly callTimeoutMs: number;
  /** What `snapshot` reports until this tab hears from the leader. */
  readonly starting: SessionSnapshot;
  /** Builds the typed error of a code (the entry passes `errorOf`, so this chunk does not carry
   * the error classes and the key chunk's shared modules stay in one chunk). */
  readonly errorOf: typeof errorOf;
  readonly locks?: LockManager;
  readonly channel?: (name: string) => BroadcastChannel;
  readonly tabId?: string;
}

interface Pending {
  msg: Extract<Msg, { kind: "call" }>;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * A {@link DeviceSession} shared by every tab. Without Web Locks or BroadcastChannel each tab
 * leads on its own (degraded, documented in the README).
 *
 * @example
 * ```ts
 * import type { Ports } from "device-session";
 * import { errorOf } from "../../core/errors/error.ts";
 * import { createDeviceSession } from "../sdk/device-session.ts";
 * import { STARTING } from "./deferred.ts";
 * declare const ports: Ports;
 * const opts = { clientId: "demo", serverPath: "https://risk.example.com/" };
 * const ds = sharedSession({
 *   clientId: opts.clientId,
 *   lead: () => createDeviceSession(opts, ports),
 *   callTimeoutMs: 12_000,
 *   starting: STARTING,
 *   errorOf,
 * });
 * ```
 */
export function sharedSession(o: TabOptions): SdkSession & { isLeader(): boolean } {
  const { errorOf } = o;
  const locks = o.locks ?? (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  const makeChannel = o.channel ??
    (typeof BroadcastChannel === "function" ? (n: string) => new BroadcastChannel(n) : undefined);
  if (locks === undefined || makeChannel === undefined) {
    const ds = o.lead();
    return { ...ds, isLeader: () => true };
  }
  const tabId = o.tabId ?? Math.random().toString(36).slice(2); // an id, not a secret
  const channel = makeChannel(`device-session:${o.clientId}`);
  const pending = new Map<string, Pending>();
  const handled = new Map<string, Msg>(); // the leader's answers, for re-sent calls
  const listeners = new Set<(e: SessionEvent) => void>();
  let leader: SdkSession | null = null;
  let snapshot = o.starting;
  let release: (() => void) | null = null;
  let closed = false;
  let seq = 0;

  const post = (m: Msg) => channel.postMessage(m);

  channel.onmessage = (ev: MessageEvent<Msg>) => {
    const m = ev.data;
    if (m.kind === "result" && m.to === tabId) {
      const p = pending.get(m.id);
      if (p === undefined) return;
      pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value);
      else p.reject(errorOf(m.code, m.message));
    } else if (m.kind === "leader") {
      for (const p of pending.values()) post(p.msg); // a new leader: re-send what is unanswered
    } else if (m.kind === "state") {
      snapshot = m.snapshot;
    } else if (leader !== null) {
      if (m.kind === "call") void serve(leader, m);
      else if (m.kind === "track") leader[SINK].track(m.eventType, m.data);
      else if (m.kind === "activity") leader[SINK].activity();
    }
  };

  async function serve(ds: DeviceSession, m: Extract<Msg, { kind: "call" }>): Promise<void> {
    const done = handled.get(m.id);
    if (done !== undefined) return post(done);
    handled.set(m.id, {
      kind: "result",
      id: m.id,
      to: m.from,
      ok: false,
      code: "ERR_TIMEOUT",
      message: "in progress",
    });
    let answer: Msg;
    try {
      const f = ds[m.method] as (...a: unknown[]) => Promise<unknown>;
      answer = { kind: "result", id: m.id, to: m.from, ok: true, value: await f(...m.args) };
    } catch (e) {
      const err = e as { code?: ErrorCode; message?: string };
      answer = {
        kind: "result",
        id: m.id,
        to: m.from,
        ok: false,
        code: err.code ?? "ERR_SERVICE",
        message: err.message ?? String(e),
      };
    }
    handled.set(m.id, answer);
    setTimeout(() => handled.delete(m.id), 60_000);
    post(answer);
  }

  void locks.request(`device-session:${o.clientId}`, () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      release = resolve;
      leader = o.lead();
      leader.on((e) => {
        for (const l of listeners) l(e);
        post({ kind: "state", snapshot: leader!.snapshot() });
      });
      post({ kind: "leader", tabId });
      // Calls this tab made while it was a follower now go to itself.
      for (const [id, p] of pending) {
        pending.delete(id);
        clearTimeout(p.timer);
        const f = leader[p.msg.method] as (...a: unknown[]) => Promise<unknown>;
        f(...p.msg.args).then(p.resolve, p.reject);
      }
    })).catch(() => {/* the lock manager refused (e.g. opaque origin): stay a follower */});

  function call(method: Method, args: unknown[]): Promise<unknown> {
    if (closed) return Promise.reject(errorOf("ERR_CLOSED", "the SDK was shut down"));
    if (leader !== null) {
      return (leader[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    }
    return new Promise((resolve, reject) => {
      const msg: Extract<Msg, { kind: "call" }> = {
        kind: "call",
        id: `${tabId}:${seq++}`,
        from: tabId,
        method,
        args,
      };
      const timer = setTimeout(() => {
        pending.delete(msg.id);
        reject(errorOf("ERR_TIMEOUT", "no tab answered for the device session"));
      }, o.callTimeoutMs);
      pending.set(msg.id, { msg, resolve, reject, timer });
      post(msg);
    });
  }

  return {
    isLeader: () => leader !== null,
    getSessionToken: () => call("getSessionToken", []) as Promise<string>,
    getSecureSessionToken: (a, e) =>
      call("getSecureSessionToken", e === undefined ? [a] : [a, e]) as Promise<string>,
    triggerActionEvent: (a, opts) =>
      call("triggerActionEvent", opts === undefined ? [a] : [a, opts]) as Promise<
        { actionToken: string }
      >,
    setAuthenticatedUser: (u) => call("setAuthenticatedUser", [u]) as Promise<boolean>,
    clearUser: () => call("clearUser", []) as Promise<boolean>,
    flush: () => call("flush", []) as Promise<void>,
    on: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    snapshot: () => leader?.snapshot() ?? snapshot,
    [SINK]: {
      track: (eventType, data) =>
        leader ? leader[SINK].track(eventType, data) : post({ kind: "track", eventType, data }),
      activity: () => leader ? leader[SINK].activity() : post({ kind: "activity" }),
      pageHide: () => leader?.[SINK].pageHide(),
    },
    shutdown: async () => {
      closed = true;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(errorOf("ERR_CLOSED", "the SDK was shut down"));
      }
      pending.clear();
      if (leader !== null) await leader.shutdown();
      (release as (() => void) | null)?.();
      channel.close();
    },
  };
}
