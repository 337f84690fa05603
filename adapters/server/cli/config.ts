/**
 * CLI configuration: flags > environment (`DEVICE_SESSION_*`) > config file (JSON, snake_case)
 * > defaults. Every problem is one `ERR_CONFIG` error naming its source (the CLI exits 2).
 * Pure: argv, environment and file text come in as arguments.
 *
 * @module
 */
import { parseArgs } from "node:util";
import * as v from "valibot";
import { errorFromCode } from "../../../core/mod.ts";
import type { ServiceLimits } from "../../../core/service/limits.ts";
import { describeFileIssues, type FileConfig, FileSchema } from "./file-schema.ts";
import { describeIssues } from "../../../core/wire/issues.ts";
import { parseRedisUrl } from "../../store/redis/url.ts";
import type { ClientOptions, PolicyOptions, RateLimitOptions } from "../options.ts";
import type { ConsoleOptions, MetricsOptions } from "../metrics/options.ts";

/** Everything `device-session serve` runs with. */
export interface CliConfig {
  readonly port: number;
  readonly host: string;
  /** Public URL (default `http://localhost:<port>`). */
  readonly publicUrl: string | null;
  /** `"memory"` (this process only) or a Redis URL (adapters/store/redis/url.ts). */
  readonly store: string;
  /** Redis key prefix (default `"ds:"`), timeouts, and the opt-in `WAIT` after a consume. */
  readonly storePrefix: string;
  readonly storeTimeoutMs: number;
  readonly storeConnectTimeoutMs: number;
  readonly storeWaitReplicas: number;
  readonly storeWaitMs: number;
  /** How often a shared (Redis) keyring is read again, seconds. */
  readonly keyRefreshS: number;
  /** Processes serving one port (more than 1 needs a shared store). */
  readonly workers: number;
  /** Fresh telemetry to a Redis Stream per client, trimmed to about this many (0: off). */
  readonly eventsMaxLen: number;
  readonly clients: readonly ClientOptions[];
  /** Add the `demo` client with a generated (or `DEVICE_SESSION_DEMO_SECRET`) secret. */
  readonly demo: boolean;
  readonly demoSecret: string | null;
  /**
   * Serve the test-control extension (SPEC Appendix A) for the conformance suite: `--conformance`,
   * and always in `--demo` mode (neither is a production mode).
   */
  readonly testControl: boolean;
  readonly limits: Partial<ServiceLimits>;
  readonly policy: PolicyOptions | undefined;
  readonly signingAlg: "EdDSA" | "ES256";
  readonly keyRotationS: number;
  /** Where the signing keys are kept across restarts (mode 0600), or `null`: in memory. */
  readonly keyFile: string | null;
  readonly trustProxyHops: number;
  readonly rateLimits: RateLimitOptions | false;
  readonly nonceSecret: string | null;
  readonly log: "json" | "off";
  /** `GET /metrics` (docs/operations.md), or `null`: off. */
  readonly metrics: MetricsOptions | null;
  /** A separate port serving only `/metrics` (one process per port: not with `workers`). */
  readonly metricsPort: number | null;
  /** The operator console (docs/operations.md), or `null`: off. */
  readonly console: ConsoleOptions | null;
  /** Seconds to let in-flight requests finish on SIGINT/SIGTERM. */
  readonly shutdownTimeoutS: number;
}

/** Flags of `serve` (long names; the environment variable is `DEVICE_SESSION_` + upper snake). */
export const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  config: { type: "string" },
  store: { type: "string" },
  "store-prefix": { type: "string" },
  "store-timeout-ms": { type: "string" },
  "store-connect-timeout-ms": { type: "string" },
  "store-wait-replicas": { type: "string" },
  "store-wait-ms": { type: "string" },
  "key-refresh-s": { type: "string" },
  workers: { type: "string" },
  "events-max-len": { type: "string" },
  "public-url": { type: "string" },
  "key-file": { type: "string" },
  "signing-alg": { type: "string" },
  "key-rotation-s": { type: "string" },
  "trust-proxy-hops": { type: "string" },
  log: { type: "string" },
  "shutdown-timeout-s": { type: "string" },
  demo: { type: "boolean" },
  conformance: { type: "boolean" },
  client: { type: "string" },
  from: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type FlagName = Exclude<keyof typeof FLAGS, "help" | "version" | "config">;
/** Flags that map onto file members, and the member. */
const SETTINGS: readonly [FlagName, string][] = [
  ["port", "port"],
  ["host", "host"],
  ["store", "store"],
  ["store-prefix", "store_prefix"],
  ["store-timeout-ms", "store_timeout_ms"],
  ["store-connect-timeout-ms", "store_connect_timeout_ms"],
  ["store-wait-replicas", "store_wait_replicas"],
  ["store-wait-ms", "store_wait_ms"],
  ["key-refresh-s", "key_refresh_s"],
  ["workers", "workers"],
  ["events-max-len", "events_max_len"],
  ["public-url", "public_url"],
  ["key-file", "key_file"],
  ["signing-alg", "signing_alg"],
  ["key-rotation-s", "key_rotation_s"],
  ["trust-proxy-hops", "trust_proxy_hops"],
  ["log", "log"],
  ["shutdown-timeout-s", "shutdown_timeout_s"],
  ["demo", "demo"],
  ["conformance", "conformance"],
];

