/**
 * The service's options (programmatic, camelCase), validated once with valibot: any problem is
 * one `ERR_CONFIG` error naming the offending member. Defaults and bounds of SPEC §12.
 *
 * @module
 */
import * as v from "valibot";
import { type Alg, errorFromCode } from "../../core/mod.ts";
import {
  DEFAULT_LIMITS,
  limitProblems,
  maxServiceTokenLifetime,
  type ServiceLimits,
} from "../../core/service/limits.ts";
import {
  DEFAULT_POLICY,
  type RiskPolicy,
  type ScoreBands,
  type SignalReason,
  type SignalThresholds,
} from "../../core/service/signals.ts";
import { MAX_CLOCK_TOLERANCE } from "../../core/token/time.ts";
import { normalizeBase, OptionsSchema } from "./options-schema.ts";
import { describeIssues, issueText } from "../../core/wire/issues.ts";
import type { ConsoleOptions, MetricsOptions } from "./metrics/options.ts";

export { normalizeBase, normalizeOrigin } from "./options-schema.ts";

/** One backend client (an app) of the service. */
export interface ClientOptions {
  /** Client id (SPEC §1.7). */
  readonly id: string;
  /** SHA-256 of the client secret, base64url (43 chars) or hex (64 chars). Preferred. */
  readonly secretSha256?: string;
  /** The client secret itself: hashed at start, never kept. Use `secretSha256` in files. */
  readonly secret?: string;
  /** Browser origins allowed to call the device API (`*`: any). Default: none. */
  readonly allowedOrigins?: readonly string[];
}

/** Requests per window per key; `limit: 0` disables that limit. */
export interface RateLimitOptions {
  /** Device API requests per client IP per minute (default 6000). */
  readonly devicePerIpPerMinute?: number;
  /** Token endpoint requests per client IP per minute (default 60: slows secret guessing). */
  readonly tokenPerIpPerMinute?: number;
  /**
   * Device proofs (session create and refresh) per client IP per minute (default 600): proofs
   * arrive before any authentication and fill their own replay table (SPEC §5.7.5).
   */
  readonly proofPerIpPerMinute?: number;
  /** Backend API requests per client per minute (default 60000). */
  readonly backendPerClientPerMinute?: number;
}

/** Scoring policy overrides (SPEC §10.3: thresholds and weights are configurable). */
export interface PolicyOptions {
  readonly weights?: Partial<Record<SignalReason, number>>;
  readonly thresholds?: Partial<SignalThresholds>;
  readonly bands?: Partial<ScoreBands>;
}

/** Options of `createService`. */
export interface ServiceOptions {
  /**
   * The public base URL devices and backends use (e.g. `https://risk.example.com`). It is the
   * issuer (without trailing `/`) and the base of proof `htu`s (SPEC §5.2.1): the service never
   * trusts a `Host` header instead.
   */
  readonly publicUrl: string;
  readonly clients: readonly ClientOptions[];
  readonly limits?: Partial<ServiceLimits>;
  readonly policy?: PolicyOptions;
  /** Service signing algorithm (default `EdDSA`). */
  readonly signingAlg?: Alg;
  /** Device key algorithms accepted (default both). */
  readonly deviceAlgorithms?: readonly Alg[];
  /** Rotate the signing key this often, seconds (0: never; default 0). */
  readonly keyRotationS?: number;
  /** Requests per window; `false` disables rate limiting. */
  readonly rateLimits?: RateLimitOptions | false;
  /** Number of trusted reverse proxies adding `X-Forwarded-For` (default 0: use the socket). */
  readonly trustProxyHops?: number;
  /** Secret of the HMAC proof nonces; share it between processes (default: random). */
  readonly nonceSecret?: string;
  /** `GET /metrics` (Prometheus), off unless set (docs/operations.md). */
  readonly metrics?: MetricsOptions;
  /** The operator console at `/console/`, off unless set (docs/operations.md). */
  readonly console?: ConsoleOptions;
}

/** Resolved rate limits (0: off). */
export interface RateLimits {
  readonly devicePerIpPerMinute: number;
  readonly tokenPerIpPerMinute: number;
  readonly proofPerIpPerMinute: number;
  readonly backendPerClientPerMinute: number;
}

/** A client as the service keeps it: the secret only as its SHA-256. */
export interface ClientEntry {
  readonly id: string;
  readonly secretSha256: Uint8Array;
  /** Normalized origins; `*` allows any. */
  readonly allowedOrigins: ReadonlySet<string>;
}

