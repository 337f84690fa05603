/**
 * The async driver: feeds inputs to the sans-I/O machine, executes its effects through the
 * ports, feeds their results back, and keeps one timer at the machine's next deadline.
 *
 * @module
 */
import { errorOf } from "../../core/errors/error.ts";
import type { ErrorCode } from "../../core/errors/catalog.ts";
import { createMachine, step } from "../../core/session/machine.ts";
import type { MachineOptionsInput } from "../../core/session/options.ts";
import type { QueueSnapshot } from "../../core/telemetry/queue.ts";
import type {
  Effect,
  Emitted,
  Input,
  MachineState,
  PersistedSession,
  Resolution,
  WaiterId,
} from "../../core/session/types.ts";
import { RANDOM_BYTES } from "../../core/session/util.ts";
import { isPersistedSession, isQueueSnapshot } from "../../core/wire/storage-guards.ts";
import type { ActionAttributes } from "../../core/wire/telemetry.ts";
import type { FlatAttributes } from "../../core/wire/primitives.ts";
import type { Ports, Signer } from "../ports.ts";

/** Options of {@link SessionDriver}. */
export interface DriverOptions extends MachineOptionsInput {
  /** Per-request timeout (ms); a request still open then fails with `ERR_TIMEOUT`. */
  requestTimeoutMs?: number;
  /** Storage key prefix. */
  storagePrefix?: string;
}

