/**
 * The default client: node-redis (`redis` on npm, works on Node, Deno and Bun), as a
 * {@link RedisPort} for one node or a Cluster, and {@link connectRedis} which opens a store from
 * a URL. The client is configured to fail fast while disconnected (no offline queue), so a
 * Redis outage answers `ERR_UNAVAILABLE` at once, and to reconnect by itself.
 *
 * @module
 */
import { createClient, createCluster } from "redis";
import type { RedisClientType, RedisClusterType } from "redis";
import { storeUnavailable } from "./errors.ts";
import { errorFromCode } from "../../../core/errors/mod.ts";
import type { RedisArg, RedisPort } from "./port.ts";
import { RedisStore, type RedisStoreOptions } from "./store.ts";
import { parseRedisUrl } from "./url.ts";

/** The first key of a command, for cluster routing. */
function firstKey(argv: readonly RedisArg[], routeKey: string | undefined): string | undefined {
  const cmd = String(argv[0]).toUpperCase();
  if (cmd === "EVALSHA" || cmd === "EVAL") return Number(argv[2]) > 0 ? String(argv[3]) : routeKey;
  if (cmd === "PING" || cmd === "WAIT" || cmd === "INFO") return routeKey;
  return argv.length > 1 ? String(argv[1]) : routeKey;
}

/**
 * A port over a connected node-redis client.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { RedisStore } from "./store.ts";
 * const url = "redis://127.0.0.1:6379/0";
 * const client = await createClient({ url }).on("error", () => {}).connect();
 * const store = new RedisStore({ redis: nodeRedisPort(client) });
 * ```
 */
export function nodeRedisPort(client: Pick<RedisClientType, "sendCommand">): RedisPort {
  return { send: (argv) => client.sendCommand(argv.map(String)) };
}

/**
 * A port over a connected node-redis Cluster: each command goes to its first key's node.
 *
 * @example
 * ```ts
 * import { createCluster } from "redis";
 * import { RedisStore } from "./store.ts";
 * const url = "redis://127.0.0.1:7000";
 * const cluster = await createCluster({ rootNodes: [{ url }] }).on("error", () => {}).connect();
 * const store = new RedisStore({ redis: nodeRedisClusterPort(cluster) });
 * ```
 */
export function nodeRedisClusterPort(cluster: Pick<RedisClusterType, "sendCommand">): RedisPort {
  return {
    send: (argv, routeKey) =>
      cluster.sendCommand(firstKey(argv, routeKey), false, argv.map(String)),
  };
}

/** Options of {@link connectRedis}: a URL plus the store's options. */
export interface ConnectRedisOptions extends Omit<RedisStoreOptions, "redis" | "onClose"> {
  /** `redis://`, `rediss://`, `redis+cluster://` or `redis+unix://` (see url.ts). */
  readonly url: string;
  /** Connection timeout in milliseconds (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Called with connection errors (the client reconnects by itself; default: ignored). */
  readonly onError?: (e: unknown) => void;
}

/**
 * Connects node-redis to `url` and answers a {@link RedisStore} that disconnects on `close()`.
 * Rejects with `ERR_UNAVAILABLE` when the first connection fails, `ERR_CONFIG` for a bad URL.
 *
 * @example
 * ```ts
 * const store = await connectRedis({ url: "redis://127.0.0.1:6379/0", prefix: "shop:" });
 * ```
 */
export async function connectRedis(o: ConnectRedisOptions): Promise<RedisStore> {
  const loc = parseRedisUrl(o.url);
  if (o.events !== undefined && loc.kind === "cluster") {
    throw errorFromCode(
      "ERR_CONFIG",
      "event streams need one Redis node (a stream and a session share no Cluster slot)",
    );
  }
  const { port, close } = await connectPort(o);
  return new RedisStore({ ...o, redis: port, onClose: close });
}

/** Connects node-redis as configured; `ERR_UNAVAILABLE` when the first connection fails. */
async function connectPort(
  o: Pick<ConnectRedisOptions, "url" | "connectTimeoutMs" | "onError">,
): Promise<{ port: RedisPort; close: () => Promise<void> }> {
  const loc = parseRedisUrl(o.url);
  const onError = o.onError ?? (() => {});
  const socket = {
    connectTimeout: o.connectTimeoutMs ?? 5000,
    // Reconnect forever, backing off to 1 s: the service recovers by itself when Redis returns.
    reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 5), 1000),
  };
  const common = { disableOfflineQueue: true };
  let port: RedisPort;
  let close: () => Promise<void>;
  try {
    if (loc.kind === "cluster") {
      const auth = {
        ...(loc.username ? { username: loc.username } : {}),
        ...(loc.password ? { password: loc.password } : {}),
      };
      const cluster = createCluster(
        {
          rootNodes: loc.nodes.map((n) => ({
            socket: { host: n.host, port: n.port, tls: loc.tls },
          })),
          defaults: { ...common, ...auth, socket: { ...socket, tls: loc.tls } },
        } as Parameters<typeof createCluster>[0],
      );
      cluster.on("error", onError);
      await cluster.connect();
      port = nodeRedisClusterPort(cluster as unknown as RedisClusterType);
      close = async () => void (await cluster.close());
    } else {
      const client = createClient(
        {
          ...common,
          database: loc.db,
          ...(loc.password ? { password: loc.password } : {}),
          ...("username" in loc && loc.username ? { username: loc.username } : {}),
          socket: loc.kind === "unix"
            ? { ...socket, path: loc.path }
            : { ...socket, host: loc.host, port: loc.port, tls: loc.tls },
        } as Parameters<typeof createClient>[0],
      );
      client.on("error", onError);
      await connectOnce(client, socket.connectTimeout);
      port = nodeRedisPort(client as unknown as RedisClientType);
      close = async () => {
        if (client.isOpen) await client.close();
      };
    }
  } catch (e) {
    throw storeUnavailable(e);
  }
  return { port, close };
}

/**
 * A plain connection for tools (the `tail` command): a port plus `close`. Single node only.
 *
 * @example
 * ```ts
 * const redis = await connectRaw("redis://127.0.0.1:6379/0");
 * await redis.send(["PING"]);
 * ```
 */
export async function connectRaw(url: string): Promise<RedisPort & { close(): Promise<void> }> {
  if (parseRedisUrl(url).kind === "cluster") {
    throw errorFromCode("ERR_CONFIG", "a cluster URL: name the node that holds the stream");
  }
  const { port, close } = await connectPort({ url });
  return { send: (argv, routeKey) => port.send(argv, routeKey), close };
}

/** `connect()` keeps retrying while Redis is down; give up (and stop retrying) after `ms`. */
async function connectOnce(client: ReturnType<typeof createClient>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms);
      }),
    ]);
  } catch (e) {
    client.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
