/**
 * The SDK under test, as the black-box profile sees it: one instance behind a driver's `sdk.*`
 * requests. Every call is recorded with when it was made and answered (on the service's clock)
 * and how it ended, and never throws: judging is the checks' business.
 *
 * @module
 */
import type { HarnessClient } from "../harness/protocol.ts";
import type { ScriptedService } from "./service.ts";

/** The methods of the public SDK API a driver exposes (request type `sdk.<method>`). */
export type ApiMethod =
  | "getSessionToken"
  | "getSecureSessionToken"
  | "triggerActionEvent"
  | "setAuthenticatedUser"
  | "clearUser"
  | "flush"
  | "shutdown";

/** One call and how it ended. Times are the service's `elapsed()` ms. */
export interface Call {
  readonly method: ApiMethod;
  readonly args: Record<string, unknown>;
  readonly t0: number;
  t1?: number;
  /** Service time (s, fractional) when the answer arrived. */
  serviceS1?: number;
  /** `resolved` / `rejected` by the SDK, or `error` when the driver could not carry it out. */
  outcome?: "resolved" | "rejected" | "error";
  value?: unknown;
  code?: string;
  message?: string;
}

/** How long one SDK call may take before the suite gives up on it (ms). */
const CALL_TIMEOUT_MS = 30_000;

/**
 * One SDK instance under test.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { ScriptedService } from "./service.ts";
 * declare const client: HarnessClient;
 * declare const svc: ScriptedService;
 * const sdk = await SdkUnderTest.init(client, svc, { enableSessionToken: true });
 * const c = await sdk.call("getSessionToken");
 * c.outcome; // "resolved"
 * ```
 */
export class SdkUnderTest {
  readonly calls: Call[] = [];
  readonly #client: HarnessClient;
  readonly #svc: ScriptedService;
  /** The driver's name for this instance (what a later `storage.from` names). */
  readonly instance: string;

  private constructor(client: HarnessClient, svc: ScriptedService, instance: string) {
    this.#client = client;
    this.#svc = svc;
    this.instance = instance;
  }

  /**
   * `sdk.init` against `svc` with `options` (SPEC §9.13 names in camelCase); `storage` starts it
   * on the storage an earlier, shut down instance left (SPEC §8.8, §9.15), `damage`d if asked.
   */
  static async init(
    client: HarnessClient,
    svc: ScriptedService,
    options: Record<string, unknown> = {},
    storage?: { from: SdkUnderTest; damage?: "key" | "state" },
  ): Promise<SdkUnderTest> {
    const r = await client.request({
      type: "sdk.init",
      ...(storage === undefined ? {} : {
        storage: {
          from: storage.from.instance,
          ...(storage.damage === undefined ? {} : { damage: storage.damage }),
        },
      }),
      options: {
        clientId: svc.o.clientId,
        serverPath: svc.url,
        enableSessionToken: true,
        ...options,
      },
    });
    if (!r.ok) throw new Error(`sdk.init refused: ${r.error.code} ${r.error.message ?? ""}`);
    if (typeof r.instance !== "string") throw new Error("sdk.init answered no instance");
    return new SdkUnderTest(client, svc, r.instance);
  }

  /** Calls `method`; resolves when the SDK answered (or the driver failed), never rejects. */
  async call(method: ApiMethod, args: Record<string, unknown> = {}): Promise<Call> {
    const c: Call = { method, args, t0: this.#svc.elapsed() };
    this.calls.push(c);
    try {
      const r = await this.#client.request(
        { type: `sdk.${method}`, instance: this.instance, ...args },
        { timeoutMs: CALL_TIMEOUT_MS },
      );
      if (!r.ok) {
        c.outcome = "error";
        c.code = r.error.code;
        c.message = r.error.message ?? "";
      } else if ("rejected" in r) {
        const e = r.rejected as { code?: unknown; message?: unknown };
        c.outcome = "rejected";
        c.code = String(e?.code);
        c.message = String(e?.message ?? "");
      } else {
        c.outcome = "resolved";
        c.value = r.resolved;
      }
    } catch (e) {
      c.outcome = "error";
      c.code = "ERR_DRIVER";
      c.message = e instanceof Error ? e.message.split("\n")[0]! : String(e);
    }
    c.t1 = this.#svc.elapsed();
    c.serviceS1 = Date.now() / 1000 + this.#svc.o.skewS;
    return c;
  }

  /** Calls of one method. */
  of(method: ApiMethod): Call[] {
    return this.calls.filter((c) => c.method === method);
  }
}

/**
 * Resolves after `ms` of real time (scenarios pace the SDK; no check depends on it being exact).
 *
 * @example
 * ```ts
 * await pause(200);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
