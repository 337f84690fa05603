/**
 * `createService`: the device-session service as a web-standard `fetch(Request) → Response`
 * handler (SPEC §6, §7). Runtime-neutral: the `serve` helpers bind it to `Deno.serve`,
 * `Bun.serve` or Node's `http`; tests and edge platforms call `fetch` directly.
 *
 * @module
 */
import { type Alg, errorFromCode } from "../../core/mod.ts";
import type { TokenSigner } from "../crypto/types.ts";
import { maxServiceTokenLifetime } from "../../core/service/limits.ts";
import type { VerifyCrypto } from "../crypto/types.ts";
import { webCrypto } from "../crypto/webcrypto.ts";
import { MemoryStore } from "../store/memory.ts";
import type { Store } from "../store/types.ts";
import { ClientRegistry } from "./clients.ts";
import { type ConnectionInfo, type Deps, rateLimit, type Req } from "./context.ts";
import { withHeaders } from "./http/cors.ts";
import { LIGHT, real } from "./http/answer.ts";
import { deviceCors, errorHeaders, newReq, preflight } from "./http/request.ts";
import { jsonLogger, type Logger, requestEntry } from "./http/log.ts";
import { asServiceError, errorResponse } from "./http/respond.ts";
import { BodyAborted } from "./http/body.ts";
import { KeyManager, type KeyringState, type SharedKeyring } from "./keys.ts";
import { NonceIssuer } from "./nonce.ts";
import { resolveOptions, type ServiceOptions } from "./options.ts";
import { buildApp, RouteError } from "./routes.ts";
import { ServiceTokens } from "./tokens.ts";
import { testClock as makeTestClock } from "./test-control.ts";
import { operatorParts } from "./console/parts.ts";
import { scrape } from "./metrics/mount.ts";

export type { ConnectionInfo } from "./context.ts";

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
  /**
   * A persisted keyring to resume, and where to persist changes (the CLI's key file); or a
   * keyring shared by every instance (in the Redis store), read again every `refreshS`.
   */
  readonly keyring?: {
    readonly state?: KeyringState | null;
    readonly persist?: (state: KeyringState) => Promise<void>;
    readonly shared?: SharedKeyring;
    readonly refreshS?: number;
  };
  /**
   * Serve the test-control extension (SPEC Appendix A: move the clock, rotate the key, read a
   * session's facts) and advertise it in discovery. Test mode only: never in production.
   */
  readonly testControl?: boolean;
  /** Whether the store answers now, for `/readyz` (default: always). */
  readonly ready?: () => Promise<boolean>;
}

/** A running service. */
export interface Service {
  /** Handles one request; never rejects (every failure is a typed error response). */
  fetch(request: Request, info?: ConnectionInfo): Promise<Response>;
  /** The issuer (public URL without trailing `/`). */
  readonly issuer: string;
  /** The service clock, epoch milliseconds (moved forward by test control, SPEC Appendix A). */
  now(): number;
  /** The signing keys (rotation, JWKS). */
  readonly keys: KeyManager;
  readonly store: Store;
  /** Requests being handled now. */
  readonly inFlight: number;
  /** Resolves `true` once no request is in flight, `false` after `timeoutMs`. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Drains, then closes the store. */
  close(timeoutMs?: number): Promise<void>;
  /**
   * Answers scrapes of `/metrics` on a separate listener (`metrics.separate`, the CLI's
   * `metrics.port`); `null` when metrics are off.
   */
  readonly metricsFetch: ((request: Request) => Promise<Response>) | null;
}

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
    testControl,
    ready: givenReady,
    ...settings
  } = options;
  const opts = resolveOptions(settings);
  const testClock = testControl === true ? makeTestClock(givenNow ?? Date.now) : null;
  const nowMs = testClock?.now ?? givenNow ?? Date.now;
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
      ...(keyring?.shared ? { shared: keyring.shared } : {}),
      ...(keyring?.refreshS !== undefined ? { refreshS: keyring.refreshS } : {}),
      ...(signer ? { signer } : {}),
    }),
    NonceIssuer.create(opts.nonceSecret),
    ClientRegistry.create(opts.clients, opts.base),
  ]);
  const { observe, store: observedStore } = operatorParts(opts, store);
  const tokens = new ServiceTokens({ opts, keys, nonces, store: observedStore, crypto });
  const ready = givenReady ?? (() => Promise.resolve(true));
  const deps: Deps = {
    opts,
    store: observedStore,
    keys,
    nonces,
    tokens,
    clients,
    crypto,
    nowMs,
    testClock,
    ready,
    observe,
  };
  const app = buildApp(deps);
  observe.metrics?.useRoutes(app.routes.map((r) => r.path));
  let inFlight = 0;
  let idle: (() => void)[] = [];

  const handle = async (request: Request, req: Req): Promise<Response> => {
    const device = req.path.startsWith("/v1/device/");
    if (device && request.method === "OPTIONS") return preflight(deps, req);
    try {
      if (device && opts.rateLimits.devicePerIpPerMinute > 0) {
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
      if (thrown instanceof BodyAborted) {
        // The client left mid-body: nobody reads this answer; the request log says "aborted".
        req.aborted = true;
        req.code = "ERR_INVALID_BODY";
        return errorResponse(errorFromCode("ERR_INVALID_BODY", thrown.message), req.now);
      }
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
    now: nowMs,
    keys,
    store,
    metricsFetch: observe.metrics === null ? null : (request) => scrape(deps, request).then(real),
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
      await observe.request(req, request.method, res.status, (performance.now() - started) / 1000);
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
          ...(req.aborted === true ? { aborted: true } : {}),
        }, nowMs()));
      }
      // Only the Node adapter writes light answers itself (./http/answer.ts).
      return (info as { [LIGHT]?: boolean })[LIGHT] === true ? res : real(res);
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
