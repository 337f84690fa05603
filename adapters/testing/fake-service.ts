/**
 * A protocol-faithful fake of the service's device API for core and driver tests: config,
 * session create/refresh (proof shape, nonce, key binding), telemetry with exact dedupe by
 * (session, seq), action records and identify events. It signs nothing (tokens carry a fake
 * signature) and is the oracle of the property tests: it records exactly what was stored.
 * The real service is `device-session/server`.
 *
 * @module
 */
import { parseJws, signingInput } from "../../core/token/jws.ts";
import { encodeBase64Url } from "../../core/token/base64url.ts";
import type { Request } from "../../core/session/types.ts";
import type { TransportResponse } from "../ports.ts";

interface FakeSession {
  id: string;
  deviceId: string;
  keyX: string;
  createdAt: number;
  expiresAt: number;
  lastSeen: number;
  ended: boolean;
  user: string | null;
  events: Map<number, { type: string; data: unknown }>;
  dropped: number;
  actions: Map<number, { action_id: string; action_token: string }>;
}

/** Options of {@link FakeService}. */
export interface FakeServiceOptions {
  /** Service clock in ms (usually the test's virtual time). */
  now: () => number;
  tokenLifetimeS?: number;
  sessionAbsoluteS?: number;
  sessionIdleS?: number;
  base?: string;
}

/**
 * The fake service. Call {@link handle} with a request; inspect `sessions` afterwards.
 *
 * @example
 * ```ts
 * import { ScriptedTransport } from "./transport.ts";
 * import { VirtualTime } from "./virtual-time.ts";
 * const time = new VirtualTime();
 * const service = new FakeService({ now: () => time.now() });
 * const transport = new ScriptedTransport({ time, handle: (r) => service.handle(r) });
 * ```
 */
export class FakeService {
  readonly sessions: Map<string, FakeSession> = new Map();
  readonly devices: Map<string, string> = new Map();
  /** Every request path seen, in order (for assertions on request counts). */
  readonly log: { purpose: string; url: string }[] = [];
  readonly o: Required<FakeServiceOptions>;
  #n = 0;

  constructor(o: FakeServiceOptions) {
    this.o = {
      tokenLifetimeS: 900,
      sessionAbsoluteS: 86400,
      sessionIdleS: 1800,
      base: "http://service.test/",
      ...o,
    };
  }

