/**
 * A complete minimal host for the sans-I/O core in a bare engine (docs/embedding.md): the core
 * runs in QuickJS; the host keeps every port — clock, randomness, timers, the device key,
 * transport, storage — and runs the loop: feed an input, perform the effects, arm one timer at
 * the machine's deadline. Ports are the SDK's own (`adapters/ports.ts`), so any adapter fits.
 *
 * @module
 */
import type { Ports, Signer } from "../../adapters/ports.ts";
import type { MachineOptionsInput } from "../../core/session/mod.ts";
import { createQuickJsCore } from "../../embed/quickjs/bridge.ts";

type Effect = { type: string } & Record<string, unknown>;
type Waiter = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void };

/** A device session whose machine runs inside QuickJS. */
export interface EmbeddedSession {
  getSessionToken(): Promise<string>;
  getSecureSessionToken(actionType: string, expirationSeconds?: number): Promise<string>;
  track(eventType: "page" | "interaction" | "device", data: Record<string, unknown>): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * Starts a session: loads the core into QuickJS and creates the device session at once.
 *
 * @example
 * ```ts
 * import type { Ports } from "../../adapters/ports.ts";
 * declare const ports: Ports;
 * const serverPath = "https://risk.example.com/";
 * const s = await startEmbedded({ clientId: "demo", serverPath, enableSessionToken: true }, ports);
 * const token = await s.getSessionToken();
 * ```
 */
export async function startEmbedded(
  options: MachineOptionsInput,
  ports: Omit<Ports, "step">,
): Promise<EmbeddedSession> {
  const core = await createQuickJsCore();
  const created = core.call({ op: "create", options });
  if (created.error) throw new Error(JSON.stringify(created.error)); // invalid options
  const machine = String(created.machine);
  const waiting = new Map<number, Waiter>();
  let signer: Signer | null = null, timer: unknown = null, nextWaiter = 1;

  // One step: every input carries `now` and 32 random bytes (hex across the bridge).
  const dispatch = (input: Record<string, unknown>): void => {
    const now = ports.clock.now(), random = hex(ports.random.bytes(32));
    const r = core.call({ op: "step", machine, input: { ...input, now, random } as never });
    if (r.error) throw new Error(JSON.stringify(r.error));
    for (const e of r.effects as Effect[]) perform(e);
    if (timer !== null) ports.scheduler.clear(timer);
    timer = r.deadline === null ? null : ports.scheduler.set(r.deadline as number, () => {
      timer = null;
      dispatch({ type: "tick" });
    });
  };
  // Async ports answer with a later input; each promise settles exactly once.
  const later = (work: Promise<Record<string, unknown>>, onError: (e: unknown) => object) =>
    void work.then((input) => dispatch(input), (e) => dispatch({ ...onError(e) }));

  function perform(e: Effect): void {
    switch (e.type) {
      case "load_key":
      case "generate_key": {
        const get = e.type === "load_key" ? ports.keys.load() : ports.keys.generate();
        later(
          get.then(async (s) => {
            const event = s === null || e.type === "generate_key" ? "created" : "none";
            signer = s ?? await ports.keys.generate();
            return { type: "key_ready", key: signer.info, event };
          }),
          (err) => ({ type: "key_failed", message: String(err) }),
        );
        return;
      }
      case "sign":
        later(
          signer!.sign(String(e.input)).then((sig) => ({
            type: "signed",
            id: e.id,
            signature: hex(sig),
          })),
          (err) => ({ type: "sign_failed", id: e.id, message: String(err) }),
        );
        return;
      case "send": {
        const signal = AbortSignal.timeout(10_000);
        later(
          ports.transport.send(e.request as never, { signal }).then((r) => ({
            type: "response",
            id: e.id,
            status: r.status,
            body: r.body,
            ...(r.retryAfter === undefined ? {} : { retryAfter: r.retryAfter }),
          })),
          () => ({
            type: "transport_failed",
            id: e.id,
            code: signal.aborted ? "ERR_TIMEOUT" : "ERR_NETWORK",
          }),
        );
        return;
      }
      case "beacon":
        ports.transport.beacon(e.request as never);
        return;
      case "persist":
        void ports.storage.set(`device-session:${e.key}`, e.value);
        return;
      case "resolve":
      case "reject": {
        const w = waiting.get(e.waiter as number);
        waiting.delete(e.waiter as number);
        if (e.type === "resolve") w?.resolve(e.value as Record<string, unknown>);
        else w?.reject(Object.assign(new Error(String(e.message)), { code: e.code }));
        return;
      }
        // "emit": observable events (state changes, acknowledgements…) — log or forward them.
    }
  }

  const ask = (input: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const waiter = nextWaiter++;
      waiting.set(waiter, { resolve, reject });
      dispatch({ ...input, waiter });
    });

  const device = await ports.storage.get("device-session:device") as { deviceId?: string } | null;
  dispatch({ type: "init", deviceId: device?.deviceId ?? null, queue: null, session: null });
  return {
    getSessionToken: async () => String((await ask({ type: "get_token" })).token),
    getSecureSessionToken: async (actionType, expirationSeconds) =>
      String((await ask({ type: "get_secure_token", actionType, expirationSeconds })).token),
    track: (eventType, data) => dispatch({ type: "track", eventType, data }),
    flush: async () => void await ask({ type: "flush" }),
    async shutdown() {
      await ask({ type: "shutdown" });
      if (timer !== null) ports.scheduler.clear(timer);
      core.dispose();
    },
  };
}