type Waiting = { resolve: (v: Resolution) => void; reject: (e: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A caller's request as the driver takes it: an input with a waiter, without time and randomness. */
export type Request = DistributiveOmit<
  Extract<Input, { waiter: unknown }>,
  "now" | "random" | "waiter"
>;

/**
 * The ports, plus a test-only hook that is not part of the public `Ports`: `step` replaces the
 * machine's transition function, only to prove that tests catch a broken machine (mutation
 * testing).
 */
export type DriverPorts = Ports & { readonly step?: typeof step };

/**
 * Runs one device session machine against real (or test) ports.
 *
 * @example
 * ```ts
 * import type { Ports } from "../ports.ts";
 * declare const ports: Ports;
 * const serverPath = "https://risk.example.com";
 * const driver = new MachineDriver({ clientId: "demo", serverPath, enableSessionToken: true }, ports);
 * await driver.start();
 * const { token } = await driver.ask({ type: "get_token" }) as { token: string };
 * ```
 */
export class MachineDriver {
  /** The machine state (read-only use: phase, session, queue). */
  readonly state: MachineState;
  readonly #ports: DriverPorts;
  readonly #timeoutMs: number;
  readonly #prefix: string;
  readonly #waiting = new Map<WaiterId, Waiting>();
  readonly #listeners = new Set<(e: Emitted) => void>();
  #signer: Signer | null = null;
  #timer: unknown = null;
  #timerAt: number | null = null;
  #nextWaiter = 1;
  /** Requests on the network, aborted at shutdown so nothing outlives a closed session. */
  readonly #open = new Set<AbortController>();
  /** The last storage write: writes run in order (never an older snapshot last), shutdown awaits. */
  #write: Promise<void> = Promise.resolve();

  constructor(options: DriverOptions, ports: DriverPorts) {
    this.state = createMachine(options);
    this.#ports = ports;
    this.#timeoutMs = options.requestTimeoutMs ?? 10000;
    this.#prefix = options.storagePrefix ?? "device-session:";
  }

  /**
   * Loads persisted state and initializes the machine (creates the session at once). Attributes
   * still arriving (a promise) are awaited after the storage reads, for at most the request
   * timeout: every call waits for `start`, so attributes that fail or never arrive are left out.
   */
  async start(
    o: { userId?: string; attributes?: FlatAttributes | Promise<FlatAttributes | undefined> } = {},
  ): Promise<void> {
    const device = await this.#ports.storage.get(`${this.#prefix}device`) as
      | { deviceId?: unknown }
      | null;
    const queue = await this.#ports.storage.get(`${this.#prefix}queue`) as QueueSnapshot | null;
    const session = await this.#ports.storage.get(`${this.#prefix}session`);
    const a = o.attributes;
    const { clock, scheduler } = this.#ports;
    const attributes = a instanceof Promise // left out if it fails or takes too long
      ? await new Promise<FlatAttributes | void>((r) => {
        const timer = scheduler.set(clock.now() + this.#timeoutMs, r);
        a.then(r, () => r()).finally(() => scheduler.clear(timer));
      })
      : a;
    this.dispatch({
      type: "init",
      deviceId: typeof device?.deviceId === "string" ? device.deviceId : null,
      queue: isQueueSnapshot(queue) ? queue : null,
      session: isPersistedSession(session) ? session as PersistedSession : null,
      ...(o.userId !== undefined ? { userId: o.userId } : {}),
      ...(attributes !== undefined ? { attributes } : {}),
    });
  }

  /** Subscribes to observable events; returns the unsubscribe function. */
  on(listener: (e: Emitted) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Flushes, persists and stops (SPEC §9.11). */
  async shutdown(): Promise<void> {
    await this.ask({ type: "shutdown" });
    if (this.#timer !== null) this.#ports.scheduler.clear(this.#timer);
    this.#timer = null;
    for (const c of this.#open) c.abort();
    // Persisted means on storage: a process that exits (or an SDK that starts on the same
    // storage) right after shutdown must find the final queue (SPEC §9.11).
    await this.#write;
  }

  /** Hands a caller's request to the machine; resolves with its answer (rejects with its error). */
  ask(input: Request): Promise<Resolution> {
    const waiter = this.#nextWaiter++;
    return new Promise<Resolution>((resolve, reject) => {
      this.#waiting.set(waiter, { resolve, reject });
      this.dispatch({ ...input, waiter } as DistributiveOmit<Input, "now" | "random">);
    });
  }

  /** Hands an input to the machine (the driver adds `now` and `random`). */
  dispatch(partial: DistributiveOmit<Input, "now" | "random">): void {
    const input = {
      ...partial,
      now: this.#ports.clock.now(),
      random: this.#ports.random.bytes(RANDOM_BYTES),
    } as Input;
    const { effects, deadline } = (this.#ports.step ?? step)(this.state, input);
    for (const e of effects) this.#run(e);
    this.#arm(deadline);
  }

  #arm(deadline: number | null): void {
    if (deadline === this.#timerAt) return;
    if (this.#timer !== null) this.#ports.scheduler.clear(this.#timer);
    this.#timer = null;
    this.#timerAt = deadline;
    if (deadline === null) return;
    this.#timer = this.#ports.scheduler.set(deadline, () => {
      this.#timer = null;
      this.#timerAt = null;
      this.dispatch({ type: "tick" });
    });
  }

  #run(e: Effect): void {
    const p = this.#ports;
    switch (e.type) {
      case "load_key":
        return void this.#key(() => p.keys.load(), "none");
      case "generate_key":
        return void this.#key(() => p.keys.generate(), "created");
      case "sign":
        return void this.#sign(e.id, e.input);
      case "send":
        return void this.#send(e.id, e.request);
      case "beacon":
        p.transport.beacon(e.request);
        return;
      case "persist":
        this.#write = this.#write.then(() => p.storage.set(`${this.#prefix}${e.key}`, e.value))
          .catch((err) =>
            this.#emit({ type: "error", code: "ERR_KEY_STORE", message: `persist failed: ${err}` })
          );
        return;
      case "resolve":
        this.#waiting.get(e.waiter)?.resolve(e.value);
        this.#waiting.delete(e.waiter);
        return;
      case "reject":
        this.#waiting.get(e.waiter)?.reject(errorOf(e.code as ErrorCode, e.message));
        this.#waiting.delete(e.waiter);
        return;
      case "emit":
        return this.#emit(e.event);
    }
  }

  #emit(event: Emitted): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch { /* a listener's bug must not break the machine */ }
    }
  }

  async #key(get: () => Promise<Signer | null>, event: "none" | "created"): Promise<void> {
    try {
      let signer = await get();
      let ev: "none" | "created" = event;
      if (signer === null) {
        signer = await this.#ports.keys.generate();
        ev = "created";
      }
      this.#signer = signer;
      this.dispatch({ type: "key_ready", key: signer.info, event: ev });
    } catch (err) {
      this.dispatch({ type: "key_failed", message: String(err) });
    }
  }

  async #sign(id: string, input: string): Promise<void> {
    try {
      if (this.#signer === null) throw new Error("no device key");
      const signature = await this.#signer.sign(input);
      this.dispatch({ type: "signed", id, signature });
    } catch (err) {
      this.dispatch({ type: "sign_failed", id, message: String(err) });
    }
  }

  async #send(id: string, request: Parameters<Ports["transport"]["send"]>[0]): Promise<void> {
    const controller = new AbortController();
    this.#open.add(controller);
    let timedOut = false;
    const timer = this.#ports.scheduler.set(this.#ports.clock.now() + this.#timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    try {
      const r = await this.#ports.transport.send(request, { signal: controller.signal });
      if (timedOut) throw new Error("timeout");
      this.#ports.scheduler.clear(timer);
      this.dispatch({
        type: "response",
        id,
        status: r.status,
        body: r.body,
        ...(r.retryAfter !== undefined ? { retryAfter: r.retryAfter } : {}),
      });
    } catch {
      this.#ports.scheduler.clear(timer);
      this.dispatch({
        type: "transport_failed",
        id,
        code: timedOut ? "ERR_TIMEOUT" : "ERR_NETWORK",
      });
    } finally {
      this.#open.delete(controller);
    }
  }
}

