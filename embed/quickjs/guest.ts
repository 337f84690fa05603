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
 * - `{op:"harness", role, request}` → the harness response (`ds-conformance/1`): role `sdk`
 *   is the reference machine, role `verifier` is `device-session/verify` with the host's crypto
 *   (`__hostCrypto`, synchronous: import a key, verify a signature, SHA-256).
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
import { createVerifierDriver } from "../../conformance/drivers/verifier-handler.ts";
import type { Driver } from "../../conformance/harness/local.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";

/** A guest request (see the module documentation). */
export type GuestRequest =
  | { op: "create"; options: MachineOptionsInput }
  | { op: "step"; machine: string; input: TraceInput }
  | { op: "dispose"; machine: string }
  | { op: "validate"; name: string; value: unknown }
  | {
    op: "harness";
    role: "sdk" | "verifier";
    request: Record<string, unknown>;
    mutant?: string;
  };

// The host's crypto, one synchronous call per operation (bytes as hex), installed by the bridge.
declare const __hostCrypto: (request: string) => string;
const host = (request: Record<string, unknown>): unknown =>
  JSON.parse(__hostCrypto(JSON.stringify(request)));
const hex = (b: Uint8Array): string => {
  let s = "";
  for (const x of b) s += (x < 16 ? "0" : "") + x.toString(16);
  return s;
};
const unhex = (h: string): Uint8Array =>
  new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)));

/** `VerifyCrypto` across the bridge: keys are host handles (numbers). */
const hostCrypto: VerifyCrypto<number> = {
  importKey: (jwk, alg) => host({ op: "import", jwk, alg }) as number | null,
  verify: (alg, key, input, signature) =>
    host({ op: "verify", alg, key, input, signature: hex(signature) }) === true,
  sha256: (data) => unhex(host({ op: "sha256", data: hex(data) }) as string),
};

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
      const key = `${req.role} ${req.mutant ?? ""}`;
      let driver = drivers.get(key);
      if (driver === undefined) {
        const mutant = req.mutant === undefined ? {} : { mutant: req.mutant };
        driver = req.role === "verifier"
          ? createVerifierDriver({ ...mutant, crypto: hostCrypto })
          : createSdkDriver(mutant);
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
