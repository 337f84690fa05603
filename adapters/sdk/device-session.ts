/**
 * The SDK object every entry returns: Mosaic's method names on top of the driver, with
 * validated arguments and typed errors. Runtime entries (`/browser`, `/node`, `/bun`,
 * `/deno`) only choose the ports.
 *
 * @module
 */
import { MachineDriver, type Request } from "../driver/driver.ts";
import { errorOf } from "../../core/errors/error.ts";
import type { Ports } from "../ports.ts";
import type { Phase, SessionEvent } from "../../core/mod.ts";
import type { Resolution } from "../../core/session/types.ts";
import type { FlatAttributes } from "../../core/wire/primitives.ts";
import { type ActionEventOptions, type InitOptions, parseInitOptions } from "./options.ts";

/** A read-only view of the device session, for dashboards and debugging. */
export interface SessionSnapshot {
  readonly phase: Phase;
  readonly sessionId: string | null;
  readonly deviceId: string | null;
  readonly userId: string | null;
  /** Current token's expiry (service time, seconds), or `null`. */
  readonly tokenExpiresAt: number | null;
  /** Service time minus local time, in ms. */
  readonly clockOffsetMs: number;
  readonly queueLength: number;
  readonly queueBytes: number;
  /** Largest acknowledged `seq` of the current session. */
  readonly ackedSeq: number;
  /** Events discarded (counted) in the current session. */
  readonly dropped: number;
  readonly keyAssurance: string | null;
}

/** The SDK (SPEC §9; Mosaic-style API). */
export interface DeviceSession {
  /** A regular session token for your backend (needs `enableSessionToken`). */
  getSessionToken(): Promise<string>;
  /** A new secure session token bound to `actionType`, valid `expirationSeconds` (default 300). */
  getSecureSessionToken(actionType: string, expirationSeconds?: number): Promise<string>;
  /** Reports an action; resolves with its action token (for your backend's recommendation). */
  triggerActionEvent(
    actionType: string,
    options?: ActionEventOptions,
  ): Promise<{ actionToken: string }>;
  /** Sets the authenticated user (after full authentication); `true` if it changed. */
  setAuthenticatedUser(userId: string): Promise<boolean>;
  /** Clears the user; `true` if there was one. */
  clearUser(): Promise<boolean>;
  /** Sends queued telemetry now; resolves when the queue is empty. */
  flush(): Promise<void>;
  /** Flushes, persists and stops; later calls reject with `ERR_CLOSED`. */
  shutdown(): Promise<void>;
  /** Observable events (state changes, refreshes, drops, errors); returns an unsubscribe. */
  on(listener: (event: SessionEvent) => void): () => void;
  /** The current state. */
  snapshot(): SessionSnapshot;
}

/**
 * The collectors' plumbing (advanced): how telemetry gets into a session. The browser entry's
 * collectors use it; a custom runtime can feed its own events through {@link telemetrySink}.
 */
export interface TelemetrySink {
  /** Records a telemetry event. Never blocks, never throws. */
  track(eventType: "device" | "page" | "interaction", data: Record<string, unknown>): void;
  /** Marks user activity (keeps the session from idling out). */
  activity(): void;
  /** The page is being hidden: beacon what fits and persist. */
  pageHide(): void;
}

/** Where a session object keeps its {@link TelemetrySink} (not an app-facing method). */
export const SINK: unique symbol = Symbol.for("device-session/telemetry-sink");

/** A session as the SDK builds it: the app-facing API plus its sink (internal type). */
export type SdkSession = DeviceSession & { readonly [SINK]: TelemetrySink };

/**
 * The telemetry sink of a session made by this SDK (advanced: for custom runtimes that collect
 * their own events). Throws `ERR_INVALID_INPUT` for any other object.
 *
 * @example
 * ```ts
 * declare const ds: DeviceSession; // from init()
 * const sink = telemetrySink(ds);
 * sink.track("page", { kind: "load", path: "/checkout" });
 * sink.activity();
 * ```
 */
export function telemetrySink(ds: DeviceSession): TelemetrySink {
  const sink = (ds as Partial<SdkSession>)[SINK];
  if (sink === undefined) throw errorOf("ERR_INVALID_INPUT", "not a device-session SDK object");
  return sink;
}

/** Every answer's members (each request reads its own). */
type Answer = { token: string; actionToken: string; changed: boolean };

/** Extra inputs of `init` for custom runtimes (and of {@link createDeviceSession}). */
export interface CreateOptions {
  /**
   * Device attributes sent at session creation and as the first `device` event — or a promise
   * of them (still arriving, e.g. in a chunk of their own), awaited after the storage reads.
   */
  readonly attributes?: FlatAttributes | Promise<FlatAttributes | undefined>;
  /** Storage key prefix (default `device-session:<clientId>:`). */
  readonly storagePrefix?: string;
}

