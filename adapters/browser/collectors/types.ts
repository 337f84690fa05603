/**
 * Types shared by the browser collectors: the sink they report to, their options and the
 * small context each collector is started with.
 *
 * @module
 */

/**
 * Event types a collector may enqueue (SPEC §8.2).
 *
 * @example
 * ```ts
 * const type: CollectedType = "interaction";
 * ```
 */
export type CollectedType = "page" | "interaction" | "device";

/**
 * Event data: a small flat JSON object (SPEC §8.1, at most 4096 bytes serialized).
 *
 * @example
 * ```ts
 * const data: EventData = { kind: "paste", field: "input:email", length: 16, trusted: true, dt: 840 };
 * ```
 */
export type EventData = Record<string, string | number | boolean>;

/**
 * Where collectors send what they see: the SDK driver (`SessionDriver` has both methods), or a
 * recorder in tests.
 *
 * @example
 * ```ts
 * import type { SessionDriver } from "../../driver/driver.ts";
 * declare const driver: SessionDriver;
 * const sink: Sink = {
 *   track: (type, data) => driver.track(type, data),
 *   activity: () => driver.activity(),
 * };
 * ```
 */
export interface Sink {
  /** Enqueues one telemetry event; must return at once. */
  track(type: CollectedType, data: EventData): void;
  /** Marks genuine user activity (keeps the session from idling out). */
  activity(): void;
}

/**
 * A token bucket: `perSecond` tokens refill continuously up to `burst`; each event takes one.
 *
 * @example
 * ```ts
 * const clicks: Rate = { perSecond: 10, burst: 20 };
 * ```
 */
export interface Rate {
  /** Sustained events per second. */
  perSecond: number;
  /** Events allowed at once after a quiet spell. */
  burst: number;
}

/**
 * Rate-limited kinds: one bucket per interaction kind, one for all `page` events.
 *
 * @example
 * ```ts
 * const limits: Partial<Record<LimitKind, Rate>> = { click: { perSecond: 2, burst: 4 } };
 * ```
 */
export type LimitKind =
  | "page"
  | "click"
  | "pointer"
  | "keys"
  | "paste"
  | "submit"
  | "visibility";

/**
 * Collector names, for {@link CollectorOptions.collectors}.
 *
 * @example
 * ```ts
 * const off: Partial<Record<CollectorName, boolean>> = { pointer: false, keys: false };
 * ```
 */
export type CollectorName =
  | "page"
  | "clicks"
  | "pointer"
  | "keys"
  | "paste"
  | "submit"
  | "visibility";

/**
 * Options of `startCollectors`.
 *
 * @example
 * ```ts
 * import type { SessionDriver } from "../../driver/driver.ts";
 * declare const driver: SessionDriver;
 * declare const sink: Sink;
 * const options: CollectorOptions = { sink, onHide: () => driver.pageHide(), perMinute: 60 };
 * ```
 */
export interface CollectorOptions {
  /** Receives events and activity marks. */
  sink: Sink;
  /** The window to observe (default `globalThis`); tests inject their own. */
  window?: Window;
  /** The document to observe (default `window.document`). */
  document?: Document;
  /** Called on `pagehide` and on `visibilitychange` to hidden, after pending windows are
   * flushed into the sink (the SDK beacons its queue here). Runs even with `visibility` off. */
  onHide?: () => void;
  /** Per-kind bucket overrides, merged over `DEFAULT_LIMITS`. */
  limits?: Partial<Record<LimitKind, Rate>>;
  /** Overall cap on collected events per minute, all kinds together (default 120). */
  perMinute?: number;
  /** Collectors to turn off, e.g. `{ pointer: false }` (all on by default). */
  collectors?: Partial<Record<CollectorName, boolean>>;
  /** Enqueue a `device` event with `deviceAttributes()` at start (default `true`). */
  device?: boolean;
  /** Call `sink.activity()` for trusted (real user) events only (default `true`), so a page
   * script dispatching synthetic events cannot keep a session alive. */
  trustedOnly?: boolean;
  /** Length of a pointer statistics window in ms (default 2000). */
  pointerWindowMs?: number;
  /** A key burst in one field is reported at least every this many ms (default 5000). */
  keyBurstMs?: number;
  /** Rewrites the path before it is reported, e.g. to blank ids or tokens in it. */
  path?: (pathname: string) => string;
  /** Monotonic ms clock for rate limits (default `performance.now`). */
  now?: () => number;
}

/**
 * What each collector is started with (internal: built by `startCollectors`).
 *
 * @example
 * ```ts
 * declare const c: Context;
 * c.on<MouseEvent>(c.d, "click", (e) => c.emit("interaction", { kind: "click", dt: c.act(e) }));
 * ```
 */
export interface Context {
  readonly w: Window;
  readonly d: Document;
  /** The monotonic clock. */
  now(): number;
  /** Adds a passive capture listener, removed by stop(). */
  on<E extends Event>(target: EventTarget, type: string, fn: (e: E) => void): void;
  /** Rate-limits and enqueues; `all` also reports every kind's pending suppressed count. */
  emit(type: "page" | "interaction", data: EventData, all?: boolean): void;
  /** Notes a user input event and marks activity (throttled). Returns the ms since the
   * previous discrete input (since navigation start for the first); with `discrete` false
   * (pointer moves) the input does not count as one. */
  act(e: Event, discrete?: boolean): number;
  /** Flushes of open windows (pointer, keys), run before onHide and on page hide. */
  readonly flush: Array<() => void>;
  /** Cleanups run by stop(). */
  readonly off: Array<() => void>;
}
