/**
 * The config file of `device-session serve`: JSON, snake_case, every member optional, unknown
 * members refused. Flags and environment values are validated against the member they set.
 *
 * @module
 */
import * as v from "valibot";
import { AlgSchema, ClientId } from "../../../core/mod.ts";
import { LIMIT_BOUNDS } from "../../../core/service/limits.ts";

/** The file's parsed form. */
export type FileConfig = v.InferOutput<typeof FileSchema>;

const int = (min: number, max: number) => {
  const what = `an integer in ${min}..${max}`;
  return v.pipe(
    v.unknown(),
    v.transform((x) => (typeof x === "string" && /^\d{1,12}$/.test(x) ? Number(x) : x)),
    v.number(what),
    v.integer(what),
    v.minValue(min, what),
    v.maxValue(max, what),
  );
};
const bool = v.pipe(
  v.unknown(),
  v.transform((
    x,
  ) => (typeof x === "string" && /^(1|true|yes)$/i.test(x)
    ? true
    : typeof x === "string" && /^(0|false|no)$/i.test(x)
    ? false
    : x)
  ),
  v.boolean("true or false"),
);

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const limitEntries = Object.fromEntries(
  Object.entries(LIMIT_BOUNDS).map(([k, b]) => [snake(k), v.optional(int(b.min, b.max))]),
);

const FileClient = v.strictObject({
  id: ClientId,
  secret: v.optional(v.string()),
  secret_sha256: v.optional(v.string()),
  allowed_origins: v.optional(v.array(v.string())),
});

/** The config file's shape (snake_case); unknown members are errors (typos must not pass). */
export const FileSchema = v.strictObject({
  $schema: v.optional(v.string()),
  port: v.optional(int(0, 65535)),
  host: v.optional(v.pipe(v.string(), v.minLength(1))),
  public_url: v.optional(v.string()),
  store: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (s) => s === "memory" || /^rediss?(\+cluster|\+unix)?:\/\//.test(s),
        '"memory" or a redis://, rediss://, redis+cluster:// or redis+unix:// URL',
      ),
    ),
  ),
  store_prefix: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9:_.-]{0,64}$/))),
  store_timeout_ms: v.optional(int(10, 600_000)),
  store_connect_timeout_ms: v.optional(int(10, 600_000)),
  store_wait_replicas: v.optional(int(0, 16)),
  store_wait_ms: v.optional(int(1, 10_000)),
  key_refresh_s: v.optional(int(1, 86_400)),
  workers: v.optional(int(1, 64)),
  events_max_len: v.optional(int(0, 1_000_000_000)),
  clients: v.optional(v.array(FileClient)),
  demo: v.optional(bool),
  conformance: v.optional(bool),
  limits: v.optional(v.strictObject(limitEntries)),
  policy: v.optional(v.strictObject({
    weights: v.optional(v.record(v.string(), v.number())),
    thresholds: v.optional(v.record(v.string(), v.number())),
    bands: v.optional(v.record(v.string(), v.number())),
  })),
  signing_alg: v.optional(AlgSchema),
  key_rotation_s: v.optional(int(0, 31_536_000)),
  key_file: v.optional(v.pipe(v.string(), v.minLength(1))),
  trust_proxy_hops: v.optional(int(0, 10)),
  rate_limits: v.optional(v.union([
    v.literal(false),
    v.strictObject({
      device_per_ip_per_minute: v.optional(int(0, 10_000_000)),
      token_per_ip_per_minute: v.optional(int(0, 10_000_000)),
      proof_per_ip_per_minute: v.optional(int(0, 10_000_000)),
      backend_per_client_per_minute: v.optional(int(0, 10_000_000)),
    }),
  ])),
  nonce_secret: v.optional(v.string()),
  log: v.optional(v.picklist(["json", "off"])),
  // Operator extensions (docs/operations.md); their contents are checked by createService.
  metrics: v.optional(v.strictObject({
    token_sha256: v.optional(v.string()),
    port: v.optional(int(0, 65535)),
  })),
  console: v.optional(v.strictObject({
    enabled: bool,
    operators: v.optional(v.array(v.strictObject({
      id: v.string(),
      client_id: v.string(),
      token_sha256: v.string(),
    }))),
    backend_tokens: v.optional(bool),
    recent_decisions: v.optional(int(1, 10_000)),
    audit_retention_s: v.optional(int(3600, 94_608_000)),
  })),
  shutdown_timeout_s: v.optional(int(0, 600)),
});