/**
 * Creates and starts a device session with the given ports — the entry point for custom
 * runtimes (the runtime entries call it with their own ports).
 *
 * @example
 * ```ts
 * import type { Ports } from "device-session";
 * declare const { clock, random, scheduler, keys, transport, storage }: Ports; // yours
 * const ds = createDeviceSession(
 *   { clientId: "demo", serverPath: "https://risk.example.com/", enableSessionToken: true },
 *   { clock, random, scheduler, keys, transport, storage },
 * );
 * const token = await ds.getSessionToken();
 * ```
 */
export function createDeviceSession(
  options: InitOptions,
  ports: Ports,
  extra: CreateOptions = {},
): SdkSession {
  const o = parseInitOptions(options);
  const driver = new MachineDriver(
    { ...o, storagePrefix: extra.storagePrefix ?? `device-session:${o.clientId}:` },
    ports,
  );
  let acked = { sid: "", seq: 0 };
  driver.on((e) => {
    if (e.type === "acked" && e.count > 0) {
      acked = {
        sid: e.sessionId,
        seq: e.sessionId === acked.sid ? Math.max(acked.seq, e.seq) : e.seq,
      };
    }
  });
  const ready = driver.start({
    ...(o.userId !== undefined ? { userId: o.userId } : {}),
    ...(extra.attributes !== undefined ? { attributes: extra.attributes } : {}),
  });
  // Calls reach the machine in call order, after start (storage reads): `turn` settles once the
  // previous call has been handed over, never waiting for its answer. The first action waits for
  // its option checks to load (`action-options.ts`), and the calls after it wait their turn.
  let turn: Promise<unknown> = ready;
  const inTurn = <T>(hand: () => T | Promise<T>): Promise<T> => {
    const handed = turn.then(hand);
    turn = handed.then(() => {}, () => ready); // a failed call does not stop the next; a failed start does
    turn.catch(() => {}); // reported to each caller, not as an unhandled rejection
    return handed;
  };
  const ask = async (input: Request | (() => Promise<Request>)): Promise<Answer> => {
    const { answer } = await inTurn(async () => ({
      answer: driver.ask(typeof input === "function" ? await input() : input),
    }));
    return await answer as Resolution & Answer;
  };
  const action = async (actionType: string, options: unknown): Promise<Request> => {
    const m = await import("./action-options.ts").catch(() => {
      throw errorOf("ERR_NETWORK", "the action option checks did not load");
    });
    const attributes = m.actionAttributes(options);
    if (typeof attributes === "string") throw errorOf("ERR_INVALID_INPUT", attributes);
    return { type: "trigger_action", actionType, attributes };
  };
  return {
    getSessionToken: async () => (await ask({ type: "get_token" })).token,
    getSecureSessionToken: async (actionType, expirationSeconds) =>
      (await ask({
        type: "get_secure_token",
        actionType,
        ...(expirationSeconds !== undefined ? { expirationSeconds } : {}),
      })).token,
    triggerActionEvent: async (actionType, opts) => ({
      actionToken: (await ask(() => action(actionType, opts))).actionToken,
    }),
    setAuthenticatedUser: async (userId) => (await ask({ type: "set_user", userId })).changed,
    clearUser: async () => (await ask({ type: "clear_user" })).changed,
    flush: async () => void await ask({ type: "flush" }),
    shutdown: () => inTurn(() => driver.shutdown()),
    on: (l) => driver.on(l),
    [SINK]: {
      track: (eventType, data) =>
        void inTurn(() => driver.dispatch({ type: "track", eventType, data })).catch(() => {}),
      activity: () => void inTurn(() => driver.dispatch({ type: "activity" })).catch(() => {}),
      pageHide: () => driver.dispatch({ type: "page_hide" }),
    },
    snapshot: () => {
      const s = driver.state;
      const sid = s.session?.id ?? null;
      return {
        phase: s.phase,
        sessionId: sid,
        deviceId: s.deviceId,
        userId: s.user,
        tokenExpiresAt: s.session?.tokenExp ?? null,
        clockOffsetMs: s.offsetMs,
        queueLength: s.queue.events.length,
        queueBytes: s.queue.bytes,
        ackedSeq: sid !== null && acked.sid === sid ? acked.seq : 0,
        dropped: sid !== null ? s.queue.dropped[sid]?.total ?? 0 : 0,
        keyAssurance: s.key?.assurance ?? null,
      };
    },
  };
}
