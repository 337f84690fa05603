/**
 * Sends commands and scripts through a {@link RedisPort} with a command timeout: scripts go as
 * `EVALSHA` (the SHA-1 is computed once), and as `EVAL` after a `NOSCRIPT` (a fresh node after
 * a failover or restart, or a flushed script cache). Every failure is `ERR_UNAVAILABLE`.
 *
 * @module
 */
import type { RedisArg, RedisPort } from "./port.ts";
import { isReplyError, withTimeout } from "./errors.ts";

/** A script and its SHA-1 (hex), computed lazily. */
export class Script {
  readonly source: string;
  #sha: Promise<string> | null = null;
  constructor(source: string) {
    this.source = source;
  }
  /** The script's SHA-1, lowercase hex. */
  sha(): Promise<string> {
    return this.#sha ??= crypto.subtle.digest("SHA-1", new TextEncoder().encode(this.source))
      .then((d) => Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join(""));
  }
}

/** Runs commands and scripts over a port. */
export class Runner {
  readonly #port: RedisPort;
  readonly #timeoutMs: number;
  constructor(port: RedisPort, timeoutMs: number) {
    this.#port = port;
    this.#timeoutMs = timeoutMs;
  }

  /** One command; rejects with `ERR_UNAVAILABLE` on any failure or after the timeout. */
  send(argv: readonly RedisArg[], routeKey?: string): Promise<unknown> {
    return withTimeout(this.#port.send(argv, routeKey), this.#timeoutMs);
  }

  /** Runs `script` over `keys` (all in one slot) with `args`. */
  run(script: Script, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown> {
    return withTimeout(this.#eval(script, keys, args), this.#timeoutMs);
  }

  async #eval(
    script: Script,
    keys: readonly string[],
    args: readonly RedisArg[],
  ): Promise<unknown> {
    const tail = [keys.length, ...keys, ...args];
    try {
      return await this.#port.send(["EVALSHA", await script.sha(), ...tail]);
    } catch (e) {
      if (!isReplyError(e, "NOSCRIPT")) throw e;
      return await this.#port.send(["EVAL", script.source, ...tail]);
    }
  }
}
