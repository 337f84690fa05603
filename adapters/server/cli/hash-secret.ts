/**
 * `device-session hash-secret`: prints a client secret's SHA-256 (base64url) for
 * `secret_sha256` in the config file. The secret comes from stdin (so it stays out of shell
 * history and `ps`) or, for convenience, as the one argument.
 *
 * @module
 */
import * as v from "valibot";
import { errorFromCode } from "../../../core/mod.ts";
import { describeIssues } from "../../../core/wire/issues.ts";
import { hashSecret } from "../clients.ts";
import { ClientSecret } from "../options-schema.ts";
import { HASH_SECRET_HELP } from "./help.ts";
import type { CliHost } from "./host.ts";

/**
 * Runs `hash-secret` with the arguments after the command word; resolves with the exit code.
 *
 * @example
 * ```ts
 * import type { CliHost } from "./host.ts";
 * declare const host: CliHost;
 * await hashSecretCommand(host, []); // reads the secret from stdin
 * ```
 */
export async function hashSecretCommand(host: CliHost, args: readonly string[]): Promise<number> {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    host.out(HASH_SECRET_HELP);
    return 0;
  }
  // `--` ends options: `hash-secret -- -starts-with-a-dash`.
  const rest = args[0] === "--" ? args.slice(1) : args;
  if (rest.length > 1) {
    throw errorFromCode(
      "ERR_CONFIG",
      `hash-secret takes one secret, got ${rest.length} arguments (quote it, or pipe it on stdin)`,
    );
  }
  let secret: string;
  if (rest.length === 1 && rest[0] !== "-") {
    secret = rest[0]!;
  } else {
    if (host.stdinIsTerminal) {
      throw errorFromCode(
        "ERR_CONFIG",
        "hash-secret reads the secret from stdin: `device-session hash-secret < secret.txt`",
      );
    }
    // One trailing newline is the shell's (echo, a file's last line), not the secret's.
    secret = (await host.readStdin()).replace(/\r?\n$/, "");
    if (secret === "") throw errorFromCode("ERR_CONFIG", "hash-secret got no secret on stdin");
  }
  const r = v.safeParse(ClientSecret, secret);
  if (!r.success) throw errorFromCode("ERR_CONFIG", `the secret: ${describeIssues(r.issues, 1)}`);
  host.out(await hashSecret(secret));
  return 0;
}
