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
import { verifyDeviceProof } from "../../verify.ts";
import { generateServiceKey, type ServiceKey } from "../../adapters/keys/service-key.ts";
import { mintActionToken, mintSessionToken } from "../../adapters/crypto/mint.ts";
import { randomId } from "../../adapters/crypto/random.ts";
import { parseJws } from "../../core/token/jws.ts";
import type { Endpoint, Exchange, Fault, ServiceOptions, StoredSession } from "./records.ts";

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
  readonly sessions: Map<string, StoredSession> = new Map();
  /** Nonces issued (value → service time issued, s); a `nonce` fault expires one. */
  readonly nonces: Map<string, number> = new Map();
  readonly o: Required<ServiceOptions>;
  url = "";
  readonly #faults: Map<Endpoint, Fault[]> = new Map();
  readonly #proofJtis = new Set<string>();
  readonly #t0 = performance.now();
  #key: ServiceKey | null = null;
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
    const server = createServer((req, res) => void s.#serve(req, res));
    s.#server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
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
      body = this.#error(fault.kind === "503" ? "ERR_UNAVAILABLE" : "ERR_BODY_TOO_LARGE");
      if (fault.retryAfterS !== undefined) headers = { "retry-after": String(fault.retryAfterS) };
    } else {
      [status, body] = await this.#answer(endpoint, x, url);
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

  #nonce(): string {
    const n = randomId();
    this.nonces.set(n, this.nowS());
    return n;
  }

  #error(code: string, details?: Record<string, unknown>): Record<string, unknown> {
    return { code, message: code, time: this.nowS(), ...(details ? { details } : {}) };
  }

  async #answer(
    endpoint: Endpoint | null,
    x: Exchange,
    url: URL,
  ): Promise<[number, Record<string, unknown>]> {
    if (endpoint === "config") {
      if (url.searchParams.get("client_id") !== this.o.clientId) {
        return [404, this.#error("ERR_CLIENT_UNKNOWN")];
      }
      return [200, {
        ver: 1,
        client_id: this.o.clientId,
        time: this.nowS(),
        nonce: this.#nonce(),
        issuer: this.url.slice(0, -1),
        algorithms: ["EdDSA", "ES256"],
        token_lifetime_s: this.o.tokenLifetimeS,
        secure_token_max_s: this.o.secureMaxS,
        session_absolute_s: 86400,
        session_idle_s: 1800,
        telemetry: { max_batch_events: 100, max_batch_bytes: 61440, max_event_bytes: 4096 },
      }];
    }
    if (endpoint === "create" || endpoint === "refresh") return await this.#session(endpoint, x);
    if (endpoint === "telemetry") return await this.#telemetry(x);
    return [404, this.#error("ERR_NOT_FOUND")];
  }

  async #session(
    endpoint: "create" | "refresh",
    x: Exchange,
  ): Promise<[number, Record<string, unknown>]> {
    const sid = endpoint === "refresh" ? x.path.split("/")[4]! : undefined;
    const session = sid === undefined ? undefined : this.sessions.get(sid);
    let jkt: string;
    try {
      const now = this.nowS();
      const p = await verifyDeviceProof(x.proof ?? "", {
        method: "POST",
        url: `${this.url.slice(0, -1)}${x.path.split("?")[0]}`,
        isNonceValid: (n) => (this.nonces.get(n) ?? -Infinity) > now - 300,
        replayStore: {
          consume: (id) => Promise.resolve(!this.#proofJtis.has(id) && !!this.#proofJtis.add(id)),
        },
        now,
        ...(session !== undefined ? { expectedJkt: session.jkt } : {}),
      });
      jkt = p.jkt;
      if (x.fault?.kind === "nonce") {
        // Valid as sent, but its nonce has just expired: the device must retry with the new one.
        this.nonces.delete(p.nonce);
        return [401, this.#error("ERR_NONCE_INVALID", { nonce: this.#nonce() })];
      }
    } catch (e) {
      const code = (e as { code?: string }).code ?? "ERR_TOKEN_MALFORMED";
      x.proofError = code;
      const details = code === "ERR_NONCE_INVALID" ? { nonce: this.#nonce() } : undefined;
      return [401, this.#error(code, details)];
    }
    if (endpoint === "refresh" && session === undefined) {
      return [404, this.#error("ERR_SESSION_UNKNOWN")];
    }
    const body = (x.body ?? {}) as { device_id?: unknown; user_id?: unknown };
    const s: StoredSession = session ?? {
      id: `s_${randomId()}`,
      deviceId: typeof body.device_id === "string" ? body.device_id : `d_${randomId()}`,
      jkt,
      user: typeof body.user_id === "string" ? body.user_id : null,
      events: new Map(),
      dropped: 0,
      actions: new Map(),
      tokens: [],
    };
    this.sessions.set(s.id, s);
    const iat = this.nowS() - this.o.backdateS;
    const token = await mintSessionToken(this.#key!.signer, {
      issuer: this.url.slice(0, -1),
      clientId: this.o.clientId,
      sessionId: s.id,
      deviceId: s.deviceId,
      jkt: s.jkt,
      lifetime: this.o.tokenLifetimeS,
      iat,
    });
    s.tokens.push(token);
    const exp = iat + this.o.tokenLifetimeS;
    const common = {
      session_token: token,
      token_expires_at: exp,
      session_expires_at: iat + 86400,
      user_id: s.user,
      time: this.nowS(),
      nonce: this.#nonce(),
    };
    return endpoint === "create"
      ? [201, { session_id: s.id, device_id: s.deviceId, idle_timeout_s: 1800, ...common }]
      : [200, common];
  }

  async #telemetry(x: Exchange): Promise<[number, Record<string, unknown>]> {
    const b = x.body as {
      session_id?: unknown;
      session_token?: unknown;
      events?: { seq: number; type: string; data: Record<string, unknown> }[];
      dropped?: { total?: unknown };
    } | null;
    const s = typeof b?.session_id === "string" ? this.sessions.get(b.session_id) : undefined;
    if (s === undefined || !Array.isArray(b?.events)) return [400, this.#error("ERR_INVALID_BODY")];
    if (!s.tokens.includes(String(b.session_token))) {
      return [401, this.#error("ERR_SIGNATURE_INVALID")];
    }
    if (typeof b.dropped?.total === "number") s.dropped = Math.max(s.dropped, b.dropped.total);
    const actions = [];
    for (const e of b.events) {
      if (!s.events.has(e.seq)) {
        s.events.set(e.seq, JSON.stringify(e));
        if (e.type === "identify") s.user = (e.data?.user_id as string | null) ?? null;
        if (e.type === "action") {
          const actionId = `a_${randomId()}`;
          s.actions.set(e.seq, {
            action_id: actionId,
            action_token: await mintActionToken(this.#key!.signer, {
              issuer: this.url.slice(0, -1),
              clientId: this.o.clientId,
              sessionId: s.id,
              actionId,
              action: String(e.data?.action_type),
            }),
          });
        }
      }
      const a = s.actions.get(e.seq);
      if (a !== undefined) actions.push({ seq: e.seq, ...a });
    }
    const seqs = b.events.map((e) => e.seq);
    const high = Math.max(0, ...s.events.keys());
    return [200, {
      acked_seq: seqs.length > 0 ? Math.max(...seqs) : high,
      high_seq: high,
      actions,
      user_id: s.user,
      time: this.nowS(),
      nonce: this.#nonce(),
    }];
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
