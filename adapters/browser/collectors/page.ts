/**
 * Page collector: `page` events `{ kind: "load" | "show" | "hide", path }`.
 *
 * The path is `location.pathname` only: query strings and fragments carry secrets (reset
 * tokens, OAuth codes), so they are never read. A `path` option can blank ids in the path too.
 *
 * @module
 */
import type { Context, EventData } from "./types.ts";
import { round } from "./util.ts";

/**
 * Starts the page collector: one `load` event (now if the document is complete, else on
 * `load`) with a navigation timing summary when the browser has one, `show` on a
 * back/forward-cache restore, and `hide` on `pagehide`. The hide event also reports every
 * kind's pending suppressed count (`suppressed_<kind>: n`), so none is lost with the page.
 *
 * @example
 * ```ts
 * import type { Context } from "./types.ts";
 * declare const context: Context;
 * page(context, (p) => p.replace(/\d+/g, ":n"));
 * ```
 */
export function page(c: Context, rewrite: (p: string) => string = (p) => p): void {
  const path = (): string => rewrite(c.w.location.pathname).slice(0, 256);
  let loaded = false;
  const load = (): void => {
    if (loaded) return;
    loaded = true;
    const data: EventData = { kind: "load", path: path() };
    const n = c.w.performance?.getEntriesByType?.("navigation")[0] as
      | PerformanceNavigationTiming
      | undefined;
    // Times are ms from navigation start; 0 means "not reached yet" and is left out.
    if (n) {
      data.nav = n.type;
      if (n.responseStart) data.ttfb_ms = round(n.responseStart);
      if (n.domContentLoadedEventEnd) data.dcl_ms = round(n.domContentLoadedEventEnd);
      if (n.loadEventStart) data.load_ms = round(n.loadEventStart);
    }
    c.emit("page", data);
  };
  if (c.d.readyState === "complete") load();
  else c.on(c.w, "load", load);
  c.on<PageTransitionEvent>(c.w, "pageshow", (e) => {
    // The first pageshow duplicates load; only a bfcache restore is a new page view.
    if (e.persisted) c.emit("page", { kind: "show", path: path() });
  });
  c.on<PageTransitionEvent>(c.w, "pagehide", (e) => {
    c.emit("page", { kind: "hide", path: path(), persisted: e.persisted === true }, true);
  });
}
