/**
 * The one thing the Redis store needs from a client: send a command, get its reply. Keeping the
 * store behind this port means it imports no client library and runs on Node, Deno and Bun
 * alike; node-redis is the default (`./node-redis.ts`), other clients plug in with a few lines.
 *
 * @module
 */

/** A command argument: strings and numbers are sent as their decimal or UTF-8 bytes. */
export type RedisArg = string | number;

/**
 * A decoded reply: a status or bulk string, an integer, `null` (nil), or an array of replies.
 * Error replies reject the promise with an `Error` whose message starts with the Redis error
 * prefix (`NOSCRIPT …`, `OOM …`).
 */
export type RedisReply = string | number | null | readonly RedisReply[];

/**
 * Sends one command. `routeKey` names the key a keyless command must run next to (a `WAIT`
 * after a write): a cluster client routes to that key's node, a single-node client ignores it.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client = await createClient({ url: "redis://127.0.0.1:6379" }).connect();
 * const port: RedisPort = { send: (argv) => client.sendCommand(argv.map(String)) };
 * ```
 */
export interface RedisPort {
  send(argv: readonly RedisArg[], routeKey?: string): Promise<unknown>;
}
