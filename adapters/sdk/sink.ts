/**
 * How telemetry gets into a session: the sink and the symbol a session keeps it under. A
 * module of its own so that the browser entry and its stand-in session (`deferred.ts`) reach
 * the symbol without the session's modules.
 *
 * @module
 */

/**
 * The collectors' plumbing (advanced): how telemetry gets into a session. The browser entry's
 * collectors use it; a custom runtime can feed its own events through `telemetrySink` (device-session.ts).
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
