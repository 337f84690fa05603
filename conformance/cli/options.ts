/**
 * The options of `device-session conformance` and their parsing helpers.
 *
 * @module
 */

/**
 * The help text.
 *
 * @example
 * ```ts
 * declare const io: { out(text: string): void };
 * io.out(HELP);
 * ```
 */
export const HELP = `usage: device-session conformance <target> [options]

targets:
  service   --url <base> --client-id <id> --client-secret <secret>
            [--other-client-id <id> --other-client-secret <secret>]   (isolation checks)
            [--clock-tolerance <s>] [--property-runs <n>]
  sdk       --cmd "<command that starts an SDK driver>"   (the sans-I/O machine)
  sdk-api   --cmd "<command that starts a black-box SDK driver>"   (the public API; the
            suite plays the service over HTTP on loopback)
  verifier  --cmd "<command that starts a verifier driver>" | --url <driver endpoint>
  list      [service|sdk|sdk-api|verifier]   every check: id, level, SPEC section, what must hold

options:
  --report text|json|tap   report format on stdout (default text: the summary table)
  --out <file>             write the report to a file instead
  --expect <file>          known failures, each with a reason (ds-conformance-expect/1)
  --only <prefix>          run only checks whose id starts with it (repeatable)
  --timeout <ms>           time for each driver response (default 10000)
  --quiet                  no progress lines on stderr
  --allow-incomplete       exit 0 even when MUST checks could not run (they stay "incomplete")

exit code: 0 every MUST check ran and passed, 1 a MUST check failed, 2 usage or connection
problem, 3 no MUST check failed but some could not run (incomplete; the report says what to
enable to run them).
The harness protocol: conformance/README.md.`;

/**
 * `node:util` parseArgs options.
 *
 * @example
 * ```ts
 * import { parseArgs } from "node:util";
 * declare const args: string[];
 * parseArgs({ args, options: OPTIONS, allowPositionals: true });
 * ```
 */
export const OPTIONS = {
  url: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "other-client-id": { type: "string" },
  "other-client-secret": { type: "string" },
  "clock-tolerance": { type: "string" },
  "property-runs": { type: "string" },
  cmd: { type: "string" },
  report: { type: "string", default: "text" },
  out: { type: "string" },
  expect: { type: "string" },
  only: { type: "string", multiple: true },
  timeout: { type: "string" },
  quiet: { type: "boolean", default: false },
  "allow-incomplete": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/**
 * A problem with the command line (exit code 2).
 *
 * @example
 * ```ts
 * throw new UsageError("--url is required");
 * ```
 */
export class UsageError extends Error {}

/**
 * A whole-number option, or `undefined` when absent.
 *
 * @example
 * ```ts
 * int("30", "clock-tolerance"); // 30
 * ```
 */
export function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number`);
  return n;
}

/**
 * A required string option.
 *
 * @example
 * ```ts
 * declare const values: { url?: string };
 * required(values.url, "url"); // throws UsageError when absent
 * ```
 */
export function required(v: string | undefined, name: string): string {
  if (v === undefined || v === "") throw new UsageError(`--${name} is required`);
  return v;
}
