/**
 * A transport with scripted faults for tests: failure before or after delivery, timeouts
 * (no answer), duplicate delivery, per-request latency (so answers can be reordered) and an
 * offline switch. Latency runs on {@link VirtualTime}.
 *
 * @module
 */
import type { Request } from "../../core/session/types.ts";
import type { Transport, TransportResponse } from "../ports.ts";
import type { VirtualTime } from "./virtual-time.ts";

/** What happens to one request. */
export type Fault =
  | "ok"
  /** Never reaches the service; the client sees a network error. */
  | "fail_before"
  /** Reaches the service; the answer is lost (network error at the client). */
  | "fail_after"
  /** Reaches the service; no answer ever arrives (the client's timeout fires). */
  | "hang"
  /** Reaches the service twice; the client gets the first answer. */
  | "duplicate"
  /** Answered with a 503. */
  | "error_503";

/** Options of {@link ScriptedTransport}. */
export interface ScriptedTransportOptions {
  readonly time: VirtualTime;
  readonly handle: (req: Request) => TransportResponse;
  /** Latency of request `n` (ms); default 20. */
  readonly latency?: (req: Request, n: number) => number;
  /** Fault of request `n`; default "ok". */
  readonly fault?: (req: Request, n: number) => Fault;
}

/**
 * Test transport.
 *
 * @example
 * ```ts
 * import { FakeService } from "./fake-service.ts";
 * import { VirtualTime } from "./virtual-time.ts";
 * const time = new VirtualTime();
 * const service = new FakeService({ now: () => time.now() });
 * const t = new ScriptedTransport({
 *   time,
 *   handle: (r) => service.handle(r),
 *   fault: (_r, n) => n % 3 ? "ok" : "fail_after",
 * });
 * ```
 */
export class ScriptedTransport implements Transport {
  readonly o: ScriptedTransportOptions;
  /** When true, every request fails before delivery. */
  offline = false;
  /** When set, overrides the scripted fault of every later request. */
  force: Fault | null = null;
  /** Requests sent so far, with their fault. */
  readonly sent: { req: Request; fault: Fault }[] = [];
  /** Beacons handed over. */
  readonly beacons: Request[] = [];
  #n = 0;

  constructor(o: ScriptedTransportOptions) {
    this.o = o;
  }

  send(req: Request, options: { signal: AbortSignal }): Promise<TransportResponse> {
    const n = this.#n++;
    const fault: Fault = this.offline
      ? "fail_before"
      : this.force ?? this.o.fault?.(req, n) ?? "ok";
    this.sent.push({ req, fault });
    const delay = this.o.latency?.(req, n) ?? 20;
    return new Promise((resolve, reject) => {
      options.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
      this.o.time.set(this.o.time.now() + delay, () => {
        if (options.signal.aborted) return;
        if (fault === "fail_before") return reject(new Error("network down"));
        if (fault === "error_503") {
          return resolve({ status: 503, body: { code: "ERR_INTERNAL", message: "down", time: 0 } });
        }
        const answer = this.o.handle(req);
        if (fault === "duplicate") this.o.handle(req);
        if (fault === "fail_after") return reject(new Error("connection reset"));
        if (fault === "hang") return;
        resolve(answer);
      });
    });
  }

  beacon(req: Request): boolean {
    this.beacons.push(req);
    if (!this.offline) this.o.handle(req);
    return true;
  }
}
