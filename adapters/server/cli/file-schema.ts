/**
 * The config file of `device-session serve`: JSON, snake_case, every member optional, unknown
 * members refused. Flags and environment values are validated against the member they set.
 *
 * @module
 */
import * as v from "valibot";
import { AlgSchema, ClientId } from "../../../core/mod.ts";
import { LIMIT_BOUNDS } from "../../../core/service/limits.ts";
import { issueText } from "../../../core/wire/issues.ts";
import { ClientSecret, Origin, SecretHash } from "../options-schema.ts";

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

// The service's own client rules, in the file's spelling (errors name `secret_sha256`).
const FileClient = v.pipe(
  v.strictObject({
    id: ClientId,
    secret: v.optional(ClientSecret),
    secret_sha256: v.optional(SecretHash),
    allowed_origins: v.optional(v.array(Origin)),
  }),
  v.check(
    (c) => (c.secret === undefined) !== (c.secret_sha256 === undefined),
    "exactly one of `secret`, `secret_sha256`",
  ),
);

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

/** The members a schema accepts at `path` (through optional, pipe, array), for suggestions. */
function membersAt(path: readonly unknown[]): string[] {
  let at: unknown = FileSchema;
  for (const key of path) {
    at = unwrap(at);
    const s = at as { entries?: Record<string, unknown>; item?: unknown };
    at = typeof key === "number" ? s.item : s.entries?.[String(key)];
  }
  const entries = (unwrap(at) as { entries?: Record<string, unknown> }).entries;
  return entries === undefined ? [] : Object.keys(entries);
}

function unwrap(s: unknown): unknown {
  let at = s as { type?: string; wrapped?: unknown };
  while (at?.type === "optional") at = at.wrapped as typeof at;
  return at;
}

/** Edit distance of two short strings (for "did you mean"). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * The config file's problems in plain words (core/wire/issues.ts), an unknown key with the
 * member it most likely meant: "unknown key `clientz` (did you mean `clients`?)".
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * declare const json: unknown; // the parsed config file
 * const r = v.safeParse(FileSchema, json);
 * if (!r.success) describeFileIssues(r.issues);
 * ```
 */
export function describeFileIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues.slice(0, 3).map((i) => {
    const text = issueText(i);
    const keys = (i.path ?? []).map((p) => p.key);
    const last = keys.at(-1);
    if (!text.startsWith("unknown key") || typeof last !== "string") return text;
    const best = membersAt(keys.slice(0, -1))
      .map((m) => [m, distance(m, last)] as const)
      .sort((a, b) => a[1] - b[1])[0];
    return best !== undefined && best[1] <= 2 ? `${text} (did you mean \`${best[0]}\`?)` : text;
  }).join("; ");
}
