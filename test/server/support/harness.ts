/**
 * Test harness of the service: the runtime's REAL server on loopback (Deno.serve on Deno,
 * Bun.serve on Bun, node:http on Node: tests may sniff the runtime, library code may not), a
 * controllable clock, and a device and backend played with real WebCrypto keys.
 *
 * Imported dynamically by the server tests, so the browser bundle never evaluates it.
 */
import type { CreateServiceOptions, Service } from "../../../adapters/server/mod.ts";
import type { RunningServer } from "../../../adapters/server/serve/types.ts";
import type { DeviceKeyPair } from "../../../adapters/crypto/keys.ts";

export const SECRET_A = "secret-of-client-a-0123456789";
export const SECRET_B = "secret-of-client-b-0123456789";

/** A running service on loopback. */
export interface Harness {
  readonly url: string;
  readonly service: Service;
  readonly server: RunningServer;
  /** Milliseconds added to the real clock (move time forward). */
  advance(ms: number): void;
  nowS(): number;
  /** The service's clock, epoch milliseconds (real time plus what was advanced). */
  nowMs(): number;
  /** `fetch` of a path on the server. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** This runtime's own `serve` adapter (Bun's, Deno's or Node's). */
export async function runtimeServe(): Promise<
  typeof import("../../../adapters/server/serve/node.ts").serve
> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return (await import("../../../adapters/server/serve/bun.ts")).serve;
  if (g.Deno !== undefined) return (await import("../../../adapters/server/serve/deno.ts")).serve;
  return (await import("../../../adapters/server/serve/node.ts")).serve;
}

/** The runtime's name, for messages. */
export function runtimeName(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  return g.Bun !== undefined ? "bun" : g.Deno !== undefined ? "deno" : "node";
}

/**
 * Starts the service on `127.0.0.1:0` with clients `a` (origin https://a.example) and `b`.
 */
export async function startHarness(
  extra: Partial<CreateServiceOptions> = {},
): Promise<Harness> {
  const { createService } = await import("../../../adapters/server/mod.ts");
  const serve = await runtimeServe();
  let skew = 0;
  const now = () => Date.now() + skew;
  let service: Service | null = null;
  const server = await serve({
    port: 0,
    fetch: (req, info) => service!.fetch(req, info),
  });
  try {
    service = await createService({
      publicUrl: server.url,
      clients: [
        { id: "a", secret: SECRET_A, allowedOrigins: ["https://a.example"] },
        { id: "b", secret: SECRET_B, allowedOrigins: ["https://b.example"] },
      ],
      log: null,
      rateLimits: false,
      now,
      ...extra,
    });
  } catch (e) {
    await server.shutdown(100);
    throw e;
  }
  return {
    url: server.url,
    service,
    server,
    advance: (ms) => (skew += ms),
    nowS: () => Math.floor(now() / 1000),
    nowMs: now,
    fetch: (path, init) => fetch(server.url + path, init),
    async close() {
      await server.shutdown(2000);
      await service!.close(2000);
    },
  };
}

/** A device with a real WebCrypto key pair, speaking the device API by hand. */
export class Device {
  readonly key: DeviceKeyPair;
  readonly h: Harness;
  readonly clientId: string;
  nonce = "";
  sessionId = "";
  deviceId = "";
  sessionToken = "";

  private constructor(h: Harness, key: DeviceKeyPair, clientId: string) {
    this.h = h;
    this.key = key;
    this.clientId = clientId;
  }

  static async create(
    h: Harness,
    clientId = "a",
    alg: "EdDSA" | "ES256" = "EdDSA",
  ): Promise<Device> {
    const { generateDeviceKey } = await import("../../../adapters/crypto/keys.ts");
    return new Device(h, await generateDeviceKey({ alg }), clientId);
  }

  async config(): Promise<Record<string, unknown>> {
    const r = await this.h.fetch(`/v1/device/config?client_id=${this.clientId}`);
    const body = await r.json() as Record<string, unknown>;
    if (r.status !== 200) throw new Error(`config ${r.status} ${JSON.stringify(body)}`);
    this.nonce = body.nonce as string;
    return body;
  }

  /** A proof for POST on `path`, signed by this device's key (or `key`). */
  async proof(
    path: string,
    o: { nonce?: string; iat?: number; jti?: string; key?: DeviceKeyPair; htm?: string } = {},
  ): Promise<string> {
    const { mintDeviceProof } = await import("../../../adapters/crypto/mint.ts");
    const { deviceSigner } = await import("../../../adapters/crypto/keys.ts");
    return mintDeviceProof(deviceSigner(o.key ?? this.key), {
      htm: o.htm ?? "POST",
      htu: this.h.url + path,
      nonce: o.nonce ?? this.nonce,
      iat: o.iat ?? this.h.nowS(),
      ...(o.jti !== undefined ? { jti: o.jti } : {}),
    });
  }

