/**
 * `createService`: the device-session service as a web-standard `fetch(Request) → Response`
 * handler (SPEC §6, §7). Runtime-neutral: the `serve` helpers bind it to `Deno.serve`,
 * `Bun.serve` or Node's `http`; tests and edge platforms call `fetch` directly.
 *
 * @module
 */
import { type Alg, type DeviceSessionError, errorFromCode } from "../../core/mod.ts";
import type { TokenSigner } from "../crypto/types.ts";
import { maxServiceTokenLifetime } from "../../core/service/limits.ts";
import { newId } from "./ids.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import { webCrypto } from "../crypto/webcrypto.ts";
import { MemoryStore } from "../store/memory.ts";
import type { Store } from "../store/types.ts";
import { ClientRegistry } from "./clients.ts";
import { type Deps, rateLimit, type Req } from "./context.ts";
import { clientIp } from "./http/client-ip.ts";
import { corsHeaders, preflightHeaders, withHeaders } from "./http/cors.ts";
import { jsonLogger, type Logger, requestEntry } from "./http/log.ts";
import { asServiceError, errorResponse } from "./http/respond.ts";
import { KeyManager, type KeyringState } from "./keys.ts";
import { NonceIssuer } from "./nonce.ts";
import { resolveOptions, type ServiceOptions } from "./options.ts";
import { buildApp, RouteError } from "./routes.ts";
import { ServiceTokens } from "./tokens.ts";

/** Options of {@link createService}: the service's settings plus its runtime parts. */
export interface CreateServiceOptions extends ServiceOptions {
  /** The store (default: a new {@link MemoryStore}). */
  readonly store?: Store;
  /** Crypto for verification (default WebCrypto; on Node `nodeCrypto` is faster). */
  readonly crypto?: VerifyCrypto;
  /** The clock, epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Where request logs go (default: JSON lines on stdout; `null`: off). */
  readonly log?: Logger | null;
  /**
   * Builds a signer from a private JWK, for service keys (default: WebCrypto). On Node and Bun,
   * `(jwk, alg) => nodeSigner(alg, jwk)` signs several times faster.
   */
  readonly signer?: (privateJwk: JsonWebKey, alg: Alg) => TokenSigner;
  /** A persisted keyring to resume, and where to persist changes (the CLI's key file). */
  readonly keyring?: {
    readonly state?: KeyringState | null;
    readonly persist?: (state: KeyringState) => Promise<void>;
  };
}

/** Facts about the connection a request came on, from the `serve` helper. */
export interface ConnectionInfo {
  /** The peer's IP address. */
  readonly remoteAddr?: string | null;
}

/** A running service. */
export interface Service {
  /** Handles one request; never rejects (every failure is a typed error response). */
  fetch(request: Request, info?: ConnectionInfo): Promise<Response>;
  /** The issuer (public URL without trailing `/`). */
  readonly issuer: string;
  /** The signing keys (rotation, JWKS). */
  readonly keys: KeyManager;
  readonly store: Store;
  /** Requests being handled now. */
  readonly inFlight: number;
  /** Resolves `true` once no request is in flight, `false` after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Drains, then closes the store. */
  close(timeoutMs?: number): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Creates the service.
 *
 * @example
 * ```ts
 * const service = await createService({
 *   publicUrl: "https://risk.example.com",
 *   clients: [{ id: "shop", secretSha256: "…", allowedOrigins: ["https://shop.example.com"] }],
 * });
 * Deno.serve((req, info) => service.fetch(req, { remoteAddr: info.remoteAddr.hostname }));
 * ```
 */
export async function createService(options: CreateServiceOptions): Promise<Service> {
  const {
    store: givenStore,
    crypto: givenCrypto,
    now: givenNow,
    log: givenLog,
    keyring,
    signer,
    ...settings
  } = options;
  const opts = resolveOptions(settings);
  const nowMs = givenNow ?? Date.now;
  const store = givenStore ?? new MemoryStore({ now: nowMs });
  const crypto = givenCrypto ?? webCrypto;
  const log = givenLog === undefined ? jsonLogger() : givenLog;
  const now = Math.floor(nowMs() / 1000);
  const [keys, nonces, clients] = await Promise.all([
    KeyManager.create({
      alg: opts.signingAlg,
      rotationS: opts.keyRotationS,
      maxTokenLifetimeS: maxServiceTokenLifetime(opts.limits),
      retireForS: opts.limits.sessionAbsoluteS + opts.limits.retentionS,
      now,
      ...(keyring?.state ? { state: keyring.state } : {}),
      ...(keyring?.persist ? { persist: keyring.persist } : {}),
      ...(signer ? { signer } : {}),
    }),
    NonceIssuer.create(opts.nonceSecret),
    ClientRegistry.create(opts.clients, opts.base),
  ]);
  const tokens = new ServiceTokens({ opts, keys, nonces, store, crypto });
  const deps: Deps = { opts, store, keys, nonces, tokens, clients, crypto, nowMs };
  const app = buildApp(deps);
  let inFlight = 0;
  let idle: (() => void)[] = [];

  const handle = async (request: Request, req: Req): Promise<Response> => {
    const device = req.path.startsWith("/v1/device/");
    if (device && request.method === "OPTIONS") return preflight(deps, req);
    try {
      if (device) {
        await rateLimit(
          deps,
          req,
          `device:${req.ip ?? "unknown"}`,
          opts.rateLimits.devicePerIpPerMinute,
        );
      }
      const res = await app.fetch(request, { req });
      return device ? deviceCors(deps, req, res) : res;
    } catch (e) {
      const thrown = e instanceof RouteError ? e.error : e;
      const { error, unexpected } = asServiceError(thrown);
      req.code = error.code;
      if (unexpected && log !== null) {
        log({
          time: new Date(nowMs()).toISOString(),
          level: "error",
          msg: "unexpected failure",
          request_id: req.requestId,
          path: req.path,
          error: thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown),
          stack: thrown instanceof Error
            ? thrown.stack?.split("\n").slice(1, 8).join("\n")
            : undefined,
        });
      }
      const res = errorResponse(error, req.now, errorHeaders(error, req));
      return device ? deviceCors(deps, req, res) : res;
    }
  };

