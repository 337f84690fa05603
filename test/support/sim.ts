// A simulated device + fake service in virtual time, shared by the session tests.
import { type DriverOptions, SessionDriver } from "../../adapters/driver/mod.ts";
import type { DriverPorts } from "../../adapters/driver/driver.ts";
import {
  FakeKeyStore,
  FakeService,
  type FakeServiceOptions,
  type Fault,
  MemoryStorage,
  ScriptedTransport,
  SeededRandom,
  VirtualTime,
} from "../../adapters/testing/mod.ts";
import type { SessionEvent } from "../../core/mod.ts";
import type { KeyStore, Signer, Transport } from "../../adapters/ports.ts";

export const BASE = "http://service.test/";

export interface SimOptions {
  seed?: number;
  driver?: Partial<DriverOptions>;
  service?: Partial<FakeServiceOptions>;
  fault?: (purpose: string, n: number) => Fault;
  latency?: (purpose: string, n: number) => number;
  storage?: MemoryStorage;
  keys?: FakeKeyStore;
  time?: VirtualTime;
  service_?: FakeService;
  wrapTransport?: (t: Transport) => Transport;
  step?: DriverPorts["step"];
}

export function sim(o: SimOptions = {}) {
  const time = o.time ?? new VirtualTime();
  const service = o.service_ ??
    new FakeService({ now: () => time.now(), base: BASE, ...o.service });
  const transport = new ScriptedTransport({
    time,
    handle: (r) => service.handle(r),
    ...(o.fault ? { fault: (r, n) => o.fault!(r.purpose, n) } : {}),
    ...(o.latency ? { latency: (r, n) => o.latency!(r.purpose, n) } : {}),
  });
  const keys = o.keys ?? new FakeKeyStore();
  const storage = o.storage ?? new MemoryStorage();
  const events: SessionEvent[] = [];
  let restarts = 0;
  // A new process on the same storage, keys, network and service (a restart or a reload).
  const makeDriver = () => {
    const d = new SessionDriver(
      { clientId: "demo", serverPath: BASE, enableSessionToken: true, ...o.driver },
      {
        clock: time,
        scheduler: time,
        random: new SeededRandom((o.seed ?? 1) + 7919 * restarts++),
        keys,
        transport: o.wrapTransport ? o.wrapTransport(transport) : transport,
        storage,
        ...(o.step ? { step: o.step } : {}),
      },
    );
    d.on((e) => events.push(e));
    return d;
  };
  const driver = makeDriver();
  return { time, service, transport, keys, storage, driver, events, makeDriver };
}

/**
 * Real asynchronous work (WebCrypto in a real key store) that virtual time must wait for: were
 * the clock to run on while a key is generated or a signature made, a slow machine would see
 * the SDK's waits (`tokenWaitMs`) run out in virtual time before the real work is done.
 *
 * @example
 * ```ts
 * import { MemoryKeyStore } from "../../mod.ts";
 * import { VirtualTime } from "../../adapters/testing/mod.ts";
 * declare const pending: Promise<string>; // e.g. a token from a driver on `keys`, `time`
 * const work = new RealWork();
 * const keys = work.keys(new MemoryKeyStore());
 * const time = new VirtualTime();
 * const token = await within(time, pending, 60_000, work);
 * ```
 */
export class RealWork {
  readonly #pending = new Set<Promise<unknown>>();

  /** `p`, counted as pending until it settles. */
  track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    const done = () => void this.#pending.delete(p);
    p.then(done, done);
    return p;
  }

  /** Resolves once no tracked work is pending. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** `keys` with every key load, generation and signature tracked. */
  keys(keys: KeyStore): KeyStore {
    const signer = (s: Signer | null): Signer | null =>
      s === null ? null : { info: s.info, sign: (input) => this.track(s.sign(input)) };
    return {
      load: () => this.track(keys.load().then(signer)),
      generate: () => this.track(keys.generate().then((s) => signer(s)!)),
    };
  }
}

/**
 * Settles a promise under virtual time, failing if it does not settle within `ms` of it. With
 * `work`, virtual time moves only while none of that real work is pending.
 */
export async function within<T>(
  time: VirtualTime,
  p: Promise<T>,
  ms = 60_000,
  work?: RealWork,
): Promise<T> {
  let done = false;
  let value: T | undefined;
  let error: unknown;
  let failed = false;
  p.then((v) => {
    done = true;
    value = v;
  }, (e) => {
    done = true;
    failed = true;
    error = e;
  });
  for (let t = 0; t < ms && !done; t += 50) {
    await work?.idle();
    await time.advance(50);
    // Real work (WebCrypto) completes on the event loop, not in microtasks: yield to it.
    await new Promise((r) => setTimeout(r, 0));
  }
  if (!done) throw new Error(`did not settle within ${ms} ms of virtual time`);
  if (failed) throw error;
  return value as T;
}

/** Decodes a JWS payload without verification (tests only). */
export function payloadOf(token: string): Record<string, unknown> {
  const b64 = token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)));
}
