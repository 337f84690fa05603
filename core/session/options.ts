/**
 * Machine options: the valibot schema of what a caller may pass and the SPEC §9.13 defaults.
 *
 * @module
 */
import * as v from "valibot";
import { ClientId } from "../wire/primitives.ts";
import { parseOrThrow } from "../wire/parse.ts";
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

const int = (min: number, max: number) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)));
const num = (min: number, max: number) =>
  v.optional(v.pipe(v.number(), v.minValue(min), v.maxValue(max)));

/** Schema of {@link MachineOptionsInput} with the bounds of SPEC §9.13. */
export const MachineOptionsSchema: v.GenericSchema<MachineOptionsInput> = v.looseObject({
  clientId: ClientId,
  serverPath: v.pipe(v.string(), v.url("serverPath must be an absolute URL")),
  enableSessionToken: v.optional(v.boolean()),
  enabled: v.optional(v.boolean()),
  refreshAt: num(0.5, 0.95),
  refreshJitter: num(0, 0.1),
  tokenWaitMs: int(100, 60000),
  actionWaitMs: int(100, 60000),
  backoffBaseMs: int(100, 10000),
  backoffCapMs: int(1000, 300000),
  shutdownFlushMs: int(0, 10000),
  flushCount: int(1, 100),
  flushBytes: int(1024, 61440),
  flushIntervalMs: int(100, 60000),
  maxQueueEvents: int(10, 100000),
  maxQueueBytes: int(4096, 16777216),
});

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
  const o = parseOrThrow(MachineOptionsSchema, input, "ERR_INVALID_INPUT");
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
