/**
 * The service's lifetimes and limits (SPEC §12) with their bounds, and the rate-limit decision.
 * Pure data and arithmetic: the adapters validate configuration against these bounds.
 *
 * @module
 */

/** Lifetimes and limits of one service (SPEC §12). Times in seconds unless named `_ms`. */
export interface ServiceLimits {
  /** Session token lifetime (default 900, 60–3600). */
  readonly tokenLifetimeS: number;
  /** Largest secure-token lifetime a device may mint (default 3600, 1–3600). */
  readonly secureTokenMaxS: number;
  /** Action token lifetime (default 3600, 60–86400). */
  readonly actionTokenLifetimeS: number;
  /** Access token lifetime (default 3600, 60–86400). */
  readonly accessTokenLifetimeS: number;
  /** Absolute session lifetime (default 86400, 300–2592000). */
  readonly sessionAbsoluteS: number;
  /** Idle session lifetime (default 1800, 60–`sessionAbsoluteS`). */
  readonly sessionIdleS: number;
  /** How long telemetry is accepted after a session ended (default 86400, 0–604800). */
  readonly retentionS: number;
  /** How long a device record (key, users seen) outlives its last session (default 30 days). */
  readonly deviceRetentionS: number;
  /** Verifier clock tolerance (default 30, 0–300). */
  readonly clockToleranceS: number;
  /** Largest request body of the device and backend APIs (SPEC §12: 65536). */
  readonly maxBodyBytes: number;
}

/** A bounded integer setting: default and inclusive bounds. */
export interface Bound {
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Default and bounds of every {@link ServiceLimits} member (SPEC §12).
 *
 * @example
 * ```ts
 * LIMIT_BOUNDS.tokenLifetimeS; // { default: 900, min: 60, max: 3600 }
 * ```
 */
export const LIMIT_BOUNDS: { readonly [K in keyof ServiceLimits]: Bound } = {
  tokenLifetimeS: { default: 900, min: 60, max: 3600 },
  secureTokenMaxS: { default: 3600, min: 1, max: 3600 },
  actionTokenLifetimeS: { default: 3600, min: 60, max: 86400 },
  accessTokenLifetimeS: { default: 3600, min: 60, max: 86400 },
  sessionAbsoluteS: { default: 86400, min: 300, max: 2592000 },
  sessionIdleS: { default: 1800, min: 60, max: 2592000 },
  retentionS: { default: 86400, min: 0, max: 604800 },
  deviceRetentionS: { default: 2592000, min: 86400, max: 31536000 },
  clockToleranceS: { default: 30, min: 0, max: 300 },
  maxBodyBytes: { default: 65536, min: 1024, max: 65536 },
};

/**
 * The defaults of SPEC §12.
 *
 * @example
 * ```ts
 * DEFAULT_LIMITS.sessionIdleS; // 1800
 * ```
 */
export const DEFAULT_LIMITS: ServiceLimits = Object.fromEntries(
  Object.entries(LIMIT_BOUNDS).map(([k, b]) => [k, b.default]),
) as unknown as ServiceLimits;

/** Telemetry batch limits (SPEC §8.3, §12). */
export const BATCH_LIMITS: {
  readonly maxEvents: number;
  readonly maxBatchBytes: number;
  readonly maxEventDataBytes: number;
} = { maxEvents: 100, maxBatchBytes: 61440, maxEventDataBytes: 4096 };

/** Nonce validity (SPEC §6.1), seconds. */
export const NONCE_VALIDITY_S = 300;

/** JWKS `Cache-Control: max-age` (SPEC §3.7, §12), seconds. */
export const JWKS_MAX_AGE_S = 300;

/**
 * Problems of a limits object against {@link LIMIT_BOUNDS} and the cross-field rules (idle ≤
 * absolute); empty when valid.
 *
 * @example
 * ```ts
 * limitProblems({ ...DEFAULT_LIMITS, tokenLifetimeS: 10 }); // ["tokenLifetimeS must be …"]
 * ```
 */
export function limitProblems(limits: ServiceLimits): string[] {
  const problems: string[] = [];
  for (const [name, b] of Object.entries(LIMIT_BOUNDS) as [keyof ServiceLimits, Bound][]) {
    const value = limits[name];
    if (!Number.isInteger(value) || value < b.min || value > b.max) {
      problems.push(`${name} must be an integer in ${b.min}..${b.max} (got ${value})`);
    }
  }
  if (limits.sessionIdleS > limits.sessionAbsoluteS) {
    problems.push("sessionIdleS must not exceed sessionAbsoluteS");
  }
  return problems;
}

/** The longest lifetime of any token the service signs (for key rotation, SPEC §3.6). */
export function maxServiceTokenLifetime(limits: ServiceLimits): number {
  return Math.max(limits.tokenLifetimeS, limits.actionTokenLifetimeS, limits.accessTokenLifetimeS);
}

/** A fixed-window rate limit: at most `limit` requests per `windowS`. */
export interface RateLimit {
  readonly limit: number;
  readonly windowS: number;
}

/** The outcome of {@link rateDecision}. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterS: number };

/**
 * Whether the `count`-th request of a window ending at `resetAtMs` is allowed; when it is not,
 * the whole seconds until the window resets (at least 1) for `Retry-After`.
 *
 * @example
 * ```ts
 * rateDecision({ count: 11, resetAtMs: 61_000, nowMs: 30_500 }, { limit: 10, windowS: 60 });
 * // { allowed: false, retryAfterS: 31 }
 * ```
 */
export function rateDecision(
  hit: { readonly count: number; readonly resetAtMs: number; readonly nowMs: number },
  rule: RateLimit,
): RateDecision {
  if (hit.count <= rule.limit) return { allowed: true };
  return {
    allowed: false,
    retryAfterS: Math.max(1, Math.ceil((hit.resetAtMs - hit.nowMs) / 1000)),
  };
}
