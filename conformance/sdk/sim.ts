/**
 * The SDK suite's world: plays the clock, the key store, the signer and the service (the
 * protocol-faithful FakeService, with scripted faults) around an SDK machine reached through the
 * harness protocol, and records every step so checks can judge the run afterwards.
 *
 * @module
 */
import type { SessionEffect, SessionRequest } from "../../core/session/mod.ts";
import { encodeBase64Url } from "../../core/token/base64url.ts";
import { FakeService } from "../../adapters/testing/fake-service.ts";
import { SeededRandom } from "../../adapters/testing/random.ts";
import type { HarnessClient } from "../harness/protocol.ts";
import { decodeSigningInput, encodeInput } from "../trace.ts";
import {
  BASE,
  fakeKey,
  type SentRecord,
  type SignRecord,
  type StepRecord,
  T0,
  type WaiterRecord,
  type WorldOptions,
} from "./records.ts";

export {
  type Answer,
  BASE,
  fakeKey,
  type SentRecord,
  type SignRecord,
  type StepRecord,
  T0,
  type WaiterRecord,
  type WorldOptions,
} from "./records.ts";

/** The most steps one scenario may take. */
const MAX_STEPS = 50_000;

type Partial_ = Record<string, unknown> & { type: string };

/**
 * One scenario run. Schedule app inputs with {@link World.at}, then {@link World.run}.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * declare const client: HarnessClient;
 * const w = await World.start(client, { seed: 1 });
 * w.at(100, { type: "get_token" });
 * await w.run(5_000);
 * w.waiters[0].answer?.value; // { kind: "token", token: "…" }
 * ```
 */
export class World {
  readonly service: FakeService;
  readonly steps: StepRecord[] = [];
  readonly sends: SentRecord[] = [];
  readonly beacons: { t: number; request: SessionRequest }[] = [];
  readonly signs: SignRecord[] = [];
  readonly waiters: WaiterRecord[] = [];
  /** Local time now (ms). */
  t = T0;
  readonly #client: HarnessClient;
  readonly #machine: string;
  readonly #o: WorldOptions;
  readonly #rnd: SeededRandom;
  readonly #agenda: { at: number; seq: number; make: () => Partial_ | null }[] = [];
  #seq = 0;
  #deadline: number | null = null;
  #keys = 0;
  #keyFailures = 0;
  #signFailures = 0;
  #sendCount = 0;
  #waiterId = 0;

  private constructor(client: HarnessClient, machine: string, o: WorldOptions) {
    this.#client = client;
    this.#machine = machine;
    this.#o = o;
    this.#rnd = new SeededRandom(o.seed);
    this.service = new FakeService({
      now: () => this.t + (o.skewMs ?? 0),
      base: BASE,
      ...o.service,
    });
    this.#later(T0, () => ({ type: "init", deviceId: null, queue: null, ...o.init }));
  }

  /** Creates the machine (`machine.create`); throws if the driver refuses the options. */
  static async start(client: HarnessClient, o: WorldOptions): Promise<World> {
    const options = { clientId: "demo", serverPath: BASE, enableSessionToken: true, ...o.options };
    const r = await client.request({ type: "machine.create", options });
    if (!r.ok) throw new Error(`machine.create failed: ${r.error.code} ${r.error.message ?? ""}`);
    if (typeof r.machine !== "string") throw new Error("machine.create: machine must be a string");
    return new World(client, r.machine, o);
  }

  /** Releases the machine. */
  async dispose(): Promise<void> {
    await this.#client.request({ type: "machine.dispose", machine: this.#machine });
  }

