/**
 * Visibility collector and the page-hide hook.
 *
 * @module
 */
import type { Context } from "./types.ts";

/**
 * Emits `interaction` `{ kind: "visibility", state }` on `visibilitychange` (when `events`),
 * and on `pagehide` or a change to hidden flushes the open pointer and key windows into the
 * sink, then calls `onHide` — the last moment the SDK can beacon its queue. Both triggers are
 * wired because mobile browsers may discard a hidden tab without ever firing `pagehide`.
 *
 * @example
 * ```ts
 * import type { SessionDriver } from "../../driver/driver.ts";
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * declare const driver: SessionDriver;
 * visibility(context, () => driver.pageHide(), true);
 * ```
 */
export function visibility(c: Context, onHide: (() => void) | undefined, events: boolean): void {
  const hidden = (): void => {
    for (const f of c.flush) f();
    onHide?.();
  };
  c.on(c.d, "visibilitychange", () => {
    const state = c.d.visibilityState;
    if (events) c.emit("interaction", { kind: "visibility", state });
    if (state === "hidden") hidden();
  });
  c.on(c.w, "pagehide", hidden);
}
