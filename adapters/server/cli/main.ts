/**
 * The `device-session` command: `serve` (the service), `hash-secret` (a client secret's
 * SHA-256 for config files), `tail`, `conformance`, `help [command]`, `--version`. Exit codes:
 * 0 ok, 2 bad configuration or usage (`ERR_CONFIG`), 1 anything else.
 *
 * @module
 */
import { DeviceSessionError } from "../../../core/mod.ts";
import { hashSecretCommand } from "./hash-secret.ts";
import { COMMANDS, helpOf, OVERVIEW } from "./help.ts";
import { envName, FLAGS, parseCli, resolveCliConfig } from "./config.ts";
import type { CliHost } from "./host.ts";
import { type MountFactory, startServe } from "./run.ts";
import type { CliConfig } from "./config.ts";
import { randomId } from "../../crypto/random.ts";

/**
 * Runs the command line; resolves once the server is up (it then runs until a signal).
 *
 * @example
 * ```ts
 * import type { CliHost } from "./host.ts";
 * declare const host: CliHost; // the runtime's
 * await main(host);
 * ```
 */
export async function main(host: CliHost, mounts: MountFactory | null = null): Promise<void> {
  try {
    const [first, ...rest] = host.args;
    if (first === "conformance") {
      // The conformance suite (conformance/cli) parses its own options.
      const { conformanceMain } = await import("../../../conformance/cli/main.ts");
      return host.exit(await conformanceMain(rest, host));
    }
    if (first === "hash-secret") return host.exit(await hashSecretCommand(host, rest));
    if (first === undefined || first === "--help" || first === "-h") {
      host.out(OVERVIEW);
      return host.exit(0);
    }
    if (first === "help") return host.exit(await helpCommand(host, rest));
    const args = parseCli(host.args);
    if (args.flags.version === true) {
      host.out(host.version);
      return host.exit(0);
    }
    if (args.command === null || helpOf(args.command) === null) {
      throw new DeviceSessionError(
        "ERR_CONFIG",
        args.command === null
          ? `a command is required (${COMMANDS.map(([c]) => c).join(", ")})`
          : `unknown command ${args.command} (${COMMANDS.map(([c]) => c).join(", ")})`,
      );
    }
    if (args.flags.help === true) {
      host.out(helpOf(args.command)!);
      return host.exit(0);
    }
    if (args.command === "tail") {
      const { tailEvents } = await import("./tail.ts");
      return host.exit(await tailEvents(host, args.flags));
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
      const command = host.args.find((a) => helpOf(a) !== null);
      host.err(
        `run \`device-session ${command ?? ""}${command ? " " : ""}--help\` for the options`,
      );
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

/** `help [command]`: the overview, or one command's options. */
async function helpCommand(host: CliHost, args: readonly string[]): Promise<number> {
  const [command, ...extra] = args;
  if (command === "conformance") {
    const { HELP } = await import("../../../conformance/cli/options.ts");
    host.out(HELP);
    return 0;
  }
  const text = command === undefined ? OVERVIEW : helpOf(command);
  if (text === null || extra.length > 0) {
    throw new DeviceSessionError(
      "ERR_CONFIG",
      `help takes one command (${COMMANDS.map(([c]) => c).join(", ")})`,
    );
  }
  host.out(text);
  return 0;
}
