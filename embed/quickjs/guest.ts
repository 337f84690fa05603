/**
 * The guest side of the QuickJS bridge: what runs inside the engine. One global function,
 * `deviceSessionGuest(json) → json`, so the bridge passes nothing but strings across the boundary
 * (bytes travel as hex, as in the trace vectors). The bundle holds the sans-I/O core and the
 * reference SDK harness handler; it needs no host global beyond ECMAScript 2022 and `URL`
 * (docs/embedding.md, "What the core needs from the host").
 *
 * Operations:
 * - `{op:"create", options}` → `{machine}` — a fresh client machine (SPEC §9);
 * - `{op:"step", machine, input}` → `{phase, effects, deadline}` — `input` as in the trace
 *   vectors (`random`, `signature` as hex);
 * - `{op:"dispose", machine}` → `{}`;
 * - `{op:"validate", name, value}` → `{code}` — the wire schema's verdict (`null`: valid);
 * - `{op:"harness", request}` → the harness response (`ds-conformance/1`, SDK role).
 *
 * Failures come back as `{error: {code, message}}`, never as an exception across the bridge.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import {
  createMachine,
  type MachineOptionsInput,
  type MachineState,
  step,
} from "../../core/session/mod.ts";
import { validateWire } from "../../core/wire/mod.ts";
import { decodeInput, type TraceInput } from "../../conformance/trace.ts";
import { createSdkDriver } from "../../conformance/drivers/sdk-handler.ts";
import type { Driver } from "../../conformance/harness/local.ts";

/** A guest request (see the module documentation). */
export type GuestRequest =
  | { op: "create"; options: MachineOptionsInput }
  | { op: "step"; machine: string; input: TraceInput }
  | { op: "dispose"; machine: string }
  | { op: "validate"; name: string; value: unknown }
  | { op: "harness"; request: Record<string, unknown>; mutant?: string };

const machines = new Map<string, MachineState>();
let nextMachine = 0;
const drivers = new Map<string, Driver>();
// Harness responses arrive through a promise that settles within the same job queue drain.
let pending: unknown = undefined;

function dispatch(req: GuestRequest): unknown {
  switch (req.op) {
    case "create": {
      const id = `m${++nextMachine}`;
      machines.set(id, createMachine(req.options));
      return { machine: id };
    }
    case "step": {
      const state = machines.get(req.machine);
      if (state === undefined) throw new DeviceSessionError("ERR_INVALID_INPUT", "no such machine");
      const r = step(state, decodeInput(req.input));
      return { phase: state.phase, effects: r.effects, deadline: r.deadline };
    }
    case "dispose":
      machines.delete(req.machine);
      return {};
    case "validate":
      try {
        validateWire(req.name, req.value);
        return { code: null };
      } catch (e) {
        if (e instanceof DeviceSessionError) return { code: e.code };
        throw e;
      }
    case "harness": {
      const key = req.mutant ?? "";
      let driver = drivers.get(key);
      if (driver === undefined) {
        driver = createSdkDriver(req.mutant === undefined ? {} : { mutant: req.mutant });
        drivers.set(key, driver);
      }
      if (req.request.type === "hello") return driver.hello;
      pending = undefined;
      driver.handle(req.request).then((r) => (pending = r));
      return { pending: true };
    }
    default:
      throw new DeviceSessionError("ERR_INVALID_INPUT", "unknown guest operation");
  }
}

/**
 * The bridge's entry point: one JSON request in, one JSON answer out.
 *
 * @example
 * ```ts
 * deviceSessionGuest('{"op":"validate","name":"Jwk","value":{}}'); // '{"code":"ERR_INVALID_BODY"}'
 * ```
 */
export function deviceSessionGuest(json: string): string {
  try {
    return JSON.stringify(dispatch(JSON.parse(json) as GuestRequest));
  } catch (e) {
    const code = e instanceof DeviceSessionError ? e.code : "ERR_INTERNAL";
    return JSON.stringify({ error: { code, message: e instanceof Error ? e.message : String(e) } });
  }
}

/**
 * The settled harness response of the last `harness` operation, once the host has drained the
 * engine's job queue.
 *
 * @example
 * ```ts
 * deviceSessionGuestTake(); // '{"seq":1,"ok":true,"machine":"m1"}'
 * ```
 */
export function deviceSessionGuestTake(): string {
  const r = pending;
  pending = undefined;
  return JSON.stringify(r ?? null);
}