/**
 * {@link MachineDriver} with one method per request, for programs and tests that drive the
 * machine directly (the SDK object, `device-session.ts`, asks the base class).
 *
 * @example
 * ```ts
 * import type { Ports } from "../ports.ts";
 * declare const ports: Ports;
 * const serverPath = "https://risk.example.com";
 * const driver = new SessionDriver({ clientId: "demo", serverPath, enableSessionToken: true }, ports);
 * await driver.start();
 * const token = await driver.getSessionToken();
 * ```
 */
export class SessionDriver extends MachineDriver {
  /** A regular session token (SPEC §9.4). */
  async getSessionToken(): Promise<string> {
    const r = await this.ask({ type: "get_token" });
    return (r as { token: string }).token;
  }

  /** A new secure session token bound to `actionType` (SPEC §5.4). */
  async getSecureSessionToken(actionType: string, expirationSeconds?: number): Promise<string> {
    const r = await this.ask({
      type: "get_secure_token",
      actionType,
      ...(expirationSeconds !== undefined ? { expirationSeconds } : {}),
    });
    return (r as { token: string }).token;
  }

  /** Records an action through telemetry and waits for its action token (SPEC §8.6). */
  async triggerActionEvent(
    actionType: string,
    attributes: ActionAttributes = {},
  ): Promise<{ actionToken: string }> {
    const r = await this.ask({ type: "trigger_action", actionType, attributes });
    return { actionToken: (r as { actionToken: string }).actionToken };
  }

  /** Sets the authenticated user; resolves `true` if it changed (SPEC §9.10). */
  async setAuthenticatedUser(userId: string): Promise<boolean> {
    return ((await this.ask({ type: "set_user", userId })) as { changed: boolean }).changed;
  }

  /** Clears the user; resolves `true` if there was one. */
  async clearUser(): Promise<boolean> {
    return ((await this.ask({ type: "clear_user" })) as { changed: boolean }).changed;
  }

  /** Sends queued telemetry now; resolves when the queue is empty. */
  async flush(): Promise<void> {
    await this.ask({ type: "flush" });
  }

  /** Enqueues a telemetry event (returns at once; never blocks). */
  track(eventType: "device" | "page" | "interaction", data: Record<string, unknown>): void {
    this.dispatch({ type: "track", eventType, data });
  }

  /** Marks user activity (keeps the session from idling out). */
  activity(): void {
    this.dispatch({ type: "activity" });
  }

  /** The page is being hidden: beacon what fits, persist the queue. */
  pageHide(): void {
    this.dispatch({ type: "page_hide" });
  }
}
