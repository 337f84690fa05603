/**
 * What every handler receives: the service's parts (deps) and the facts of one request.
 *
 * @module
 */
import type { VerifyCrypto } from "../crypto/types.ts";
import type { Store } from "../store/types.ts";
import type { ClientRegistry } from "./clients.ts";
import type { KeyManager } from "./keys.ts";
import type { NonceIssuer } from "./nonce.ts";
import type { ResolvedOptions } from "./options.ts";
import type { ServiceTokens } from "./tokens.ts";
import type { TestClock } from "./test-control.ts";
import type { Observer } from "./metrics/observer.ts";
import { errorFromCode } from "../../core/mod.ts";
import { rateDecision } from "../../core/service/limits.ts";

/** Facts about the connection a request came on, from the `serve` helper. */
export interface ConnectionInfo {
  /** The peer's IP address. */
  readonly remoteAddr?: string | null;
}

/** The service's parts, shared by every request. */
export interface Deps {
  readonly opts: ResolvedOptions;
  readonly store: Store;
  readonly keys: KeyManager;
  readonly nonces: NonceIssuer;
  readonly tokens: ServiceTokens;
  readonly clients: ClientRegistry;
  readonly crypto: VerifyCrypto;
  /** The clock, epoch milliseconds. */
  readonly nowMs: () => number;
  /** The movable clock of the test-control extension (SPEC Appendix A), or `null`: off. */
  readonly testClock: TestClock | null;
  /** Whether the store answers now (`/readyz`). */
  readonly ready: () => Promise<boolean>;
  /** Metrics and console counters (docs/operations.md); each part `null` when off. */
  readonly observe: Observer;
}

/** One request, as handlers see it. */
export interface Req {
  readonly raw: Request;
  /** The path (no query). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Route parameter `id`, when the route has one. */
  id: string | undefined;
  /** The end user's IP (socket or trusted proxy), normalized; `null` when unknown. */
  readonly ip: string | null;
  /** The `Origin` header, when a browser sent one. */
  readonly origin: string | null;
  /** Request time, epoch milliseconds and seconds. */
  readonly nowMs: number;
  readonly now: number;
  /** The client the request turned out to belong to (for logs and CORS). */
  clientId: string | undefined;
  /** The error code answered, if any (for logs). */
  code: string | undefined;
  /** The client went away before its body arrived whole (logged as an aborted request). */
  aborted?: boolean;
  /** Request id (the caller's `X-Request-Id` when sane, else generated). */
  readonly requestId: string;
}

/**
 * Counts a request against a fixed-window limit of `limit` per minute under `key` (0: off);
 * `ERR_RATE_LIMITED` with `retry_after_s` (the `Retry-After` header) beyond it.
 *
 * @example
 * ```ts
 * declare const deps: Deps;
 * declare const req: Req;
 * await rateLimit(deps, req, `token:${req.ip}`, deps.opts.rateLimits.tokenPerIpPerMinute);
 * ```
 */
export async function rateLimit(d: Deps, r: Req, key: string, limit: number): Promise<void> {
  if (limit === 0) return;
  const hit = await d.store.incrWindow(`ds:rl:${key}`, r.nowMs, 60_000);
  const decision = rateDecision(
    { count: hit.count, resetAtMs: hit.resetAtMs, nowMs: r.nowMs },
    { limit, windowS: 60 },
  );
  if (!decision.allowed) {
    throw errorFromCode("ERR_RATE_LIMITED", "too many requests", {
      details: { retry_after_s: decision.retryAfterS },
    });
  }
}