/** `public-url` → `DEVICE_SESSION_PUBLIC_URL`. */
export function envName(flag: string): string {
  return `DEVICE_SESSION_${flag.toUpperCase().replace(/-/g, "_")}`;
}

function configError(source: string, issues: readonly v.BaseIssue<unknown>[] | string): never {
  throw errorFromCode(
    "ERR_CONFIG",
    `${source}: ${typeof issues === "string" ? issues : describeFileIssues(issues)}`,
  );
}

/** The parsed command line: the command, its flags, and help/version requests. */
export interface ParsedArgs {
  readonly command: string | null;
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
}

/**
 * Parses argv (without the runtime and script): `serve [--flag value]…`.
 *
 * @example
 * ```ts
 * parseCli(["serve", "--port", "9000"]); // { command: "serve", flags: { port: "9000" } }
 * ```
 */
export function parseCli(argv: readonly string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: FLAGS,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 1) {
      configError("arguments", `unexpected ${positionals.slice(1).join(" ")}`);
    }
    return { command: positionals[0] ?? null, flags: values };
  } catch (e) {
    if (e instanceof Error && "code" in e && e.code === "ERR_CONFIG") throw e;
    configError("arguments", e instanceof Error ? e.message : String(e));
  }
}

/** Reads a file's text (the config file), or throws. */
export type ReadText = (path: string) => Promise<string>;

/**
 * Resolves the configuration from flags, environment and the config file.
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import process from "node:process";
 * const args = process.argv.slice(2);
 * const env = process.env;
 * const config = await resolveCliConfig(parseCli(args), env, (p) => readFile(p, "utf8"));
 * ```
 */
