/**
 * The devices the service suite plays: real WebCrypto keys (Ed25519 or ES256) that mint proofs
 * and secure session tokens with our mint functions — and deliberately wrong ones.
 *
 * @module
 */
import type { DeviceSigner } from "../../adapters/crypto/types.ts";
import { type DeviceKeyPair, deviceSigner, generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { mintDeviceProof, mintSecureSessionToken, signToken } from "../../adapters/crypto/mint.ts";
import { randomId } from "../../adapters/crypto/random.ts";
import { body, type Exchange, type Http } from "./http.ts";

/** Members of a proof to override (a deliberately wrong proof). */
export interface ProofTweaks {
  readonly nonce?: string;
  readonly iat?: number;
  readonly jti?: string;
  readonly htm?: string;
  readonly htu?: string;
  readonly typ?: string;
  readonly alg?: string;
  readonly jwk?: Record<string, unknown>;
  /** Signs with this key instead (its own jwk unless `jwk` is given). */
  readonly key?: DeviceKeyPair;
}

/**
 * A device: a key, and its session once created.
 *
 * @example
 * ```ts
 * import type { Http } from "./http.ts";
 * declare const http: Http;
 * const d = await Device.create(http, "EdDSA");
 * await d.createSession(); // d.sessionToken, d.sessionId, d.deviceId
 * ```
 */
export class Device {
  readonly http: Http;
  readonly key: DeviceKeyPair;
  readonly clientId: string;
  nonce = "";
  sessionId = "";
  deviceId = "";
  sessionToken = "";
  lastCreate: Exchange | null = null;

  private constructor(http: Http, key: DeviceKeyPair, clientId: string) {
    this.http = http;
    this.key = key;
    this.clientId = clientId;
  }

  /** A device with a fresh non-extractable key of `alg`. */
  static async create(http: Http, alg: "EdDSA" | "ES256" = "EdDSA", clientId?: string) {
    return new Device(http, await generateDeviceKey({ alg }), clientId ?? http.target.clientId);
  }

  /** GET config (remembers the nonce). */
  async config(): Promise<Exchange> {
    const x = await this.http.call(
      "GET",
      `/v1/device/config?client_id=${encodeURIComponent(this.clientId)}`,
    );
    const n = body(x).nonce;
    if (typeof n === "string") this.nonce = n;
    return x;
  }

  /** A proof for POST `path`, correct unless tweaked. */
  async proof(path: string, t: ProofTweaks = {}): Promise<string> {
    if (this.nonce === "") await this.config();
    const key = t.key ?? this.key;
    const signer: DeviceSigner = deviceSigner(key);
    const claims = {
      htm: t.htm ?? "POST",
      htu: t.htu ?? this.http.base + path,
      iat: t.iat ?? this.http.nowS(),
      jti: t.jti ?? randomId(),
      nonce: t.nonce ?? this.nonce,
    };
    if (t.typ === undefined && t.alg === undefined && t.jwk === undefined) {
      return mintDeviceProof(signer, claims);
    }
    const header = { alg: t.alg ?? key.alg, typ: t.typ ?? "ds-proof+jwt", jwk: t.jwk ?? key.jwk };
    return signToken(signer, header, { ...claims, ver: 1 });
  }

  /** POST /v1/device/sessions with a proof (default: a correct one) and a body. */
  async createRaw(o: { proof?: string | null; body?: Record<string, unknown> } = {}) {
    const proof = o.proof === undefined ? await this.proof("/v1/device/sessions") : o.proof;
    return this.http.call("POST", "/v1/device/sessions", {
      headers: proof === null ? {} : { "ds-proof": proof },
      json: {
        client_id: this.clientId,
        key_assurance: "persistent-nonextractable",
        key_event: "created",
        ...o.body,
      },
    });
  }

  /** Creates a session; throws unless 201. */
  async createSession(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const x = await this.createRaw({ body: extra });
    const b = body(x);
    if (x.status !== 201) {
      throw new Error(`session create answered ${x.status} ${x.text.slice(0, 200)}`);
    }
    this.lastCreate = x;
    this.sessionId = String(b.session_id);
    this.deviceId = String(b.device_id);
    this.sessionToken = String(b.session_token);
    if (typeof b.nonce === "string") this.nonce = b.nonce;
    return b;
  }

  /** The refresh path of this device's session (or `sessionId`). */
  refreshPath(sessionId = this.sessionId): string {
    return `/v1/device/sessions/${encodeURIComponent(sessionId)}/refresh`;
  }

  /** POST …/refresh with a proof (default: a correct one). */
  async refreshRaw(o: { proof?: string | null; sessionId?: string } = {}): Promise<Exchange> {
    const path = this.refreshPath(o.sessionId);
    const proof = o.proof === undefined ? await this.proof(path) : o.proof;
    return this.http.call("POST", path, {
      headers: proof === null ? {} : { "ds-proof": proof },
      json: {},
    });
  }

  /** The JSON text of a batch of `events` (and envelope overrides), as sent. */
  batchText(events: unknown[], o: Record<string, unknown> = {}): string {
    return JSON.stringify({
      ver: 1,
      client_id: this.clientId,
      session_id: this.sessionId,
      session_token: this.sessionToken,
      events,
      dropped: { total: 0, by_priority: {} },
      sent_at_ms: this.http.nowS() * 1000,
      ...o,
    });
  }

  /** POST /v1/device/telemetry with `events` (and envelope overrides). */
  telemetry(events: unknown[], o: Record<string, unknown> = {}, contentType?: string) {
    return this.telemetryText(this.batchText(events, o), contentType);
  }

  /** POST /v1/device/telemetry with a body as given. */
  telemetryText(text: string, contentType?: string): Promise<Exchange> {
    return this.http.call("POST", "/v1/device/telemetry", {
      headers: { "content-type": contentType ?? "application/json" },
      body: text,
    });
  }

  /** A secure session token for `action` over this device's session token. */
  secure(action: string, o: { expirationSeconds?: number; iat?: number } = {}): Promise<string> {
    return mintSecureSessionToken(deviceSigner(this.key), {
      sessionToken: this.sessionToken,
      action,
      iat: o.iat ?? this.http.nowS(),
      ...(o.expirationSeconds !== undefined ? { expirationSeconds: o.expirationSeconds } : {}),
    });
  }

  /** A secure token with arbitrary claims, signed by `key` (default: this device's). */
  secureRaw(claims: Record<string, unknown>, key: DeviceKeyPair = this.key): Promise<string> {
    return signToken(deviceSigner(key), { alg: key.alg, typ: "ds-secure+jwt", jwk: key.jwk }, {
      tok: this.sessionToken,
      iat: this.http.nowS(),
      jti: randomId(),
      ver: 1,
      ...claims,
    });
  }
}

/**
 * An event of `type` at `seq`.
 *
 * @example
 * ```ts
 * declare const device: Device;
 * await device.telemetry([event(1), event(2, "page", { kind: "show" })]);
 * ```
 */
export function event(seq: number, type = "interaction", data: Record<string, unknown> = {}) {
  return {
    seq,
    time_ms: Date.now(),
    type,
    data: type === "interaction" && Object.keys(data).length === 0 ? { kind: "click" } : data,
  };
}
