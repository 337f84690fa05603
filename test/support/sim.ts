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
import type { Transport } from "../../adapters/ports.ts";

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

/** Settles a promise under virtual time, failing if it does not settle within `ms`. */
export async function within<T>(time: VirtualTime, p: Promise<T>, ms = 60_000): Promise<T> {
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
    await time.advance(50);
    // Real WebCrypto work completes on the event loop, not in microtasks: yield to it.
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
