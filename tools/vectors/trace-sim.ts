/**
 * A synchronous simulator that drives the pure machine against the fake service, answering
 * every effect deterministically, and records each step. `gen-traces.ts` uses it to write
 * `vectors/session/traces.json`.
 */
import { createMachine, type MachineOptionsInput, step } from "../../core/mod.ts";
import type { DeviceKeyInfo, SessionInput } from "../../core/mod.ts";
import { encodeBase64Url } from "../../core/token/base64url.ts";
import { FakeService, type FakeServiceOptions, SeededRandom } from "../../adapters/testing/mod.ts";
import { encodeInput, normalizeEffect, type TraceStep } from "../../conformance/trace.ts";

export const T0 = 1_767_225_600_000;
export const BASE = "http://service.test/";

type Partial_ = Record<string, unknown> & { type: string };
type Answer = "ok" | "fail_before" | "fail_after" | "hang" | {
  status: number;
  body: unknown;
  retryAfter?: number;
};

/** One scenario. */
export interface Scenario {
  comment: string;
  flags: string[];
  seed: number;
  options?: Partial<MachineOptionsInput>;
  service?: Partial<FakeServiceOptions>;
  init?: Record<string, unknown>;
  /** Inputs the app (or the page) gives, at ms offsets from T0. */
  script?: { at: number; input: Partial_ }[];
  /** How request n (0-based, all purposes) is answered. */
  answer?: (purpose: string, n: number, t: number) => Answer;
  signFails?: (n: number) => boolean;
  /** load_key finds a stored key (event "none") instead of none (then generate, "created"). */
  keyStored?: boolean;
  latency?: number;
  /** Service clock minus device clock (ms). */
  skewMs?: number;
  /** Simulated duration (ms). */
  until: number;
  /** Hook run on the fake service at a time, e.g. to end a session. */
  at?: { at: number; run: (svc: FakeService) => void }[];
}

export function keyInfo(n: number): DeviceKeyInfo {
  return {
    alg: "EdDSA",
    jwk: { kty: "OKP", crv: "Ed25519", x: encodeBase64Url(new Uint8Array(32).fill(n)) },
    jkt: encodeBase64Url(new Uint8Array(32).fill(100 + n)),
    assurance: "persistent-nonextractable",
  };
}

/** Runs a scenario and returns its steps. */
export function simulate(sc: Scenario): { options: MachineOptionsInput; steps: TraceStep[] } {
  const options: MachineOptionsInput = {
    clientId: "demo",
    serverPath: BASE,
    enableSessionToken: true,
    ...sc.options,
  };
  const state = createMachine(options);
  const rnd = new SeededRandom(sc.seed);
  let t = T0;
  const service = new FakeService({ now: () => t + (sc.skewMs ?? 0), base: BASE, ...sc.service });
  const agenda: { at: number; seq: number; make: () => Partial_ | null }[] = [];
  let seq = 0;
  const later = (at: number, make: () => Partial_ | null) => agenda.push({ at, seq: seq++, make });
  later(T0, () => ({ type: "init", deviceId: null, queue: null, ...sc.init }));
  for (const s of sc.script ?? []) later(T0 + s.at, () => s.input);
  for (const h of sc.at ?? []) later(T0 + h.at, () => (h.run(service), null));
  let keys = 0, signs = 0, sends = 0;
  let deadline: number | null = null;
  const steps: TraceStep[] = [];
  const end = T0 + sc.until;
  const latency = sc.latency ?? 20;
  for (;;) {
    agenda.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = agenda[0];
    let partial: Partial_ | null;
    if (deadline !== null && (next === undefined || deadline < next.at)) {
      if (deadline > end) break;
      t = deadline;
      partial = { type: "tick" };
    } else if (next !== undefined && next.at <= end) {
      agenda.shift();
      t = Math.max(t, next.at);
      partial = next.make();
      if (partial === null) continue;
    } else break;
    const input = { ...partial, now: t, random: rnd.bytes(32) } as unknown as SessionInput;
    const r = step(state, input);
    steps.push({
      input: encodeInput(input),
      phase: state.phase,
      effects: r.effects.map(normalizeEffect),
      deadline: r.deadline,
    });
    deadline = r.deadline;
    for (const e of r.effects) {
      if (e.type === "load_key") {
        const n = ++keys;
        later(
          t + 1,
          () => ({ type: "key_ready", key: keyInfo(n), event: sc.keyStored ? "none" : "created" }),
        );
      } else if (e.type === "generate_key") {
        const n = ++keys;
        later(t + 1, () => ({ type: "key_ready", key: keyInfo(n), event: "created" }));
      } else if (e.type === "sign") {
        const n = signs++;
        const k = keys;
        later(
          t + 1,
          () =>
            sc.signFails?.(n)
              ? { type: "sign_failed", id: e.id, message: "key unusable" }
              : { type: "signed", id: e.id, signature: new Uint8Array(64).fill(k) },
        );
      } else if (e.type === "send") {
        const n = sends++;
        const a = sc.answer?.(e.request.purpose, n, t - T0) ?? "ok";
        if (a === "hang") {
          later(t + 10_000, () => ({ type: "transport_failed", id: e.id, code: "ERR_TIMEOUT" }));
        } else {
          later(t + latency, () => {
            if (a === "fail_before") {
              return { type: "transport_failed", id: e.id, code: "ERR_NETWORK" };
            }
            if (typeof a === "object") return { type: "response", id: e.id, ...a };
            const res = service.handle(e.request);
            if (a === "fail_after") {
              return { type: "transport_failed", id: e.id, code: "ERR_NETWORK" };
            }
            return { type: "response", id: e.id, status: res.status, body: res.body };
          });
        }
      } else if (e.type === "beacon") service.handle(e.request);
    }
  }
  return { options, steps };
}
