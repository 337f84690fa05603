/**
 * The protocol side of the black-box profile's scripted service: SPEC §6 config, create,
 * refresh and telemetry answers, with device proofs verified (SPEC §5.2), session and action
 * tokens signed by its own Ed25519 key, sessions stored with their events. service.ts puts it on
 * HTTP with faults and records.
 *
 * @module
 */
import { verifyDeviceProof } from "../../adapters/verify/verify.ts";
import type { ServiceKey } from "../../adapters/keys/service-key.ts";
import { mintActionToken, mintSessionToken } from "../../adapters/crypto/mint.ts";
import { randomId } from "../../adapters/crypto/random.ts";
import type { Endpoint, Exchange, ServiceOptions, StoredSession } from "./records.ts";

/**
 * The device API's state and answers.
 *
 * @example
 * ```ts
 * import type { ServiceKey } from "../../adapters/keys/service-key.ts";
 * import type { Exchange } from "./records.ts";
 * declare const options: ConstructorParameters<typeof DeviceApi>[0];
 * declare const key: ServiceKey;
 * declare const exchange: Exchange; // the request being answered
 * const url = "http://127.0.0.1:4711/v1/device/config?client_id=demo";
 * const api = new DeviceApi(options, key, "http://127.0.0.1:4711/");
 * const [status, body] = await api.answer("config", exchange, new URL(url));
 * ```
 */
export class DeviceApi {
  readonly sessions: Map<string, StoredSession> = new Map();
  /** Nonces issued (value → service time issued, s); a `nonce` fault expires one. */
  readonly nonces: Map<string, number> = new Map();
  readonly o: Required<ServiceOptions>;
  /** Base URL, ending in `/`. */
  readonly url: string;
  /** The issuer: the base URL without its trailing `/`. */
  readonly issuer: string;
  readonly #key: ServiceKey;
  readonly #proofJtis = new Set<string>();

  constructor(o: Required<ServiceOptions>, key: ServiceKey, url: string) {
    this.o = o;
    this.#key = key;
    this.url = url;
    this.issuer = url.slice(0, -1);
  }

  /** Service time in seconds (the real clock plus the skew). */
  nowS(): number {
    return Math.floor(Date.now() / 1000) + this.o.skewS;
  }

  /** A fresh nonce (SPEC §6.1), remembered as issued now. */
  nonce(): string {
    const n = randomId();
    this.nonces.set(n, this.nowS());
    return n;
  }

  /** An error body (SPEC §6.5). */
  error(code: string, details?: Record<string, unknown>): Record<string, unknown> {
    return { code, message: code, time: this.nowS(), ...(details ? { details } : {}) };
  }

  /** The answer to a request of `endpoint` (`x` is its record; `url` the request URL). */
  async answer(
    endpoint: Endpoint | null,
    x: Exchange,
    url: URL,
  ): Promise<[number, Record<string, unknown>]> {
    if (endpoint === "config") {
      if (url.searchParams.get("client_id") !== this.o.clientId) {
        return [404, this.error("ERR_CLIENT_UNKNOWN")];
      }
      return [200, {
        ver: 1,
        client_id: this.o.clientId,
        time: this.nowS(),
        nonce: this.nonce(),
        issuer: this.issuer,
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
    return [404, this.error("ERR_NOT_FOUND")];
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
        url: `${this.issuer}${x.path.split("?")[0]}`,
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
        return [401, this.error("ERR_NONCE_INVALID", { nonce: this.nonce() })];
      }
    } catch (e) {
      const code = (e as { code?: string }).code ?? "ERR_TOKEN_MALFORMED";
      x.proofError = code;
      const details = code === "ERR_NONCE_INVALID" ? { nonce: this.nonce() } : undefined;
      return [401, this.error(code, details)];
    }
    if (endpoint === "refresh" && session === undefined) {
      return [404, this.error("ERR_SESSION_UNKNOWN")];
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
    const token = await mintSessionToken(this.#key.signer, {
      issuer: this.issuer,
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
      nonce: this.nonce(),
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
    if (s === undefined || !Array.isArray(b?.events)) return [400, this.error("ERR_INVALID_BODY")];
    if (!s.tokens.includes(String(b.session_token))) {
      return [401, this.error("ERR_SIGNATURE_INVALID")];
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
            action_token: await mintActionToken(this.#key.signer, {
              issuer: this.issuer,
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
      nonce: this.nonce(),
    }];
  }
}
