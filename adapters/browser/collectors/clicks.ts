/**
 * Click collector.
 *
 * @module
 */
import type { Context, EventData } from "./types.ts";
import { b10, fieldKind } from "./util.ts";

/**
 * Emits `interaction` `{ kind: "click", target, x, y, vw, vh, detail, trusted, dt }` per
 * click: the target's kind (`"button"`, `"input:submit"`, never its text), the position and the
 * viewport size in 10 px buckets (enough to tell "centre of the button" from "corner of the
 * page", too coarse to fingerprint), `detail` (0 for keyboard- or script-made clicks), whether
 * the browser marked it trusted, and `dt`, ms since the previous
 * click, key press, paste or submit (since navigation start for the first).
 *
 * @example
 * ```ts
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * clicks(context);
 * ```
 */
export function clicks(c: Context): void {
  c.on<MouseEvent>(c.d, "click", (e) => {
    const data: EventData = {
      kind: "click",
      target: fieldKind(e.target),
      x: b10(e.clientX),
      y: b10(e.clientY),
      // The viewport size, read per click: cheap, and clicks are rare and rate-limited.
      vw: b10(c.w.innerWidth),
      vh: b10(c.w.innerHeight),
      detail: e.detail,
      trusted: e.isTrusted,
      dt: c.act(e),
    };
    c.emit("interaction", data);
  });
}
