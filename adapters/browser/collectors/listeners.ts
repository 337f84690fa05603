/**
 * The collectors' listeners (SPEC §8.2) without the device attributes: what `startCollectors`
 * (mod.ts) runs after the `device` event, and the browser entry's collectors chunk.
 *
 * @module
 */
import { clicks } from "./clicks.ts";
import { keys } from "./keys.ts";
import { createRateLimiter } from "./limiter.ts";
import { page } from "./page.ts";
import { paste } from "./paste.ts";
import { pointer } from "./pointer.ts";
import { submit } from "./submit.ts";
import type { CollectorOptions, Context } from "./types.ts";
import { visibility } from "./visibility.ts";

/** `sink.activity()` at most this often: pointer moves come at 60+ Hz, the idle timer needs
 * minutes. */
const ACTIVITY_EVERY_MS = 1000;

/**
 * Starts every collector (or those `collectors` leaves on) except the `device` event, and
 * returns a function that stops them: it removes every listener and timer and drops open
 * windows. The browser entry loads this as its collectors' chunk (it sends the device
 * attributes itself, at session creation).
 *
 * @example
 * ```ts
 * import type { Sink } from "./types.ts";
 * declare const sink: Sink;
 * const stop = startListeners({ sink, onHide: () => {} });
 * stop();
 * ```
 */
export function startListeners(o: CollectorOptions): () => void {
  const w = o.window ?? (globalThis as unknown as Window);
  const d = o.document ?? w.document;
  const { sink } = o;
  const now = o.now ?? (() => w.performance.now());
  const limiter = createRateLimiter(o);
  const trustedOnly = o.trustedOnly !== false;
  const on = o.collectors ?? {};
  let last = 0;
  let lastActivity = -Infinity;
  const c: Context = {
    w,
    d,
    now,
    flush: [],
    off: [],
    on(target, type, fn) {
      const opts = { capture: true, passive: true };
      const f = fn as EventListener;
      target.addEventListener(type, f, opts);
      c.off.push(() => target.removeEventListener(type, f, opts));
    },
    emit(type, data, all) {
      const n = limiter.take(type === "page" ? type : String(data.kind), now());
      if (n < 0) return;
      if (n) data.suppressed = n;
      if (all) {
        for (const [k, v] of Object.entries(limiter.drain())) {
          data["suppressed_" + k] = v;
        }
      }
      sink.track(type, data);
    },
    act(e, discrete = true) {
      const t = now();
      if ((e.isTrusted || !trustedOnly) && t - lastActivity >= ACTIVITY_EVERY_MS) {
        lastActivity = t;
        sink.activity();
      }
      const dt = Math.round(t - last);
      if (discrete) last = t;
      return dt;
    },
  };
  const pasted = new WeakSet<object>();
  // Order matters: page's pagehide listener queues the hide event before visibility's runs
  // the flushes and onHide (the beacon).
  if (on.page !== false) page(c, o.path);
  if (on.clicks !== false) clicks(c);
  if (on.pointer !== false) pointer(c, o.pointerWindowMs ?? 2000);
  if (on.keys !== false) keys(c, o.keyBurstMs ?? 5000);
  if (on.paste !== false) paste(c, pasted);
  if (on.submit !== false) submit(c, pasted);
  visibility(c, o.onHide, on.visibility !== false);
  return () => {
    for (const f of c.off.splice(0)) f();
    c.flush.length = 0;
  };
}