  #t(): number {
    return Math.floor(this.o.now() / 1000);
  }

  #id(prefix: string): string {
    return `${prefix}${String(++this.#n).padStart(22, "0")}`;
  }

  #token(claims: Record<string, unknown>): string {
    return `${signingInput({ alg: "EdDSA", typ: "ds-session+jwt", kid: "fake" }, claims)}.${
      encodeBase64Url(new Uint8Array(64))
    }`;
  }

  #nonce(): string {
    return `n${this.#t()}`;
  }

  #err(status: number, code: string, details?: Record<string, unknown>): TransportResponse {
    return {
      status,
      body: { code, message: code, time: this.#t(), ...(details ? { details } : {}) },
    };
  }

  /** Answers one request. */
  handle(req: Request): TransportResponse {
    this.log.push({ purpose: req.purpose, url: req.url });
    const path = req.url.slice(this.o.base.length).split("?")[0]!;
    if (req.method === "GET" && path === "v1/device/config") return this.#config();
    if (path === "v1/device/sessions") return this.#create(req);
    const m = /^v1\/device\/sessions\/([^/]+)\/refresh$/.exec(path);
    if (m) return this.#refresh(req, m[1]!);
    if (path === "v1/device/telemetry") return this.#telemetry(req);
    return this.#err(404, "ERR_NOT_FOUND");
  }

  #config(): TransportResponse {
    return {
      status: 200,
      body: {
        ver: 1,
        client_id: "demo",
        time: this.#t(),
        nonce: this.#nonce(),
        issuer: "fake",
        algorithms: ["EdDSA"],
        token_lifetime_s: Math.max(60, this.o.tokenLifetimeS),
        secure_token_max_s: 3600,
        session_absolute_s: this.o.sessionAbsoluteS,
        session_idle_s: this.o.sessionIdleS,
        telemetry: { max_batch_events: 100, max_batch_bytes: 61440, max_event_bytes: 4096 },
      },
    };
  }

  #proof(req: Request): { x: string } | TransportResponse {
    const proof = parseJws(req.headers["ds-proof"] ?? "");
    const c = proof.payload as { htm?: string; htu?: string; nonce?: string; iat?: number };
    if (c.htm !== req.method || c.htu !== req.url) {
      return this.#err(401, "ERR_PROOF_TARGET_MISMATCH");
    }
    const age = this.#t() - Number(String(c.nonce).slice(1));
    if (!(age >= 0 && age < 300)) {
      return this.#err(401, "ERR_NONCE_INVALID", { nonce: this.#nonce() });
    }
    if (Math.abs((c.iat ?? 0) - this.#t()) > 60) return this.#err(401, "ERR_TOKEN_EXPIRED");
    return { x: (proof.header.jwk as { x: string }).x };
  }

  #issue(s: FakeSession) {
    const iat = this.#t();
    return {
      session_token: this.#token({
        sub: s.id,
        did: s.deviceId,
        iat,
        exp: iat + this.o.tokenLifetimeS,
      }),
      token_expires_at: iat + this.o.tokenLifetimeS,
      session_expires_at: s.expiresAt,
      user_id: s.user,
      time: iat,
      nonce: this.#nonce(),
    };
  }

  #create(req: Request): TransportResponse {
    const p = this.#proof(req);
    if ("status" in p) return p;
    const body = JSON.parse(req.body ?? "{}") as { device_id?: string; user_id?: string };
    const deviceId = body.device_id && this.devices.has(body.device_id)
      ? body.device_id
      : this.#id("d_");
    this.devices.set(deviceId, p.x);
    const t = this.#t();
    const s: FakeSession = {
      id: this.#id("s_"),
      deviceId,
      keyX: p.x,
      createdAt: t,
      expiresAt: t + this.o.sessionAbsoluteS,
      lastSeen: t,
      ended: false,
      user: body.user_id ?? null,
      events: new Map(),
      dropped: 0,
      actions: new Map(),
    };
    this.sessions.set(s.id, s);
    return {
      status: 201,
      body: {
        session_id: s.id,
        device_id: deviceId,
        idle_timeout_s: this.o.sessionIdleS,
        ...this.#issue(s),
      },
    };
  }

  #alive(s: FakeSession | undefined): s is FakeSession {
    if (s === undefined || s.ended) return false;
    const t = this.#t();
    if (t >= s.expiresAt || t >= s.lastSeen + this.o.sessionIdleS) s.ended = true;
    return !s.ended;
  }

  #refresh(req: Request, sid: string): TransportResponse {
    const p = this.#proof(req);
    if ("status" in p) return p;
    const s = this.sessions.get(sid);
    if (s === undefined) return this.#err(404, "ERR_SESSION_UNKNOWN");
    if (!this.#alive(s)) return this.#err(410, "ERR_SESSION_ENDED");
    if (s.keyX !== p.x) return this.#err(401, "ERR_KEY_MISMATCH");
    s.lastSeen = this.#t();
    return { status: 200, body: this.#issue(s) };
  }

  #telemetry(req: Request): TransportResponse {
    const b = JSON.parse(req.body ?? "{}") as {
      session_id: string;
      session_token: string;
      events: { seq: number; type: string; data: Record<string, unknown> }[];
      dropped: { total: number };
    };
    const s = this.sessions.get(b.session_id);
    if (s === undefined) return this.#err(404, "ERR_SESSION_UNKNOWN");
    if (parseJws(b.session_token).payload.sub !== s.id) {
      return this.#err(401, "ERR_AUDIENCE_MISMATCH");
    }
    s.dropped = Math.max(s.dropped, b.dropped.total);
    for (const e of b.events) {
      if (s.events.has(e.seq)) continue;
      s.events.set(e.seq, { type: e.type, data: e.data });
      if (e.type === "action") {
        s.actions.set(e.seq, {
          action_id: this.#id("a_"),
          action_token: this.#token({ sub: s.id, aid: e.seq }),
        });
      }
      if (e.type === "identify") s.user = (e.data.user_id as string | null) ?? null;
    }
    if (!s.ended) s.lastSeen = this.#t();
    const seqs = b.events.map((e) => e.seq);
    const actions = seqs.filter((q) => s.actions.has(q)).map((q) => ({
      seq: q,
      ...s.actions.get(q)!,
    }));
    return {
      status: 200,
      body: {
        acked_seq: seqs.length ? Math.max(...seqs) : 0,
        high_seq: Math.max(0, ...s.events.keys()),
        actions,
        user_id: s.user,
        time: this.#t(),
        nonce: this.#nonce(),
      },
    };
  }
}
