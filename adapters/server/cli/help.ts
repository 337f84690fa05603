/**
 * The help texts of `device-session`: the command list (no command, `--help`, `help`) and one
 * text per command (`<command> --help`, `help <command>`). `conformance` has its own
 * (conformance/cli/options.ts).
 *
 * @module
 */

/** Every command and what it does, for the overview. */
export const COMMANDS: readonly (readonly [string, string])[] = [
  ["serve", "run the service (SPEC §6, §7) on the memory store or Redis"],
  ["hash-secret", "print a client secret's SHA-256 for the config file (secret from stdin)"],
  ["tail", "print a client's telemetry events from a Redis store as they arrive"],
  ["conformance", "run the conformance suite against a service, an SDK or a verifier"],
  ["help", "this list, or `help <command>` for one command's options"],
];

/** The overview: every command. */
export const OVERVIEW = `usage: device-session <command> [options]

commands:
${COMMANDS.map(([c, what]) => `  ${c.padEnd(13)}${what}`).join("\n")}

Run \`device-session <command> --help\` (or \`device-session help <command>\`) for its options.
Quick start: \`device-session serve --demo\` (a demo client, the demo page under /demo/).
Exit codes: 0 ok, 2 bad configuration or usage (ERR_CONFIG), 1 anything else.`;

/** `serve --help`. */
export const SERVE_HELP = `usage: device-session serve [options]

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
  --key-file <path>        keep signing keys across restarts (written mode 0600; a missing
                           directory is created, mode 0700)
  --signing-alg EdDSA|ES256
  --key-rotation-s <n>     rotate the signing key every n seconds (0: never; the default,
                           except 604800 with --demo or --conformance)
  --trust-proxy-hops <n>   trusted reverse proxies in front (X-Forwarded-For)
  --log json|off           request logs on stdout (default json)
  --shutdown-timeout-s <n> time for in-flight requests on SIGINT/SIGTERM (default 10)
  --demo                   add "demo" and "demo2" clients with generated secrets (printed,
                           with the conformance command to run against this service); also
                           serves the test-control extension, as --conformance does
  --conformance            serve the test-control extension (SPEC Appendix A: move the clock,
                           rotate the key, read session facts) for the conformance suite;
                           a test mode: never in production
  -h, --help               this help
  --version                the version`;

/** `hash-secret --help`. */
export const HASH_SECRET_HELP = `usage: device-session hash-secret < secret.txt
       printf %s "$SECRET" | device-session hash-secret
       device-session hash-secret <secret>     (stays in your shell history: prefer stdin)

Prints the base64url SHA-256 of a client secret, for \`secret_sha256\` in the config file
(the config then holds no secret). From stdin, one trailing newline is dropped. A secret has
16 to 512 characters.`;

/** `tail --help`. */
export const TAIL_HELP = `usage: device-session tail --store <redis url> --client <id> [options]

Prints a client's telemetry events (served with --events-max-len) as they arrive, one JSON
line each, until SIGINT/SIGTERM.

options:
  --store <redis url>      the service's Redis store (or DEVICE_SESSION_STORE)
  --client <id>            the client whose events to print
  --store-prefix <p>       the service's key prefix (default ds:)
  --from 0                 start at the oldest event kept (default: new events only)`;

/** The help of `command`, or `null` when there is no such command. */
export function helpOf(command: string): string | null {
  if (command === "serve") return SERVE_HELP;
  if (command === "hash-secret") return HASH_SECRET_HELP;
  if (command === "tail") return TAIL_HELP;
  if (command === "help") return OVERVIEW;
  return null;
}
