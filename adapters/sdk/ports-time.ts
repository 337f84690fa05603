/**
 * The clock, randomness and timer ports on web-standard globals, without the key code of
 * `ports-web.ts`: the browser entry takes these and loads its keys lazily.
 *
 * @module
 */
import type { Clock, Random, Scheduler } from "../ports.ts";

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** `crypto.getRandomValues`. */
export const webRandom: Random = {
  bytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
};

// setTimeout's delay is a signed 32-bit integer: longer waits are chained.
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Timers on `setTimeout`. `unref` (Node, Bun, Deno) keeps background refreshes from holding a
 * process open.
 *
 * @example
 * ```ts
 * const scheduler = timerScheduler({ unref: (t) => (t as { unref?: () => void }).unref?.() });
 * ```
 */
export function timerScheduler(o: { unref?: (timer: unknown) => void } = {}): Scheduler {
  return {
    set(at, fn) {
      const handle: { t: unknown } = { t: null };
      const arm = () => {
        const delay = Math.min(MAX_DELAY, Math.max(0, at - Date.now()));
        handle.t = setTimeout(() => (Date.now() >= at ? fn() : arm()), delay);
        o.unref?.(handle.t);
      };
      arm();
      return handle;
    },
    clear(handle) {
      const h = handle as { t: ReturnType<typeof setTimeout> } | null;
      if (h !== null) clearTimeout(h.t);
    },
  };
}