/** Validated options with every default applied (secrets not yet hashed). */
export interface ResolvedOptions {
  /** Issuer: the public URL without trailing `/`. */
  readonly issuer: string;
  /** The public URL with a trailing `/`, the base of every path. */
  readonly base: string;
  readonly clients: readonly ClientOptions[];
  readonly limits: ServiceLimits;
  readonly policy: RiskPolicy;
  readonly signingAlg: Alg;
  readonly deviceAlgorithms: readonly Alg[];
  readonly keyRotationS: number;
  readonly rateLimits: RateLimits;
  readonly trustProxyHops: number;
  readonly nonceSecret: string | null;
  readonly metrics: MetricsOptions | null;
  readonly console: ConsoleOptions | null;
}

/**
 * Validates `options` and applies defaults; `ERR_CONFIG` with the first problems otherwise.
 *
 * @example
 * ```ts
 * declare const secret: string;
 * const o = resolveOptions({ publicUrl: "http://localhost:8787", clients: [{ id: "demo", secret }] });
 * o.limits.tokenLifetimeS; // 900
 * ```
 */
export function resolveOptions(options: ServiceOptions): ResolvedOptions {
  const r = v.safeParse(OptionsSchema, options);
  if (!r.success) {
    const issues = r.issues.slice(0, 3).map(issueText);
    throw errorFromCode("ERR_CONFIG", `invalid service options: ${describeIssues(r.issues)}`, {
      details: { issues },
    });
  }
  const o = r.output;
  const base = normalizeBase(o.publicUrl)!;
  const ids = new Set<string>();
  for (const c of o.clients) {
    if (ids.has(c.id)) throw errorFromCode("ERR_CONFIG", `duplicate client id ${c.id}`);
    ids.add(c.id);
  }
  const limits = { ...DEFAULT_LIMITS, ...(o.limits as Partial<ServiceLimits> | undefined) };
  const problems = limitProblems(limits);
  if (problems.length) throw errorFromCode("ERR_CONFIG", `invalid limits: ${problems.join("; ")}`);
  const rotation = o.keyRotationS ?? 0;
  const minRotation = maxServiceTokenLifetime(limits) + MAX_CLOCK_TOLERANCE;
  if (rotation !== 0 && rotation < minRotation) {
    // SPEC §3.6: the previous key stays published until its tokens expired; at most two keys.
    throw errorFromCode(
      "ERR_CONFIG",
      `keyRotationS must be 0 or at least ${minRotation} (longest token lifetime + 300 s)`,
    );
  }
  const p = o.policy ?? {};
  const policy: RiskPolicy = {
    base: DEFAULT_POLICY.base,
    weights: { ...DEFAULT_POLICY.weights, ...(p.weights as Partial<Record<SignalReason, number>>) },
    thresholds: { ...DEFAULT_POLICY.thresholds, ...p.thresholds },
    bands: { ...DEFAULT_POLICY.bands, ...p.bands },
  };
  if (
    !(policy.bands.trust < policy.bands.challenge && policy.bands.challenge <= policy.bands.deny)
  ) {
    throw errorFromCode("ERR_CONFIG", "policy bands must satisfy trust < challenge <= deny");
  }
  const rl = o.rateLimits === false
    ? {
      devicePerIpPerMinute: 0,
      tokenPerIpPerMinute: 0,
      proofPerIpPerMinute: 0,
      backendPerClientPerMinute: 0,
    }
    : {
      devicePerIpPerMinute: o.rateLimits?.devicePerIpPerMinute ?? 6000,
      tokenPerIpPerMinute: o.rateLimits?.tokenPerIpPerMinute ?? 60,
      proofPerIpPerMinute: o.rateLimits?.proofPerIpPerMinute ?? 600,
      backendPerClientPerMinute: o.rateLimits?.backendPerClientPerMinute ?? 60000,
    };
  return {
    issuer: base.slice(0, -1),
    base,
    clients: o.clients,
    limits,
    policy,
    signingAlg: o.signingAlg ?? "EdDSA",
    deviceAlgorithms: o.deviceAlgorithms ?? ["EdDSA", "ES256"],
    keyRotationS: rotation,
    rateLimits: rl,
    trustProxyHops: o.trustProxyHops ?? 0,
    nonceSecret: o.nonceSecret ?? null,
    metrics: o.metrics ?? null,
    console: consoleOptions(o.console, ids),
  };
}

function consoleOptions(
  c: ConsoleOptions | undefined,
  clientIds: ReadonlySet<string>,
): ConsoleOptions | null {
  if (c === undefined) return null;
  const seen = new Set<string>();
  for (const op of c.operators ?? []) {
    if (!clientIds.has(op.clientId)) {
      throw errorFromCode("ERR_CONFIG", `console operator ${op.id}: no client ${op.clientId}`);
    }
    if (seen.has(op.id)) throw errorFromCode("ERR_CONFIG", `duplicate console operator ${op.id}`);
    seen.add(op.id);
  }
  return c;
}
