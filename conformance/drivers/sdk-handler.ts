/**
 * The reference SDK driver's logic: our sans-I/O machine (core/session) behind the harness
 * protocol's `machine.*` requests. `sdk-driver.ts` puts it on stdio; tests call it in-process.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { createMachine, type MachineOptionsInput, step } from "../../core/session/mod.ts";
import type { MachineState } from "../../core/session/mod.ts";
import { decodeInput, type TraceInput } from "../trace.ts";
import type { Driver, DriverHandler } from "../harness/local.ts";
import { type Hello, PROTOCOL } from "../harness/protocol.ts";
import { SDK_MUTANTS, type StepFn } from "../mutants/sdk.ts";

/** Options of {@link createSdkDriver}. */
export interface SdkDriverOptions {
  /** A broken machine from `conformance/mutants/sdk.ts` (self-test only). */
  readonly mutant?: string;
}

const fail = (seq: unknown, code: string, message: string) => ({
  seq,
  ok: false,
  error: { code, message },
});

/**
 * Our SDK machine as a harness driver.
 *
 * @example
 * ```ts
 * const serverPath = "https://risk.example.com/";
 * const { hello, handle } = createSdkDriver();
 * await handle({ seq: 1, type: "machine.create", options: { clientId: "demo", serverPath } });
 * ```
 */
export function createSdkDriver(o: SdkDriverOptions = {}): Driver {
  let stepFn: StepFn = step;
  if (o.mutant !== undefined) {
    const m = SDK_MUTANTS[o.mutant];
    if (m === undefined) throw new Error(`unknown SDK mutant ${o.mutant}`);
    stepFn = m.step;
  }
  const machines = new Map<string, MachineState>();
  let next = 0;
  const hello: Hello = {
    type: "hello",
    protocol: PROTOCOL,
    role: "sdk",
    implementation: {
      name: o.mutant ? `device-session (mutant ${o.mutant})` : "device-session",
      version: "0.1.0",
    },
    capabilities: ["machine", "traces"],
  };
  const handle: DriverHandler = (req) => {
    const seq = req.seq;
    try {
      switch (req.type) {
        case "machine.create": {
          const id = `m${++next}`;
          machines.set(id, createMachine(req.options as MachineOptionsInput));
          return Promise.resolve({ seq, ok: true, machine: id });
        }
        case "machine.step": {
          const state = machines.get(String(req.machine));
          if (state === undefined) {
            return Promise.resolve(fail(seq, "ERR_INVALID_INPUT", "no such machine"));
          }
          const r = stepFn(state, decodeInput(req.input as TraceInput));
          return Promise.resolve({
            seq,
            ok: true,
            phase: state.phase,
            effects: r.effects,
            deadline: r.deadline,
          });
        }
        case "machine.dispose":
          machines.delete(String(req.machine));
          return Promise.resolve({ seq, ok: true });
        case "shutdown":
          return Promise.resolve({ seq, ok: true });
        default:
          return Promise.resolve(fail(seq, "ERR_INVALID_INPUT", `unknown request ${req.type}`));
      }
    } catch (e) {
      const code = e instanceof DeviceSessionError ? e.code : "ERR_INTERNAL";
      return Promise.resolve(fail(seq, code, e instanceof Error ? e.message : String(e)));
    }
  };
  return { hello, handle };
}
