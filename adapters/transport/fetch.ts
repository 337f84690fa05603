/**
 * The `fetch` transport, for every runtime that has a WHATWG `fetch` (browsers, Node ≥ 18,
 * Deno, Bun): JSON bodies, `Retry-After`, abort on timeout, and a beacon that uses
 * `navigator.sendBeacon` where it exists and `fetch(…, { keepalive: true })` otherwise.
 *
 * @module
 */
import type { Request } from "../../core/session/types.ts";
import type { Transport, TransportResponse } from "../ports.ts";

/** Options of {@link FetchTransport}. */
export interface FetchTransportOptions {
  /** The `fetch` to use (default: the global one, looked up at call time). */
  readonly fetch?: typeof fetch;
  /** Extra headers for every request (e.g. a first-party proxy's routing header). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A transport over `fetch`.
 *
 * @example
 * ```ts
 * const request = {
 *   method: "GET",
 *   url: "https://risk.example.com/v1/device/config",
 *   headers: {},
 *   body: null,
 *   purpose: "config",
 * } as const;
 * const transport = new FetchTransport();
 * const r = await transport.send(request, { signal: AbortSignal.timeout(10_000) });
 * ```
 */
export class FetchTransport implements Transport {
  readonly #fetch: (() => typeof fetch) | null;
  readonly #headers: Readonly<Record<string, string>>;

  constructor(options: FetchTransportOptions = {}) {
    const f = options.fetch;
    this.#fetch = f ? () => f : null;
    this.#headers = options.headers ?? {};
  }

  async send(request: Request, options: { signal: AbortSignal }): Promise<TransportResponse> {
    const f = this.#fetch?.() ?? globalThis.fetch;
    const res = await f(request.url, {
      method: request.method,
      headers: { ...this.#headers, ...request.headers },
      ...(request.body !== null ? { body: request.body } : {}),
      signal: options.signal,
      // Telemetry and session calls carry no cookies: the device session is not a login.
      credentials: "omit",
    });
    const text = await res.text();
    let body: unknown = null;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    const ra = Number(res.headers.get("retry-after"));
    return {
      status: res.status,
      body,
      ...(Number.isFinite(ra) && ra > 0 ? { retryAfter: ra } : {}),
    };
  }

  beacon(request: Request): boolean {
    const nav = (globalThis as { navigator?: { sendBeacon?: (u: string, d: BodyInit) => boolean } })
      .navigator;
    if (typeof nav?.sendBeacon === "function" && request.body !== null) {
      // text/plain keeps the beacon a CORS "simple" request (SPEC §6.0).
      if (nav.sendBeacon(request.url, new Blob([request.body], { type: "text/plain" }))) {
        return true;
      }
    }
    const f = this.#fetch?.() ?? globalThis.fetch;
    f(request.url, {
      method: "POST",
      headers: { ...this.#headers, "content-type": "text/plain;charset=UTF-8" },
      body: request.body,
      keepalive: true,
      credentials: "omit",
    }).catch(() => {/* best effort: the events stay queued */});
    return true;
  }
}