  /** Service time in ms at local time `t`. */
  serviceMs(t: number = this.t): number {
    return t + (this.#o.skewMs ?? 0);
  }

  /**
   * Schedules an input at `ms` after T0. App calls that wait (`get_token`, …) get a waiter id,
   * returned so checks can find their answer.
   */
  at(ms: number, input: Partial_): number | undefined {
    const waits = [
      "get_token",
      "get_secure_token",
      "trigger_action",
      "set_user",
      "clear_user",
      "flush",
      "shutdown",
    ].includes(input.type);
    const id = waits ? ++this.#waiterId : undefined;
    this.#later(T0 + ms, () => {
      if (id === undefined) return input;
      this.waiters.push({ id, type: input.type, t: this.t });
      return { ...input, waiter: id };
    });
    return id;
  }

  /** Runs a hook on the world at `ms` after T0 (e.g. to end a session at the fake service). */
  hook(ms: number, run: (w: World) => void): void {
    this.#later(T0 + ms, () => (run(this), null));
  }

  #later(at: number, make: () => Partial_ | null) {
    this.#agenda.push({ at, seq: this.#seq++, make });
  }

  /** Steps the machine through every input and deadline up to `ms` after T0. */
  async run(ms: number): Promise<void> {
    const end = T0 + ms;
    for (;;) {
      // A machine whose deadline never moves forward would spin here forever.
      if (this.steps.length > MAX_STEPS) {
        throw new Error(`more than ${MAX_STEPS} steps: does the deadline move forward?`);
      }
      this.#agenda.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#agenda[0];
      let partial: Partial_ | null;
      const d = this.#deadline;
      if (d !== null && (next === undefined || d < next.at)) {
        if (d > end) break;
        this.t = Math.max(this.t, d);
        partial = { type: "tick" };
      } else if (next !== undefined && next.at <= end) {
        this.#agenda.shift();
        this.t = Math.max(this.t, next.at);
        partial = next.make();
        if (partial === null) continue;
      } else break;
      await this.#step(partial);
    }
    this.t = Math.max(this.t, end);
  }

  async #step(partial: Partial_): Promise<void> {
    const input = encodeInput({ ...partial, now: this.t, random: this.#rnd.bytes(32) } as never);
    const r = await this.#client.request({ type: "machine.step", machine: this.#machine, input });
    if (!r.ok) throw new Error(`machine.step (${partial.type}) failed: ${r.error.code}`);
    const { phase, effects, deadline } = r as Record<string, unknown>;
    if (typeof phase !== "string" || !Array.isArray(effects)) {
      throw new Error("machine.step: phase must be a string and effects an array");
    }
    if (deadline !== null && typeof deadline !== "number") {
      throw new Error("machine.step: deadline must be a number or null");
    }
    this.#deadline = deadline as number | null;
    this.steps.push({ t: this.t, input, phase, effects: effects as SessionEffect[] });
    this.#answerInput(input);
    for (const e of effects as SessionEffect[]) this.#effect(e);
  }

  #answerInput(input: Record<string, unknown>) {
    if (input.type === "response" || input.type === "transport_failed") {
      const s = this.sends.find((x) => x.id === input.id && x.ended === undefined);
      if (s !== undefined) {
        s.ended = input.type === "response"
          ? { t: this.t, status: input.status as number, body: input.body }
          : { t: this.t, status: null };
      }
    }
  }

  #effect(e: SessionEffect) {
    const t = this.t;
    switch (e.type) {
      case "load_key":
      case "generate_key": {
        if (this.#keyFailures++ < (this.#o.keyFailures ?? 0)) {
          this.#later(t + 1, () => ({ type: "key_failed", message: "key store unavailable" }));
          break;
        }
        const n = ++this.#keys;
        this.#later(t + 1, () => ({ type: "key_ready", key: fakeKey(n), event: "created" }));
        break;
      }
      case "sign": {
        const { header, payload } = decodeSigningInput(e.input) as {
          header: Record<string, unknown>;
          payload: Record<string, unknown>;
        };
        const rec: SignRecord = { id: e.id, t, input: e.input, header, payload };
        this.signs.push(rec);
        const k = this.#keys;
        if (
          header.typ === "ds-secure+jwt" &&
          this.#signFailures++ < (this.#o.secureSignFailures ?? 0)
        ) {
          this.#later(t + 1, () => ({ type: "sign_failed", id: e.id, message: "key unusable" }));
          break;
        }
        this.#later(t + 1, () => {
          rec.signature = new Uint8Array(64).fill(k);
          return { type: "signed", id: e.id, signature: rec.signature };
        });
        break;
      }
      case "send":
        this.#send(e.id, e.request);
        break;
      case "beacon":
        this.beacons.push({ t, request: e.request });
        this.service.handle(e.request);
        break;
      case "resolve":
      case "reject": {
        const w = this.waiters.find((x) => x.id === e.waiter);
        if (w !== undefined && w.answer === undefined) {
          w.answer = e.type === "resolve"
            ? { t, value: e.value as unknown as Record<string, unknown> }
            : { t, code: e.code };
        }
        break;
      }
    }
  }

  #send(id: string, request: SessionRequest) {
    const t = this.t;
    this.sends.push({ id, t, request });
    const a = this.#o.answer?.(request, this.#sendCount++, t - T0) ?? "ok";
    if (a === "hang") {
      this.#later(t + 10_000, () => ({ type: "transport_failed", id, code: "ERR_TIMEOUT" }));
      return;
    }
    const latency = this.#o.latency;
    this.#later(t + (typeof latency === "function" ? latency(request) : latency ?? 20), () => {
      if (a === "fail_before") return { type: "transport_failed", id, code: "ERR_NETWORK" };
      if (typeof a === "object" && "status" in a) return { type: "response", id, ...a };
      const res = this.service.handle(request);
      if (a === "fail_after") return { type: "transport_failed", id, code: "ERR_NETWORK" };
      const out = typeof a === "object" ? a.map(res) : res;
      return { type: "response", id, ...out };
    });
  }

  /** Requests of one purpose, in order. */
  sent(purpose: SessionRequest["purpose"]): SentRecord[] {
    return this.sends.filter((s) => s.request.purpose === purpose);
  }

  /** The compact token a sign record became (signing input + signature). */
  static tokenOf(s: SignRecord): string | null {
    return s.signature === undefined ? null : `${s.input}.${encodeBase64Url(s.signature)}`;
  }
}
