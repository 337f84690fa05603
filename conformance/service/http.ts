/**
 * The service target's HTTP layer: every exchange goes through `fetch` against the base URL and
 * is recorded, so cross-cutting checks (error bodies, `time`, `DS-Nonce`) judge every answer the
 * service gave during the run. It also tracks the service clock from `time` (as SPEC §9.7 does).
 *
 * @module
 */

/** What the suite needs to reach a service. */
export interface ServiceTarget {
  /** The service's public base URL (its issuer), e.g. `https://risk.example.com`. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A second client, for isolation checks (skipped without it). */
  readonly otherClient?: { readonly id: string; readonly secret: string };
  /** `fetch` (default: the global one; tests pass the service's handler). */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** The service's verifier clock tolerance in seconds (default 30, SPEC §4.7). */
  readonly clockToleranceS?: number;
  /**
   * Moves the service clock forward (in-process targets only). Without it, checks that need time
   * to pass wait in real time, or are skipped when the wait would be long.
   */
  readonly advance?: (ms: number) => void;
}

/** One recorded exchange. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body, or `undefined` when the body is empty or not JSON. */
  readonly json: unknown;
  readonly text: string;
}

/** Options of one call. */
export interface CallOptions {
  readonly headers?: Record<string, string>;
  /** A JSON value (sent as application/json unless a content-type header says otherwise). */
  readonly json?: unknown;
  /** A raw body. */
  readonly body?: string;
  /** A body streamed in these chunks, without `Content-Length` (HTTP/1.1: chunked). */
  readonly chunks?: readonly Uint8Array[];
}

/**
 * HTTP against the target, with a record of every exchange.
 *
 * @example
 * ```ts
 * declare const target: ServiceTarget;
 * const http = new Http(target);
 * const r = await http.call("GET", "/v1/device/config?client_id=demo");
 * r.status; // 200
 * ```
 */
export class Http {
  readonly target: ServiceTarget;
  readonly base: string;
  readonly log: Exchange[] = [];
  /** Moves the service clock forward by seconds (the test-control extension), when present. */
  advanceS: ((s: number) => Promise<number>) | null = null;
  #offsetMs = 0;
  readonly #fetch: (request: Request) => Promise<Response>;

  constructor(target: ServiceTarget) {
    this.target = target;
    this.base = target.url.replace(/\/+$/, "");
    this.#fetch = target.fetch ?? ((r) => fetch(r));
  }

  /** One request; never throws on an HTTP status (only on a network failure). */
  async call(method: string, path: string, o: CallOptions = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...o.headers };
    let body: string | undefined = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers["content-type"] ??= "application/json";
    }
    const sent = Date.now();
    const chunks = o.chunks;
    const init: RequestInit & { duplex?: "half" } = chunks === undefined
      ? { method, headers, ...(body !== undefined ? { body } : {}) }
      : { method, headers, body: streamOf(chunks), duplex: "half" };
    const res = await this.#fetch(new Request(this.base + path, init));
    const text = await res.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const time = (json as { time?: unknown } | undefined)?.time;
    if (typeof time === "number" && Number.isFinite(time)) {
      this.#offsetMs = time * 1000 - (sent + Date.now()) / 2;
    }
    const x: Exchange = {
      method,
      path: path.split("?")[0]!,
      status: res.status,
      headers: res.headers,
      json,
      text,
    };
    this.log.push(x);
    return x;
  }

  /** The service clock as last observed, seconds. */
  nowS(): number {
    return Math.floor((Date.now() + this.#offsetMs) / 1000);
  }

  /** Re-reads the service clock (a config request) and answers it, seconds. */
  async syncS(): Promise<number> {
    await this.call(
      "GET",
      `/v1/device/config?client_id=${encodeURIComponent(this.target.clientId)}`,
    );
    return this.nowS();
  }

  /** Waits (or advances an in-process clock) until the service time is at least `s`. */
  async waitUntilS(s: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const now = await this.syncS();
      if (now >= s) return;
      if (this.advanceS !== null) await this.advanceS(s - now);
      else if (this.target.advance) this.target.advance(Math.max(1000, (s - now) * 1000));
      else await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the service clock did not reach ${s}`);
  }
}

/** A stream of `chunks`, one per read. */
function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else c.close();
    },
  });
}

/**
 * A JSON object body (or an empty object), for reading members.
 *
 * @example
 * ```ts
 * declare const http: Http;
 * body(await http.call("GET", "/.well-known/jwks.json")).keys;
 * ```
 */
export function body(x: Exchange): Record<string, unknown> {
  return typeof x.json === "object" && x.json !== null ? x.json as Record<string, unknown> : {};
}
