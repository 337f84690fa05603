/**
 * The {@link ConsoleStore} on Redis: every key of one client shares the hash tag `{c:<client>}`
 * (one Cluster slot per client), so each operation is one script. Bucket hashes are
 * `{c:<client>}:m:<start>` and `{c:<client>}:h:<start>`; lists are sorted sets
 * `{c:<client>}:l:<list>` scored by time, whose members are `<unique>|<json>`.
 *
 * @module
 */
import {
  BUCKET_TTL_MS,
  bucketStarts,
  type ConsoleBucket,
  type ConsoleList,
  type ConsoleStore,
  MAX_FIELDS_PER_BUCKET,
  type Resolution,
  RESOLUTIONS,
} from "../console.ts";
import { type Runner, Script } from "./runner.ts";

/** KEYS: minute hash, hour hash. ARGV: minute ttl, hour ttl, cap, then name, count pairs. */
const COUNT = new Script(`
for k = 1, 2 do
  for i = 4, #ARGV, 2 do
    if redis.call('HEXISTS', KEYS[k], ARGV[i]) == 1 or redis.call('HLEN', KEYS[k]) < tonumber(ARGV[3]) then
      redis.call('HINCRBY', KEYS[k], ARGV[i], ARGV[i + 1])
    end
  end
  if redis.call('PTTL', KEYS[k]) < 0 then redis.call('PEXPIRE', KEYS[k], ARGV[k]) end
end
return 1`);

/** KEYS: bucket hashes. Answers each one's HGETALL. */
const SERIES = new Script(`
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGETALL', KEYS[i]) end
return out`);

/** KEYS: list. ARGV: atMs, member, cap, ttlMs (entry age), key ttl (store clock). */
const PUSH = new Script(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[4]))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`);

let unique = 0;
const UNIQUE_PREFIX = Math.random().toString(36).slice(2, 8);

/**
 * Console data in Redis, shared by every process of the service.
 *
 * @example
 * ```ts
 * import { connectRedis } from "device-session/server/redis";
 * const store = await connectRedis({ url: "redis://127.0.0.1:6379/0" });
 * await store.console.count("shop", Date.now(), { "sessions.created": 1 });
 * ```
 */
export class RedisConsoleStore implements ConsoleStore {
  readonly #r: Runner;
  readonly #p: string;
  readonly #now: () => number;
  constructor(runner: Runner, prefix: string, now: () => number) {
    this.#r = runner;
    this.#p = prefix;
    this.#now = now;
  }

  #bucket(clientId: string, res: Resolution, startMs: number): string {
    return `${this.#p}{c:${clientId}}:${res === "minute" ? "m" : "h"}:${startMs}`;
  }

  async count(
    clientId: string,
    atMs: number,
    counts: Readonly<Record<string, number>>,
  ): Promise<void> {
    const entries = Object.entries(counts);
    if (entries.length === 0) return;
    const keys = (Object.keys(RESOLUTIONS) as Resolution[]).map((res) => {
      const w = RESOLUTIONS[res];
      return this.#bucket(clientId, res, Math.floor(atMs / w) * w);
    });
    // Buckets expire relative to the store's clock; a bucket's TTL is set when it is created.
    await this.#r.run(COUNT, keys, [
      BUCKET_TTL_MS.minute,
      BUCKET_TTL_MS.hour,
      MAX_FIELDS_PER_BUCKET,
      ...entries.flatMap(([name, n]) => [name, Math.round(n)]),
    ]);
  }

  async series(
    clientId: string,
    resolution: Resolution,
    fromMs: number,
    toMs: number,
  ): Promise<ConsoleBucket[]> {
    const starts = bucketStarts(resolution, fromMs, toMs);
    if (starts.length === 0) return [];
    const keys = starts.map((s) => this.#bucket(clientId, resolution, s));
    const reply = (await this.#r.run(SERIES, keys, [])) as unknown[][];
    const out: ConsoleBucket[] = [];
    starts.forEach((startMs, i) => {
      const flat = (reply[i] ?? []).map(String);
      if (flat.length === 0) return;
      const counts: Record<string, number> = {};
      for (let j = 0; j + 1 < flat.length; j += 2) counts[flat[j]!] = Number(flat[j + 1]);
      out.push({ startMs, counts });
    });
    return out;
  }

  async push(
    clientId: string,
    list: ConsoleList,
    atMs: number,
    entry: string,
    cap: number,
    ttlMs: number,
  ): Promise<void> {
    const member = `${UNIQUE_PREFIX}${(unique++).toString(36)}|${entry}`;
    // Entry ages follow the caller's clock (atMs); the key outlives its newest entry by at
    // least ttlMs on the store's clock, so a caller clock behind the store's loses nothing.
    const keyTtl = Math.max(ttlMs, Math.ceil(atMs + ttlMs - this.#now()));
    await this.#r.run(PUSH, [this.#list(clientId, list)], [atMs, member, cap, ttlMs, keyTtl]);
  }

  async recent(
    clientId: string,
    list: ConsoleList,
    nowMs: number,
    ttlMs: number,
    limit: number,
  ): Promise<string[]> {
    const reply = (await this.#r.send([
      "ZRANGE",
      this.#list(clientId, list),
      "+inf",
      `(${nowMs - ttlMs}`,
      "BYSCORE",
      "REV",
      "LIMIT",
      0,
      limit,
    ], this.#list(clientId, list))) as unknown[];
    return reply.map((m) => {
      const s = String(m);
      return s.slice(s.indexOf("|") + 1);
    });
  }

  #list(clientId: string, list: ConsoleList): string {
    return `${this.#p}{c:${clientId}}:l:${list}`;
  }
}
