/**
 * Loading a lazy chunk until it arrives. A chunk behind `import()` can fail to load (offline,
 * a flaky network, a deploy that swapped the files); browsers fetch a failed module again on
 * the next `import()`, so a failure is not final: the load is retried on a backoff, and at once
 * when a caller needs it.
 *
 * @module
 */

/** Timers for the retry (the page's by default; tests pass their own). */
export interface RetryTimer {
  set(f: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Options of {@link retryingLoad}. */
export interface RetryOptions<T> {
  /** Loads the chunk (and builds what it holds); called again after a failure. */
  load: () => Promise<T>;
  /** Called once, with the loaded value, before any caller of `now` sees it. */
  onLoad?: (value: T) => void;
  /** Delay before the next attempt after `n` failures in a row; default 1 s doubling to 60 s. */
  retryMs?: (n: number) => number;
  /** Default: `setTimeout` / `clearTimeout`. */
  timer?: RetryTimer;
}

/** A chunk being loaded: `now()` asks for it, `stop()` ends the retries. */
export interface RetryingLoad<T> {
  /** The value, loading it now if no attempt is in flight (a pending retry is brought forward). */
  now(): Promise<T>;
  /** The value if it has arrived. */
  value(): T | undefined;
  /** No more attempts; a load in flight still settles. */
  stop(): void;
}

const pageTimer: RetryTimer = {
  set: (f, ms) => setTimeout(f, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Starts loading at once and keeps retrying after failures until it succeeds or is stopped.
 *
 * @example
 * ```ts
 * const chunk = retryingLoad({ load: () => import("./tabs.ts") });
 * const tabs = await chunk.now(); // rejects if this attempt failed; a retry is scheduled
 * ```
 */
export function retryingLoad<T>(o: RetryOptions<T>): RetryingLoad<T> {
  const timer = o.timer ?? pageTimer;
  const retryMs = o.retryMs ?? ((n: number) => Math.min(60_000, 1000 * 2 ** (n - 1)));
  let loaded: { value: T } | null = null;
  let inflight: Promise<T> | null = null;
  let pending: unknown = null;
  let failures = 0;
  let stopped = false;
  const attempt = (): Promise<T> => {
    if (loaded !== null) return Promise.resolve(loaded.value);
    if (inflight !== null) return inflight;
    if (pending !== null) timer.clear(pending);
    pending = null;
    inflight = o.load().then((value) => {
      loaded = { value };
      inflight = null;
      o.onLoad?.(value);
      return value;
    }, (e) => {
      inflight = null;
      failures++;
      if (!stopped) pending = timer.set(() => void attempt().catch(() => {}), retryMs(failures));
      throw e;
    });
    return inflight;
  };
  void attempt().catch(() => {}); // a failure is retried; callers of `now` see their own
  return {
    now: attempt,
    value: () => loaded?.value,
    stop: () => {
      stopped = true;
      if (pending !== null) timer.clear(pending);
      pending = null;
    },
  };
}
