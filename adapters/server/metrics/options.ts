/**
 * Options of the operator extensions (docs/operations.md): the Prometheus endpoint and the
 * console. Both are off unless configured, and neither is ever open without a credential.
 *
 * @module
 */
import * as v from "valibot";
import { ClientId } from "../../../core/mod.ts";

/** `metrics`: `GET /metrics` in the Prometheus text format. */
export interface MetricsOptions {
  /**
   * SHA-256 (base64url or hex) of the bearer token scrapers send (`Authorization: Bearer …`).
   * Required unless `separate` is set.
   */
  readonly tokenSha256?: string;
  /**
   * Serve the metrics only on `service.metricsFetch` (bound by the CLI to `metrics.port`, a
   * port that stays inside the network), never on the public handler.
   */
  readonly separate?: boolean;
}

/** One operator credential of the console: a bearer token scoped to one client. */
export interface OperatorOptions {
  /** Who this is, for the audit trail (e.g. `alice`). */
  readonly id: string;
  /** The one client whose data this operator sees. */
  readonly clientId: string;
  /** SHA-256 (base64url or hex) of the operator's bearer token. */
  readonly tokenSha256: string;
}

/** `console`: the operator page at `/console/` and its API at `/console/api/*`. */
export interface ConsoleOptions {
  /** Operator credentials (default none). */
  readonly operators?: readonly OperatorOptions[];
  /** Whether a client's backend access token (SPEC §7.1) opens its console (default true). */
  readonly backendTokens?: boolean;
  /** Decisions kept per client (default 500). */
  readonly recentDecisions?: number;
  /** How long audit entries are kept, seconds (default 90 days). */
  readonly auditRetentionS?: number;
}

const int = (min: number, max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const Sha256 = v.pipe(
  v.string(),
  v.regex(/^([A-Za-z0-9_-]{43}|[0-9a-fA-F]{64})$/, "a SHA-256 in base64url or hex"),
);

/** Schema of {@link MetricsOptions}. */
export const MetricsSchema = v.pipe(
  v.strictObject({ tokenSha256: v.optional(Sha256), separate: v.optional(v.boolean()) }),
  v.check(
    (m) => m.tokenSha256 !== undefined || m.separate === true,
    "a tokenSha256, or separate: true (never an open /metrics on the public port)",
  ),
);

/** Schema of {@link ConsoleOptions}. */
export const ConsoleSchema = v.strictObject({
  operators: v.optional(v.array(v.strictObject({
    id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._@-]{1,64}$/, "1–64 of A-Z a-z 0-9 . _ @ -")),
    clientId: ClientId,
    tokenSha256: Sha256,
  }))),
  backendTokens: v.optional(v.boolean()),
  recentDecisions: v.optional(int(1, 10_000)),
  auditRetentionS: v.optional(int(3600, 3 * 365 * 86_400)),
});