  const service: Service = {
    issuer: opts.issuer,
    keys,
    store,
    get inFlight() {
      return inFlight;
    },
    async fetch(request: Request, info: ConnectionInfo = {}): Promise<Response> {
      const started = performance.now();
      inFlight++;
      const t = nowMs();
      const req = newReq(request, info, t, opts.trustProxyHops);
      let res: Response;
      try {
        keys.maintain(req.now);
        res = await handle(request, req);
      } catch (e) {
        // Only a bug in the error path itself lands here; still answer typed.
        res = errorResponse(asServiceError(e).error, req.now);
      } finally {
        if (--inFlight === 0) {
          const waiting = idle;
          idle = [];
          for (const w of waiting) w();
        }
      }
      res = withHeaders(res, { "x-request-id": req.requestId });
      if (log !== null) {
        log(requestEntry({
          method: request.method,
          path: req.path,
          status: res.status,
          durationMs: performance.now() - started,
          requestId: req.requestId,
          ip: req.ip,
          ...(req.code !== undefined ? { code: req.code } : {}),
          ...(req.clientId !== undefined ? { clientId: req.clientId } : {}),
        }, nowMs()));
      }
      return res;
    },
    drain(timeoutMs = 10_000): Promise<boolean> {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idle.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close(timeoutMs?: number): Promise<void> {
      await service.drain(timeoutMs);
      await keys.settled();
      await store.close();
    },
  };
  return service;
}

function newReq(request: Request, info: ConnectionInfo, t: number, hops: number): Req {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    url = new URL("http://invalid/");
  }
  const given = request.headers.get("x-request-id");
  return {
    raw: request,
    path: url.pathname,
    query: url.searchParams,
    id: undefined,
    ip: clientIp(request, info.remoteAddr ?? null, hops),
    origin: request.headers.get("origin"),
    nowMs: t,
    now: Math.floor(t / 1000),
    clientId: undefined,
    code: undefined,
    requestId: given !== null && REQUEST_ID.test(given) ? given : newId("req_"),
  };
}

function preflight(d: Deps, r: Req): Response {
  if (r.origin !== null && d.clients.originAllowedByAny(r.origin)) {
    return new Response(null, { status: 204, headers: preflightHeaders(r.origin) });
  }
  r.code = "ERR_FORBIDDEN";
  return errorResponse(errorFromCode("ERR_FORBIDDEN", "this origin is not allowed"), r.now);
}

function deviceCors(d: Deps, r: Req, res: Response): Response {
  if (r.origin === null) return res;
  const client = r.clientId === undefined ? undefined : d.clients.get(r.clientId);
  const allowed = client !== undefined
    ? d.clients.originAllowed(client, r.origin)
    : d.clients.originAllowedByAny(r.origin);
  return allowed ? withHeaders(res, corsHeaders(r.origin)) : res;
}

function errorHeaders(error: DeviceSessionError, r: Req): Record<string, string> {
  const h: Record<string, string> = {};
  const details = error.details ?? {};
  if (error.code === "ERR_RATE_LIMITED" && typeof details.retry_after_s === "number") {
    h["retry-after"] = String(details.retry_after_s);
  }
  if (error.code === "ERR_NONCE_INVALID" && typeof details.nonce === "string") {
    h["ds-nonce"] = details.nonce;
  }
  if (error.code === "ERR_METHOD_NOT_ALLOWED" && Array.isArray(details.allow)) {
    h.allow = details.allow.join(", ");
  }
  if (error.code === "ERR_UNAUTHENTICATED") {
    h["www-authenticate"] = r.path === "/v1/oauth/token"
      ? 'Basic realm="device-session"'
      : 'Bearer realm="device-session"';
  }
  return h;
}
