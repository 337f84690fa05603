/**
 * The valibot schema of `ServiceOptions` (every member, with SPEC §12 bounds) and the URL forms
 * the options use (public base URL, browser origins).
 *
 * @module
 */
import * as v from "valibot";
import { AlgSchema, ClientId } from "../../core/mod.ts";
import { LIMIT_BOUNDS } from "../../core/service/limits.ts";
import { DEFAULT_POLICY } from "../../core/service/signals.ts";
import { ConsoleSchema, MetricsSchema } from "./metrics/options.ts";

/**
 * `scheme://host[:port]` in normal form, or `null` when `text` is not an origin.
 *
 * @example
 * ```ts
 * normalizeOrigin("HTTPS://App.Example.com:443"); // "https://app.example.com"
 * ```
 */
export function normalizeOrigin(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return null;
  if (u.username || u.password || u.search || u.hash || (u.pathname !== "/" && u.pathname !== "")) {
    return null;
  }
  if (/[/?#]./.test(text.replace(/^[a-z]+:\/\//i, ""))) return null;
  return u.origin;
}

/** The public URL as a base ending in `/`, or `null` (no query, fragment or credentials). */
export function normalizeBase(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  if (
    (u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password || u.search ||
    u.hash
  ) {
    return null;
  }
  return `${u.origin}${u.pathname.endsWith("/") ? u.pathname : `${u.pathname}/`}`;
}

const int = (min: number, max: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
/** A browser origin in `allowed_origins`, or `*`. */
export const Origin = v.pipe(
  v.string(),
  v.check(
    (o) => o === "*" || normalizeOrigin(o) !== null,
    "an origin like https://app.example.com or *",
  ),
);
/** A client secret's SHA-256 (what `device-session hash-secret` prints). */
export const SecretHash = v.pipe(
  v.string(),
  v.regex(/^([A-Za-z0-9_-]{43}|[0-9a-fA-F]{64})$/, "a SHA-256 in base64url or hex"),
);

/** A client secret (also what `device-session hash-secret` accepts). */
export const ClientSecret = v.pipe(
  v.string(),
  v.minLength(16, "a secret of at least 16 characters"),
  v.maxLength(512, "a secret of at most 512 characters"),
);

const ClientSchema = v.pipe(
  v.strictObject({
    id: ClientId,
    secretSha256: v.optional(SecretHash),
    secret: v.optional(ClientSecret),
    allowedOrigins: v.optional(v.array(Origin)),
  }),
  v.check(
    (c) => (c.secret === undefined) !== (c.secretSha256 === undefined),
    "exactly one of `secret`, `secretSha256`",
  ),
);

const limitEntries = Object.fromEntries(
  Object.entries(LIMIT_BOUNDS).map(([k, b]) => [k, v.optional(int(b.min, b.max))]),
);
const weightEntries = Object.fromEntries(
  Object.keys(DEFAULT_POLICY.weights).map((k) => [k, v.optional(int(-100, 100))]),
);

/** Schema of `ServiceOptions`: unknown members are errors (a typo must not pass silently). */
export const OptionsSchema = v.strictObject({
  publicUrl: v.pipe(
    v.string(),
    v.check((u) => normalizeBase(u) !== null, "an absolute http(s) URL without query or fragment"),
  ),
  clients: v.pipe(v.array(ClientSchema), v.minLength(1, "at least one client")),
  limits: v.optional(v.strictObject(limitEntries)),
  policy: v.optional(v.strictObject({
    weights: v.optional(v.strictObject(weightEntries)),
    thresholds: v.optional(v.strictObject({
      velocityDevice: v.optional(int(0, 1_000_000)),
      velocityIp: v.optional(int(0, 1_000_000)),
      usersPerDevice: v.optional(int(0, 1_000_000)),
      devicesPerUser: v.optional(int(0, 1_000_000)),
    })),
    bands: v.optional(v.strictObject({
      deny: v.optional(int(0, 100)),
      challenge: v.optional(int(0, 100)),
      trust: v.optional(int(0, 100)),
    })),
  })),
  signingAlg: v.optional(AlgSchema),
  deviceAlgorithms: v.optional(v.pipe(v.array(AlgSchema), v.minLength(1))),
  keyRotationS: v.optional(int(0, 31_536_000)),
  rateLimits: v.optional(v.union([
    v.literal(false),
    v.strictObject({
      devicePerIpPerMinute: v.optional(int(0, 10_000_000)),
      tokenPerIpPerMinute: v.optional(int(0, 10_000_000)),
      proofPerIpPerMinute: v.optional(int(0, 10_000_000)),
      backendPerClientPerMinute: v.optional(int(0, 10_000_000)),
    }),
  ])),
  trustProxyHops: v.optional(int(0, 10)),
  nonceSecret: v.optional(v.pipe(v.string(), v.minLength(16), v.maxLength(512))),
  metrics: v.optional(MetricsSchema),
  console: v.optional(ConsoleSchema),
});
