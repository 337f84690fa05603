/**
 * Machine options: what a caller may pass, checked by the hand-written guards of
 * `wire/guards.ts` (equal to `MachineOptionsSchema`, `options-schema.ts`), and the SPEC §9.13
 * defaults.
 *
 * @module
 */
import { errorOf } from "../errors/error.ts";
import { firstBad, MACHINE_OPTIONS } from "../wire/guards.ts";
import { DEFAULT_FLUSH } from "../telemetry/sender.ts";
import type { MachineOptions } from "./types.ts";

/** Options a caller may pass; everything but `clientId` and `serverPath` has a default. */
export interface MachineOptionsInput {
  clientId: string;
  serverPath: string;
  enableSessionToken?: boolean;
  enabled?: boolean;
  refreshAt?: number;
  refreshJitter?: number;
  tokenWaitMs?: number;
  actionWaitMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  shutdownFlushMs?: number;
  flushCount?: number;
  flushBytes?: number;
  flushIntervalMs?: number;
  maxQueueEvents?: number;
  maxQueueBytes?: number;
}

/**
 * Validates options (`ERR_INVALID_INPUT`) and applies the defaults.
 *
 * @example
 * ```ts
 * const opts = resolveOptions({ clientId: "demo", serverPath: "http://localhost:8787" });
 * opts.tokenWaitMs; // 10000
 * ```
 */
export function resolveOptions(input: MachineOptionsInput): MachineOptions {
  const o = checkOptions(MACHINE_OPTIONS, input);
  return {
    clientId: o.clientId,
    serverPath: o.serverPath.endsWith("/") ? o.serverPath : `${o.serverPath}/`,
    enableSessionToken: o.enableSessionToken ?? false,
    enabled: o.enabled ?? true,
    refreshAt: o.refreshAt ?? 0.8,
    refreshJitter: o.refreshJitter ?? 0.05,
    tokenWaitMs: o.tokenWaitMs ?? 10000,
    actionWaitMs: o.actionWaitMs ?? 10000,
    backoffBaseMs: o.backoffBaseMs ?? 1000,
    backoffCapMs: o.backoffCapMs ?? 60000,
    shutdownFlushMs: o.shutdownFlushMs ?? 2000,
    tokenMarginS: 5,
    flush: {
      ...DEFAULT_FLUSH,
      flushCount: o.flushCount ?? DEFAULT_FLUSH.flushCount,
      flushBytes: o.flushBytes ?? DEFAULT_FLUSH.flushBytes,
      flushIntervalMs: o.flushIntervalMs ?? DEFAULT_FLUSH.flushIntervalMs,
      maxEvents: o.maxQueueEvents ?? DEFAULT_FLUSH.maxEvents,
      maxBytes: o.maxQueueBytes ?? DEFAULT_FLUSH.maxBytes,
    },
  };
}

/**
 * Checks options against a guard table (`wire/guards.ts`), throwing `ERR_INVALID_INPUT` that
 * names the first invalid option.
 *
 * @example
 * ```ts
 * import { MACHINE_OPTIONS } from "../wire/guards.ts";
 * checkOptions(MACHINE_OPTIONS, { clientId: "demo", serverPath: "nope" }); // throws: serverPath
 * ```
 */
export function checkOptions<T>(table: Parameters<typeof firstBad>[0], input: T): T {
  const bad = firstBad(table, input);
  if (bad === null) return input;
  throw errorOf(
    "ERR_INVALID_INPUT",
    bad === "" ? "options must be an object" : `invalid option ${bad}`,
    { details: { option: bad } },
  );
}
