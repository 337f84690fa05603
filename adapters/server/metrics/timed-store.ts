/**
 * A store wrapper that times every operation and counts failures by `ERR_*` code, labelled by
 * the store method's name (a fixed set).
 *
 * @module
 */
import { DeviceSessionError } from "../../../core/mod.ts";
import type { Store } from "../../store/types.ts";
import { codeLabel, type ServiceMetrics } from "./service-metrics.ts";

const OPS: ReadonlySet<PropertyKey> = new Set([
  "consume",
  "consumeProof",
  "createSession",
  "getSession",
  "patchSession",
  "appendEvents",
  "putAction",
  "getAction",
  "getActionBySeq",
  "setActionOutcome",
  "hit",
  "addDistinct",
  "incrWindow",
  "registerDevice",
  "linkUser",
  "knowsUser",
  "listRules",
  "getRule",
  "putRule",
  "deleteRule",
]);

/**
 * `store` with each method call observed in `m`.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "../../store/memory.ts";
 * import { ServiceMetrics } from "./service-metrics.ts";
 * const store = timedStore(new MemoryStore(), new ServiceMetrics());
 * ```
 */
export function timedStore(store: Store, m: ServiceMetrics): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function" || !OPS.has(prop)) {
        return typeof value === "function" ? value.bind(target) : value;
      }
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        const op = String(prop);
        fn = async (...args: unknown[]) => {
          const started = performance.now();
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } catch (e) {
            const code = e instanceof DeviceSessionError ? e.code : "other";
            m.storeErrors.inc({ op, code: codeLabel(code) });
            throw e;
          } finally {
            m.storeOps.observe({ op }, (performance.now() - started) / 1000);
          }
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
