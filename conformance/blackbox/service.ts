/**
 * The black-box profile's service: the device API of SPEC §6 on a real HTTP server on loopback,
 * with its own Ed25519 key, a skewed clock, short-lived (backdated) session tokens and scripted
 * faults. It records every exchange — when it arrived, when it ended, what was asked and what
 * was answered — for the checks to judge afterwards (records.ts holds the record types).
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateServiceKey, type ServiceKey } from "../../adapters/keys/service-key.ts";
import { parseJws } from "../../core/token/jws.ts";
import type { Endpoint, Exchange, Fault, ServiceOptions, StoredSession } from "./records.ts";
import { DeviceApi } from "./service-api.ts";

/**
 * The scripted service of one scenario.
 *
 * @example
 * ```ts
 * const svc = await ScriptedService.start({ clientId: "bb" });
 * svc.fault("create", { kind: "503", retryAfterS: 1 });
 * // … drive the SDK at svc.url …
 * await svc.close();
 * ```
 */
export class ScriptedService {
  /** Every exchange, in order of arrival. */
  readonly log: Exchange[] = [];
  readonly o: Required<ServiceOptions>;
  url = "";
  readonly #faults: Map<Endpoint, Fault[]> = new Map();
  readonly #t0 = performance.now();
  #key: ServiceKey | null = null;
  #api: DeviceApi | null = null;
  #server: ReturnType<typeof createServer> | null = null;

  private constructor(o: ServiceOptions) {
    this.o = {
      skewS: 1000,
      tokenLifetimeS: 60,
      backdateS: 0,
      secureMaxS: 3600,
      ...o,
    };
  }

  /** Starts the service on a free loopback port. */
  static async start(o: ServiceOptions): Promise<ScriptedService> {
    const s = new ScriptedService(o);
    s.#key = await generateServiceKey({ alg: "EdDSA" });
    // A client that goes away mid-request (an SDK's own timeout on a loaded machine) rejects
    // the body read: that request never happened, and must not be an unhandled rejection.
    const server = createServer((req, res) => void s.#serve(req, res).catch(() => res.destroy()));
    s.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    s.#api = new DeviceApi(s.o, s.#key, s.url);
    return s;
  }

  /** Milliseconds since the service started (the clock of every record). */
  elapsed(): number {
    return performance.now() - this.#t0;
  }

  /** Service time in seconds (the real clock plus the skew). */
  nowS(): number {
    return Math.floor(Date.now() / 1000) + this.o.skewS;
  }

  /** The sessions the service holds, by id. */
  get sessions(): Map<string, StoredSession> {
    return this.#api!.sessions;
  }

  /** The service key's public JWKS entry (to verify what it issued). */
  get jwks(): { keys: object[] } {
    return { keys: [this.#key!.jwk] };
  }

  /** Resolves once `pred` holds for an exchange of the log (polled every 20 ms). */
  async waitFor(pred: (x: Exchange) => boolean, timeoutMs = 20_000): Promise<Exchange> {
    const until = this.elapsed() + timeoutMs;
    for (;;) {
      const x = this.log.find(pred);
      if (x !== undefined) return x;
      if (this.elapsed() > until) throw new Error(`no such request within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** Queues faults for the next requests to `endpoint`, one each, in order. */
  fault(endpoint: Endpoint, ...faults: Fault[]): void {
    this.#faults.set(endpoint, [...(this.#faults.get(endpoint) ?? []), ...faults]);
  }

  /** Stops the server and drops every open connection. */
  close(): Promise<void> {
    const server = this.#server;
    if (server === null) return Promise.resolve();
    this.#server = null;
    server.closeAllConnections?.();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Exchanges of one endpoint. */
  of(endpoint: Endpoint): Exchange[] {
    return this.log.filter((x) => x.endpoint === endpoint);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Uint8Array[] = [];
    for await (const c of req) chunks.push(c as Uint8Array);
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
    const text = new TextDecoder().decode(bytes);
    const url = new URL(req.url ?? "/", this.url);
    const path = url.pathname;
    const endpoint: Endpoint | null = req.method === "GET" && path === "/v1/device/config"
      ? "config"
      : req.method === "POST" && path === "/v1/device/sessions"
      ? "create"
      : req.method === "POST" && /^\/v1\/device\/sessions\/[^/]+\/refresh$/.test(path)
      ? "refresh"
      : req.method === "POST" && path === "/v1/device/telemetry"
      ? "telemetry"
      : null;
    const x: Exchange = {
      endpoint: endpoint ?? "other",
      t0: this.elapsed(),
      serviceS: this.nowS(),
      method: req.method ?? "",
      path: `${path}${url.search}`,
      bytes: bytes.length,
      text,
      body: parse(text),
      proof: req.headers["ds-proof"] as string | undefined,
    };
    if (x.proof !== undefined) {
      try {
        x.proofClaims = parseJws(x.proof).payload;
      } catch { /* judged by verifyDeviceProof */ }
    }
    this.log.push(x);
    const fault = endpoint === null ? undefined : this.#faults.get(endpoint)?.shift();
    if (fault !== undefined) x.fault = fault;
    if (fault?.kind === "delay") await sleep(fault.ms ?? 500);
    let status: number, body: Record<string, unknown>, headers: Record<string, string> = {};
    if (fault?.kind === "drop") return this.#drop(x, res);
    if (fault?.kind === "503" || fault?.kind === "413") {
      status = Number(fault.kind);
      body = this.#api!.error(fault.kind === "503" ? "ERR_UNAVAILABLE" : "ERR_BODY_TOO_LARGE");
      if (fault.retryAfterS !== undefined) headers = { "retry-after": String(fault.retryAfterS) };
    } else {
      [status, body] = await this.#api!.answer(endpoint, x, url);
    }
    if (fault?.kind === "lost-answer") return this.#drop(x, res);
    const out = JSON.stringify(body);
    if (typeof body.nonce === "string") headers["ds-nonce"] = body.nonce;
    if (typeof (body.details as { nonce?: unknown })?.nonce === "string") {
      headers["ds-nonce"] = String((body.details as { nonce: string }).nonce);
    }
    x.status = status;
    x.response = body;
    x.t1 = this.elapsed();
    x.answered = true;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(out);
  }

  #drop(x: Exchange, res: ServerResponse): void {
    x.t1 = this.elapsed();
    x.answered = false;
    res.socket?.destroy();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
