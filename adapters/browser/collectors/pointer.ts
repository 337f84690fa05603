/**
 * Pointer-movement statistics: one event per window of movement, never one per move.
 *
 * @module
 */
import type { Context } from "./types.ts";
import { round } from "./util.ts";

/**
 * Emits `interaction` `{ kind: "pointer", pointer, count, length, duration, mean_speed,
 * max_speed, straightness, untrusted }` once per window of `windowMs` (from the first move):
 * path length in px, speeds in px/s, and straightness = start-to-end distance / path length
 * (1 is a ruler-straight line, typical of scripted moves; humans curve and overshoot). Only the
 * primary pointer counts, so two fingers do not make one zig-zag path. The move handler does
 * arithmetic on event coordinates only: no layout reads, no allocation after a window opens.
 *
 * @example
 * ```ts
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * pointer(context, 2000);
 * ```
 */
export function pointer(c: Context, windowMs: number): void {
  // The open window, as closure variables (they minify; object properties would not): start
  // and last time and position, moves (0: no window), path length, max speed (px/ms).
  let t0 = 0, t1 = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  let n = 0, len = 0, max = 0, untrusted = 0;
  let type = "";
  let timer: number | undefined;
  const end = (): void => {
    if (!n) return;
    c.w.clearTimeout(timer);
    const duration = t1 - t0;
    const straight = len > 0 ? Math.hypot(x1 - x0, y1 - y0) / len : 1;
    c.emit("interaction", {
      kind: "pointer",
      pointer: type,
      count: n,
      length: round(len),
      duration: round(duration),
      mean_speed: duration > 0 ? round(len / duration * 1000) : 0,
      max_speed: round(max * 1000),
      straightness: round(straight * 100) / 100,
      untrusted,
    });
    n = 0;
  };
  c.on<PointerEvent>(c.d, "pointermove", (e) => {
    if (!e.isPrimary) return;
    c.act(e, false);
    const t = e.timeStamp, x = e.clientX, y = e.clientY;
    // The timer normally closes the window; this covers a throttled (background) timer.
    if (n && t - t0 >= windowMs) end();
    if (!n) {
      t0 = t1 = t;
      x0 = x1 = x;
      y0 = y1 = y;
      len = max = untrusted = 0;
      type = String(e.pointerType).slice(0, 16);
      timer = c.w.setTimeout(end, windowMs);
    } else {
      const d = Math.hypot(x - x1, y - y1), dt = t - t1;
      len += d;
      if (dt > 0 && d / dt > max) max = d / dt;
      t1 = t;
      x1 = x;
      y1 = y;
    }
    n++;
    if (!e.isTrusted) untrusted++;
  });
  c.flush.push(end);
  c.off.push(() => {
    c.w.clearTimeout(timer);
    n = 0;
  });
}
