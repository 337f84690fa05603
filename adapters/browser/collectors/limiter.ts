/**
 * Sampling and rate limits for collectors: a token bucket per kind plus one overall bucket, so
 * a busy page (or a script dispatching events in a loop) cannot flood the telemetry queue.
 * Refused events are counted, never silently lost: the next admitted event of the same kind
 * carries the count (`suppressed: n`), or a page-hide event takes every pending count.
 *
 * Pure: the caller passes the time, so the same code runs (and is tested) on every runtime.
 *
 * @module
 */
import type { LimitKind, Rate } from "./types.ts";

/**
 * Default buckets. Clicks allow a double-click storm; pointer windows arrive every 2 s at
 * most; key bursts come one per field focus plus one per 5 s of typing, so ten fields in a row
 * fit; everything else is rare on a human page.
 *
 * @example
 * ```ts
 * createRateLimiter({ limits: { ...DEFAULT_LIMITS, click: { perSecond: 2, burst: 5 } } });
 * ```
 */
export const DEFAULT_LIMITS: Readonly<Record<LimitKind, Rate>> = {
  page: { perSecond: 1, burst: 5 },
  click: { perSecond: 10, burst: 20 },
  pointer: { perSecond: 0.5, burst: 2 },
  keys: { perSecond: 0.5, burst: 10 },
  paste: { perSecond: 5, burst: 5 },
  submit: { perSecond: 1, burst: 5 },
  visibility: { perSecond: 1, burst: 5 },
};

/**
 * Default overall cap: 120 collected events per minute (a burst of 120, then 2 per second).
 *
 * @example
 * ```ts
 * import { startCollectors } from "./mod.ts";
 * import type { Sink } from "./types.ts";
 * declare const sink: Sink;
 * startCollectors({ sink, perMinute: DEFAULT_PER_MINUTE / 2 });
 * ```
 */
export const DEFAULT_PER_MINUTE = 120;

/**
 * Per-kind and overall token buckets with suppressed-event accounting.
 *
 * @example
 * ```ts
 * import type { Sink } from "./types.ts";
 * declare const sink: Sink;
 * const limiter = createRateLimiter({ limits: DEFAULT_LIMITS });
 * const n = limiter.take("click", performance.now());
 * if (n >= 0) sink.track("interaction", { kind: "click", ...(n ? { suppressed: n } : {}) });
 * ```
 */
export interface RateLimiter {
  /** Admits one event of `kind` at `nowMs` (monotonic). Returns -1 when refused (the refusal
   * is counted), otherwise the number of `kind` events refused since the last admitted one,
   * which the caller must report with this event (the count restarts at 0). */
  take(kind: string, nowMs: number): number;
  /** Takes every pending refused count, by kind (for a final report, e.g. on page hide). */
  drain(): Record<string, number>;
}

/**
 * Creates a {@link RateLimiter}. Kinds without a bucket are limited only by the overall cap.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ perMinute: 60 });
 * limiter.take("paste", 0); // 0: admitted, nothing suppressed before it
 * ```
 */
export function createRateLimiter(
  o: { limits?: Partial<Record<string, Rate>>; perMinute?: number } = {},
): RateLimiter {
  const limits: Partial<Record<string, Rate>> = { ...DEFAULT_LIMITS, ...o.limits };
  const per = o.perMinute ?? DEFAULT_PER_MINUTE;
  const all: Rate = { perSecond: per / 60, burst: per };
  // [tokens, last refill ms] per kind, and overall; a bucket starts full.
  const state: Record<string, [number, number]> = {};
  let pending: Record<string, number> = {};
  const fill = (r: Rate, s: [number, number], now: number): [number, number] => {
    s[0] = Math.min(r.burst, s[0] + Math.max(0, now - s[1]) * r.perSecond / 1000);
    s[1] = now;
    return s;
  };
  let total: [number, number] | undefined;
  return {
    take(kind, now) {
      const r = limits[kind];
      const k = r && fill(r, state[kind] ??= [r.burst, now], now);
      const a = fill(all, total ??= [all.burst, now], now);
      // Both buckets must have a token; neither is charged for a refused event.
      if ((k && k[0] < 1) || a[0] < 1) {
        pending[kind] = (pending[kind] ?? 0) + 1;
        return -1;
      }
      if (k) k[0]--;
      a[0]--;
      const n = pending[kind] ?? 0;
      delete pending[kind];
      return n;
    },
    drain() {
      const out = pending;
      pending = {};
      return out;
    },
  };
}
