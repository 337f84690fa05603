/**
 * The `device-session` command: `serve` (the service), `hash-secret` (a client secret's
 * SHA-256 for config files), `--help`, `--version`. Exit codes: 0 ok, 2 bad configuration
 * (`ERR_CONFIG`), 1 anything else.
 *
 * @module
 */
import { DeviceSessionError } from "../../../core/mod.ts";
import { hashSecret } from "../clients.ts";
import { envName, FLAGS, parseCli, resolveCliConfig } from "./config.ts";
import type { CliHost } from "./host.ts";
import { type MountFactory, startServe } from "./run.ts";
import type { CliConfig } from "./config.ts";
import { randomId } from "../../crypto/random.ts";

const HELP = `usage: device-session serve [options]
       device-session hash-secret <secret>
       device-session tail --store <redis url> --client <id> [--store-prefix p]   (a client's events)
       device-session conformance <target> [options]   (device-session conformance --help)

Runs the device-session service (SPEC §6, §7) on the in-memory store (one process) or on
Redis (any number of processes sharing sessions, consumed ids and signing keys).

options (each also from the environment as DEVICE_SESSION_<NAME>, e.g. DEVICE_SESSION_PORT;
precedence: flags > environment > config file > defaults):
  --port <n>               TCP port (default 8787; 0 picks a free one)
  --host <addr>            interface to listen on (default 127.0.0.1)
  --config <file.json>     config file (clients, limits, policy, …; see docs/walkthrough.md)
  --store memory|<url>     memory (default), or redis://host:port/db, rediss://…,
                           redis+cluster://h1:p1,h2:p2, redis+unix:///path.sock?db=N
  --store-prefix <p>       Redis key prefix, to share one Redis (default ds:)
  --store-timeout-ms <n>   a store command without reply after n ms answers 503 (default 2000)
  --store-connect-timeout-ms <n>  first connection timeout (default 5000)
  --store-wait-replicas <n>  WAIT for n replicas after consuming a secure token (default 0)
  --store-wait-ms <n>      the WAIT timeout (default 50)
  --key-refresh-s <n>      how often the shared keyring is re-read (Redis; default 30)
  --workers <n>            n processes serving the port (needs a Redis store; default 1)
  --events-max-len <n>     append fresh telemetry to a Redis Stream per client, trimmed to
                           about n entries (one Redis node; default 0: off)
  --public-url <url>       the URL devices and backends use (default http://localhost:<port>)
  --key-file <path>        keep signing keys across restarts (written mode 0600)
  --signing-alg EdDSA|ES256
  --key-rotation-s <n>     rotate the signing key every n seconds (0: never)
  --trust-proxy-hops <n>   trusted reverse proxies in front (X-Forwarded-For)
  --log json|off           request logs on stdout (default json)
  --shutdown-timeout-s <n> time for in-flight requests on SIGINT/SIGTERM (default 10)
  --demo                   add "demo" and "demo2" clients with generated secrets (printed);
                           also serves the test-control extension, as --conformance does
  --conformance            serve the test-control extension (SPEC Appendix A: move the clock,
                           rotate the key, read session facts) for the conformance suite;
                           a test mode: never in production
  -h, --help               this help
  --version                the version`;

/**
 * Runs the command line; resolves once the server is up (it then runs until a signal).
 *
 * @example
 * ```ts
 * await main(host); // host: the runtime's CliHost
 * ```
 */
export async function main(host: CliHost, mounts: MountFactory | null = null): Promise<void> {
  try {
    if (host.args[0] === "conformance") {
      // The conformance suite (conformance/cli) parses its own options.
      const { conformanceMain } = await import("../../../conformance/cli/main.ts");
      return host.exit(await conformanceMain(host.args.slice(1), host));
    }
    const args = parseCli(host.args);
    if (args.flags.help === true || args.command === "help") {
      host.out(HELP);
      return host.exit(0);
    }
    if (args.flags.version === true) {
      host.out(host.version);
      return host.exit(0);
    }
    if (args.command === "tail") {
      const { tailEvents } = await import("./tail.ts");
      return host.exit(await tailEvents(host, args.flags));
    }
    if (args.command === "hash-secret") {
      const secret = host.args[1];
      if (secret === undefined) {
        throw new DeviceSessionError("ERR_CONFIG", "hash-secret needs the secret");
      }
      host.out(await hashSecret(secret));
      return host.exit(0);
    }
    if (args.command !== "serve") {
      throw new DeviceSessionError(
        "ERR_CONFIG",
        args.command === null ? "a command is required: serve" : `unknown command ${args.command}`,
      );
    }
    let config = await resolveCliConfig(args, host.env, host.readText);
    if (config.workers > 1 && !host.isWorker) return await supervise(host, config);
    if (host.isWorker && host.env[WORKER_PORT_ENV] !== undefined) {
      config = { ...config, port: Number(host.env[WORKER_PORT_ENV]) };
    }
    const running = await startServe(config, host, mounts);
    let stopping = false;
    host.onShutdownSignal((signal) => {
      if (stopping) return host.exit(1); // a second signal: stop now
      stopping = true;
      host.err(`device-session: ${signal}, finishing in-flight requests…`);
      running.stop().then(() => host.exit(0), () => host.exit(1));
    });
  } catch (e) {
    if (e instanceof DeviceSessionError && e.code === "ERR_CONFIG") {
      host.err(`device-session: ERR_CONFIG: ${e.message}`);
      host.err("run `device-session --help` for the options");
      return host.exit(2);
    }
    host.err(
      `device-session: ${e instanceof DeviceSessionError ? `${e.code}: ` : ""}${
        e instanceof Error ? e.message : e
      }`,
    );
    return host.exit(1);
  }
}

/** The port the supervisor chose, for its workers (beats `--port 0`). */
const WORKER_PORT_ENV = "DEVICE_SESSION_WORKER_PORT";

/** `--workers N`: starts N serving processes on one port and waits for them. */
async function supervise(host: CliHost, config: CliConfig): Promise<void> {
  let port = config.port;
  if (port === 0) {
    // Every worker must bind the same port: pick a free one now.
    const probe = await host.serve({ port: 0, hostname: config.host, fetch: () => new Response() });
    port = probe.port;
    await probe.shutdown(0);
  }
  host.err(`device-session: supervising ${config.workers} workers on port ${port}`);
  // Workers must agree on the proof-nonce secret (a nonce from one is checked by another) and
  // on the demo client's secret.
  const env: Record<string, string> = { [WORKER_PORT_ENV]: String(port) };
  if (config.nonceSecret === null) {
    env.DEVICE_SESSION_NONCE_SECRET = `ns-${randomId()}${randomId()}`;
  }
  if (config.demo && config.demoSecret === null) {
    env.DEVICE_SESSION_DEMO_SECRET = `demo-${randomId()}`;
  }
  const workers = host.runWorkers(config.workers, env);
  host.onShutdownSignal(() => workers.stop());
  host.exit(await workers.exited);
}

/** Flag names and their environment variables (for docs and tests). */
export const OPTIONS: readonly { flag: string; env: string }[] = Object.keys(FLAGS)
  .filter((f) => !["help", "version"].includes(f))
  .map((f) => ({ flag: `--${f}`, env: envName(f) }));