  /** POST /v1/device/sessions; answers the raw response. */
  async createRaw(
    body: Record<string, unknown> = {},
    proof?: string,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    if (this.nonce === "") await this.config();
    return this.h.fetch("/v1/device/sessions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ds-proof": proof ?? await this.proof("/v1/device/sessions"),
        ...headers,
      },
      body: JSON.stringify({
        client_id: this.clientId,
        key_assurance: "ephemeral",
        key_event: "created",
        ...body,
      }),
    });
  }

  /** Creates a session (201 expected) and remembers it. */
  async createSession(body: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const r = await this.createRaw(body);
    const json = await r.json() as Record<string, unknown>;
    if (r.status !== 201) throw new Error(`create ${r.status} ${JSON.stringify(json)}`);
    this.sessionId = json.session_id as string;
    this.deviceId = json.device_id as string;
    this.sessionToken = json.session_token as string;
    this.nonce = json.nonce as string;
    return json;
  }

  async refreshRaw(o: { proof?: string; sessionId?: string } = {}): Promise<Response> {
    const sid = o.sessionId ?? this.sessionId;
    const path = `/v1/device/sessions/${sid}/refresh`;
    return this.h.fetch(path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ds-proof": o.proof ?? await this.proof(path),
      },
      body: "{}",
    });
  }

  /** POST /v1/device/telemetry with `events`. */
  telemetry(
    events: unknown[],
    o: {
      dropped?: number;
      token?: string;
      contentType?: string;
      sessionId?: string;
      clientId?: string;
    } = {},
  ): Promise<Response> {
    return this.h.fetch("/v1/device/telemetry", {
      method: "POST",
      headers: { "content-type": o.contentType ?? "application/json" },
      body: JSON.stringify({
        ver: 1,
        client_id: o.clientId ?? this.clientId,
        session_id: o.sessionId ?? this.sessionId,
        session_token: o.token ?? this.sessionToken,
        events,
        dropped: { total: o.dropped ?? 0, by_priority: {} },
        sent_at_ms: Date.now(),
      }),
    });
  }

  /** A secure session token bound to `action`. */
  async secure(
    action: string,
    o: { expirationSeconds?: number; iat?: number; key?: DeviceKeyPair } = {},
  ): Promise<string> {
    const { mintSecureSessionToken } = await import("../../../adapters/crypto/mint.ts");
    const { deviceSigner } = await import("../../../adapters/crypto/keys.ts");
    return mintSecureSessionToken(deviceSigner(o.key ?? this.key), {
      sessionToken: this.sessionToken,
      action,
      iat: o.iat ?? this.h.nowS(),
      ...(o.expirationSeconds !== undefined ? { expirationSeconds: o.expirationSeconds } : {}),
    });
  }
}

/** An event of type `type` at `seq`. */
export function ev(
  seq: number,
  type: string,
  data: Record<string, unknown> = {},
): Record<string, unknown> {
  return { seq, time_ms: Date.now(), type, data };
}

/** A backend of client `clientId` holding an access token. */
export class Backend {
  readonly h: Harness;
  token = "";
  private constructor(h: Harness) {
    this.h = h;
  }
  static async create(
    h: Harness,
    clientId = "a",
    secret = clientId === "a" ? SECRET_A : SECRET_B,
  ): Promise<Backend> {
    const b = new Backend(h);
    const r = await h.fetch("/v1/oauth/token", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${clientId}:${secret}`)}`,
      },
      body: "grant_type=client_credentials",
    });
    const json = await r.json() as { access_token: string };
    if (r.status !== 200) throw new Error(`token ${r.status} ${JSON.stringify(json)}`);
    b.token = json.access_token;
    return b;
  }
  /** A backend API call with the bearer token. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.h.fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === "string" ? body : JSON.stringify(body) }
        : {}),
    });
  }
  async trigger(
    body: Record<string, unknown>,
    query = "",
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const r = await this.call("POST", `/v1/backend/actions${query}`, body);
    return { status: r.status, json: await r.json() as Record<string, unknown> };
  }
  async recommendation(
    actionToken: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const r = await this.call(
      "GET",
      `/v1/backend/recommendation?action_token=${encodeURIComponent(actionToken)}`,
    );
    return { status: r.status, json: await r.json() as Record<string, unknown> };
  }
}

/** Reads a response as `{ status, json }`, also for error bodies. */
export async function read(
  r: Response,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const text = await r.text();
  return { status: r.status, json: text === "" ? {} : JSON.parse(text), headers: r.headers };
}
