/**
 * Builds the operator extensions' parts from the options: the metrics registry (and a store
 * that times its operations), the console recorder over the store's console data.
 *
 * @module
 */
import { errorFromCode } from "../../../core/mod.ts";
import type { Store } from "../../store/types.ts";
import type { ResolvedOptions } from "../options.ts";
import { Observer } from "../metrics/observer.ts";
import { ServiceMetrics } from "../metrics/service-metrics.ts";
import { timedStore } from "../metrics/timed-store.ts";
import { ConsoleRecorder } from "./recorder.ts";

const DAY_MS = 86_400_000;

/**
 * The observer and the store handlers use; `ERR_CONFIG` when the console is configured over a
 * store without console data.
 *
 * @example
 * ```ts
 * import type { Store } from "../../store/types.ts";
 * import type { ResolvedOptions } from "../options.ts";
 * declare const opts: ResolvedOptions;
 * declare const store: Store;
 * const { observe, store: observed } = operatorParts(opts, store);
 * ```
 */
export function operatorParts(
  opts: ResolvedOptions,
  store: Store,
): { observe: Observer; store: Store } {
  const metrics = opts.metrics === null ? null : new ServiceMetrics();
  let recorder: ConsoleRecorder | null = null;
  const c = opts.console;
  if (c !== null) {
    if (store.console === undefined) {
      throw errorFromCode("ERR_CONFIG", "console: the store keeps no console data");
    }
    recorder = new ConsoleRecorder(store.console, {
      recentDecisions: c.recentDecisions ?? 500,
      decisionTtlMs: DAY_MS,
      auditEntries: 1000,
      auditTtlMs: (c.auditRetentionS ?? 90 * 86_400) * 1000,
    });
  }
  return {
    observe: new Observer(metrics, recorder),
    store: metrics === null ? store : timedStore(store, metrics),
  };
}