export async function resolveCliConfig(
  args: ParsedArgs,
  env: Readonly<Record<string, string | undefined>>,
  readText: ReadText,
): Promise<CliConfig> {
  for (const only of ["client", "from"]) {
    if (args.flags[only] !== undefined) {
      configError(`--${only}`, "an option of `tail`, not of `serve`");
    }
  }
  const configPath = (args.flags.config as string | undefined) ?? env.DEVICE_SESSION_CONFIG;
  let file: FileConfig = {};
  if (configPath !== undefined && configPath !== "") {
    let text: string;
    try {
      text = await readText(configPath);
    } catch (e) {
      configError(
        `config file ${configPath}`,
        `cannot read it (${e instanceof Error ? e.message : e})`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      configError(`config file ${configPath}`, `not JSON (${e instanceof Error ? e.message : e})`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      configError(`config file ${configPath}`, "expected a JSON object");
    }
    const r = v.safeParse(FileSchema, json);
    if (!r.success) configError(`config file ${configPath}`, r.issues);
    file = r.output;
  }
  // Layer: file, then environment, then flags — each validated where it comes from.
  const merged: Record<string, unknown> = { ...file };
  for (const [flag, member] of SETTINGS) {
    const fromEnv = env[envName(flag)];
    if (fromEnv !== undefined && fromEnv !== "") {
      merged[member] = check(envName(flag), member, fromEnv);
    }
  }
  for (const [flag, member] of SETTINGS) {
    const given = args.flags[flag];
    if (given !== undefined) merged[member] = check(`--${flag}`, member, given);
  }
  for (const name of ["NONCE_SECRET", "DEMO_SECRET"]) {
    const value = env[`DEVICE_SESSION_${name}`];
    if (value !== undefined && value.length < 16) {
      configError(`DEVICE_SESSION_${name}`, "must be at least 16 characters");
    }
  }
  const m = merged as FileConfig;
  if ((m.workers ?? 1) > 1 && (m.store ?? "memory") === "memory") {
    configError(
      "workers",
      "more than one worker needs a shared store (--store redis://…): the memory store is one process's",
    );
  }
  if ((m.events_max_len ?? 0) > 0 && (m.store ?? "memory") === "memory") {
    configError("events_max_len", "event streams need a Redis store (--store redis://…)");
  }
  if (m.store !== undefined && m.store !== "memory") {
    parseRedisUrl(m.store); // ERR_CONFIG naming what is wrong, before any connection
    if (m.key_file !== undefined) {
      configError("key_file", "a Redis store keeps the signing keys itself: drop --key-file");
    }
  }
  const clients: ClientOptions[] = (m.clients ?? []).map((c) => ({
    id: c.id,
    ...(c.secret !== undefined ? { secret: c.secret } : {}),
    ...(c.secret_sha256 !== undefined ? { secretSha256: c.secret_sha256 } : {}),
    ...(c.allowed_origins !== undefined ? { allowedOrigins: c.allowed_origins } : {}),
  }));
  const demo = m.demo ?? false;
  if (clients.length === 0 && !demo) {
    configError(
      "clients",
      "no client is configured: add clients to a --config file, or use --demo",
    );
  }
  const limits = Object.fromEntries(
    Object.entries(m.limits ?? {}).map((
      [k, value],
    ) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), value]),
  ) as Partial<ServiceLimits>;
  const camel = (o: Record<string, number> | undefined) =>
    o === undefined ? undefined : Object.fromEntries(
      Object.entries(o).map(([k, x]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), x]),
    );
  const rl = m.rate_limits;
  return {
    port: m.port ?? 8787,
    host: m.host ?? "127.0.0.1",
    publicUrl: m.public_url ?? null,
    store: m.store ?? "memory",
    storePrefix: m.store_prefix ?? "ds:",
    storeTimeoutMs: m.store_timeout_ms ?? 2000,
    storeConnectTimeoutMs: m.store_connect_timeout_ms ?? 5000,
    storeWaitReplicas: m.store_wait_replicas ?? 0,
    storeWaitMs: m.store_wait_ms ?? 50,
    keyRefreshS: m.key_refresh_s ?? 30,
    workers: m.workers ?? 1,
    eventsMaxLen: m.events_max_len ?? 0,
    clients,
    demo,
    demoSecret: env.DEVICE_SESSION_DEMO_SECRET ?? null,
    testControl: demo || (m.conformance ?? false),
    limits,
    policy: m.policy === undefined ? undefined : {
      ...(m.policy.weights ? { weights: m.policy.weights } : {}),
      ...(m.policy.thresholds ? { thresholds: camel(m.policy.thresholds) } : {}),
      ...(m.policy.bands ? { bands: m.policy.bands } : {}),
    } as PolicyOptions,
    signingAlg: m.signing_alg ?? "EdDSA",
    // A test mode rotates weekly (service time), so the suite judges scheduled rotation too.
    keyRotationS: m.key_rotation_s ?? (demo || m.conformance === true ? 7 * 86400 : 0),
    keyFile: m.key_file ?? null,
    trustProxyHops: m.trust_proxy_hops ?? 0,
    rateLimits: rl === false ? false : rl === undefined ? {} : {
      ...(rl.device_per_ip_per_minute !== undefined
        ? { devicePerIpPerMinute: rl.device_per_ip_per_minute }
        : {}),
      ...(rl.token_per_ip_per_minute !== undefined
        ? { tokenPerIpPerMinute: rl.token_per_ip_per_minute }
        : {}),
      ...(rl.proof_per_ip_per_minute !== undefined
        ? { proofPerIpPerMinute: rl.proof_per_ip_per_minute }
        : {}),
      ...(rl.backend_per_client_per_minute !== undefined
        ? { backendPerClientPerMinute: rl.backend_per_client_per_minute }
        : {}),
    },
    nonceSecret: env.DEVICE_SESSION_NONCE_SECRET ?? m.nonce_secret ?? null,
    log: m.log ?? "json",
    ...operatorConfig(m),
    shutdownTimeoutS: m.shutdown_timeout_s ?? 10,
  };
}

function operatorConfig(m: FileConfig): Pick<CliConfig, "metrics" | "metricsPort" | "console"> {
  const mt = m.metrics;
  const c = m.console;
  return {
    metrics: mt === undefined ? null : {
      ...(mt.token_sha256 !== undefined ? { tokenSha256: mt.token_sha256 } : {}),
      ...(mt.port !== undefined ? { separate: true } : {}),
    },
    metricsPort: mt?.port ?? null,
    console: c === undefined || !c.enabled ? null : {
      operators: (c.operators ?? []).map((o) => ({
        id: o.id,
        clientId: o.client_id,
        tokenSha256: o.token_sha256,
      })),
      ...(c.backend_tokens !== undefined ? { backendTokens: c.backend_tokens } : {}),
      ...(c.recent_decisions !== undefined ? { recentDecisions: c.recent_decisions } : {}),
      ...(c.audit_retention_s !== undefined ? { auditRetentionS: c.audit_retention_s } : {}),
    },
  };
}

/** Validates one flag or environment value against the file member it sets. */
function check(source: string, member: string, value: string | boolean): unknown {
  const entries = (FileSchema as unknown as { entries: Record<string, v.GenericSchema> }).entries;
  const schema = entries[member]!;
  const r = v.safeParse(schema, value);
  if (!r.success) {
    configError(source, `${describeIssues(r.issues, 1)} (got ${JSON.stringify(value)})`);
  }
  return r.output;
}
