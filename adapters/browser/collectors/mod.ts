/**
 * Browser collectors (SPEC §8.2): page views, clicks, pointer-movement statistics, key timing,
 * pastes, form submits, visibility and device attributes, rate-limited, into an injected sink.
 *
 * Nothing here touches `window` or `document` at import time (safe under SSR); only
 * {@link startCollectors} does. No collector captures field values, key values or clipboard
 * contents: only kinds, counts, coarse positions and timings.
 *
 * @module
 */
import { deviceAttributes } from "./device.ts";
import { startListeners } from "./listeners.ts";
import type { CollectorOptions } from "./types.ts";

export { deviceAttributes } from "./device.ts";
export { createRateLimiter, DEFAULT_LIMITS, DEFAULT_PER_MINUTE } from "./limiter.ts";
export type { RateLimiter } from "./limiter.ts";
export { fieldKind, lengthBucket } from "./util.ts";
export type * from "./types.ts";

/**
 * Starts every collector (or those `collectors` leaves on) and returns a function that stops
 * them: it removes every listener and timer and drops open windows. With `device` (the
 * default) it first enqueues a `device` event with {@link deviceAttributes}.
 *
 * @example
 * ```ts
 * import type { SessionDriver } from "../../driver/driver.ts";
 * declare const driver: SessionDriver;
 * const stop = startCollectors({
 *   sink: { track: (t, d) => driver.track(t, d), activity: () => driver.activity() },
 *   onHide: () => driver.pageHide(),
 * });
 * // later, on shutdown:
 * stop();
 * ```
 */
export function startCollectors(o: CollectorOptions): () => void {
  if (o.device !== false) {
    const w = o.window ?? (globalThis as unknown as Window);
    o.sink.track("device", deviceAttributes({ window: w }));
  }
  return startListeners(o);
}
