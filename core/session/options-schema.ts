/**
 * The valibot schema of the machine's options (SPEC §9.13): the contract the device's
 * hand-written checks (`wire/guards.ts`) are held to by a property test.
 *
 * @module
 */
import * as v from "valibot";
import { ClientId } from "../wire/primitives.ts";
import type { MachineOptionsInput } from "./options.ts";

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
