/**
 * The Redis store: {@link RedisStore} behind a one-method {@link RedisPort}, and the
 * node-redis default client ({@link connectRedis}).
 *
 * @module
 */
export { RedisStore, type RedisStoreOptions } from "./store.ts";
export type { RedisArg, RedisPort, RedisReply } from "./port.ts";
export { parseRedisUrl, type RedisLocation } from "./url.ts";
export {
  connectRedis,
  type ConnectRedisOptions,
  nodeRedisClusterPort,
  nodeRedisPort,
} from "./node-redis.ts";
