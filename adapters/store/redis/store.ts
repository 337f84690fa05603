/**
 * `RedisStore`: the {@link Store} on Redis ≥ 7.0 (or Valkey ≥ 7.2), single node or Cluster,
 * behind a {@link RedisPort} (no client import: it runs on Node, Deno and Bun). Each method is
 * one atomic Redis unit: a single command or one script over keys sharing a hash tag
 * (keys.ts). Every key carries a TTL relative to the store's clock. Any failure to reach
 * Redis, or a reply later than the command timeout, rejects with `ERR_UNAVAILABLE`: the
 * service fails closed (SPEC §11), and a consumed id is only ever reported fresh after Redis
 * answered `OK` to its `SET … NX`.
 *
 * @module
 */
import type { Rule } from "../../../core/wire/backend.ts";
import type { ActionOutcome, ActionRecord } from "../../../core/service/action.ts";
import { MAX_SEQ_RANGES } from "../../../core/service/seqs.ts";
import type { SessionPatch, SessionRecord } from "../../../core/service/session.ts";
import { MAX_DISTINCT_PER_KEY, MAX_HITS_PER_KEY, MAX_USERS_PER_DEVICE } from "../memory-tables.ts";
import type {
  DeviceRegistration,
  EventsPatch,
  EventsToPublish,
  RuleWrite,
  Store,
} from "../types.ts";
import { sessionFields, sessionFromReply } from "./codec.ts";
import { storeUnavailable } from "./errors.ts";
import { RedisKeys } from "./keys.ts";
import type { RedisArg, RedisPort } from "./port.ts";
import { Runner, Script } from "./runner.ts";
import * as S from "./scripts-session.ts";
import * as T from "./scripts-tables.ts";
import type { ConsoleStore } from "../console.ts";
import { RedisConsoleStore } from "./console.ts";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** Sends commands (see `nodeRedisPort`, or a few-line shim over another client). */
  readonly redis: RedisPort;
  /** Prefix of every key, to share one Redis between deployments (default `"ds:"`). */
  readonly prefix?: string;
  /** A command without a reply after this long fails with `ERR_UNAVAILABLE` (default 2000). */
  readonly commandTimeoutMs?: number;
  /**
   * After consuming a secure-token id, `WAIT` for this many replicas (default 0: off). Fewer
   * acknowledgements within `waitMs` answer `ERR_UNAVAILABLE` (the id stays consumed). This
   * narrows, but does not close, the window in which a failover loses a just-consumed id:
   * Redis replication is asynchronous.
   */
  readonly waitReplicas?: number;
  /** The `WAIT` timeout in milliseconds (default 50). */
  readonly waitMs?: number;
  /** How long rules live after their last write or read (default 400 days). */
  readonly ruleTtlMs?: number;
  /**
   * Append every fresh telemetry event to a Redis Stream per client (`<prefix>ev:<client>`,
   * `XADD … MAXLEN ~ maxLen`), atomically with its dedupe: an event is in the stream exactly
   * once. The stream key lives in another slot than the session, so this needs one Redis node
   * (or a primary with replicas), not a Cluster. Default: off.
   */
  readonly events?: {
    readonly maxLen: number;
    /** How long a stream outlives its last append (default 7 days): consume within it. */
    readonly ttlMs?: number;
  };
  /** Called by {@link RedisStore.close} (e.g. to disconnect the client). */
  readonly onClose?: () => Promise<void>;
  /** The clock, epoch milliseconds (default `Date.now`): TTLs are relative to it. */
  readonly now?: () => number;
}

const SCRIPTS = {
  replaceHash: new Script(S.REPLACE_HASH),
  patchSession: new Script(S.PATCH_SESSION),
  appendEvents: new Script(S.APPEND_EVENTS),
  appendAndPatch: new Script(S.APPEND_AND_PATCH),
  putAction: new Script(S.PUT_ACTION),
  setActionOutcome: new Script(S.SET_ACTION_OUTCOME),
  findDevice: new Script(T.FIND_DEVICE),
  linkUser: new Script(T.LINK_USER),
  hit: new Script(T.HIT),
  addDistinct: new Script(T.ADD_DISTINCT),
  incrWindow: new Script(T.INCR_WINDOW),
  putRule: new Script(T.PUT_RULE),
  deleteRule: new Script(T.DELETE_RULE),
  listRules: new Script(T.LIST_RULES),
  swapKeyring: new Script(T.SWAP_KEYRING),
};

/** One event's session change as {@link S.APPEND_AND_PATCH} takes it. */
function changeCode(p: SessionPatch | undefined): string {
  if (p === undefined) return "";
  if (p.interactions !== undefined) return "i";
  if (p.user !== undefined) return p.user.id === null ? "n" : `s${p.user.id}`;
  if (p.automation === true || p.platform !== undefined) {
    return `d${p.automation === true ? 1 : 0}${p.platform?.slice(0, 32) ?? ""}`;
  }
  return "";
}

let memberCounter = 0;
const MEMBER_PREFIX = Math.random().toString(36).slice(2, 8);

/**
 * The Redis {@link Store}.
 *
 * @example
 * ```ts
 * import { type ClientOptions, createService } from "device-session/server";
 * import { connectRedis } from "device-session/server/redis";
 * declare const clients: ClientOptions[];
 * const store = await connectRedis({ url: "redis://127.0.0.1:6379/0" });
 * const service = await createService({ publicUrl: "https://risk.example.com", clients, store });
 * ```
 */
export class RedisStore implements Store {
  readonly #r: Runner;
  readonly #k: RedisKeys;
  readonly #o: RedisStoreOptions;
  readonly #now: () => number;
  /** The operator console's data, shared by every process (docs/operations.md). */
  readonly console: ConsoleStore;

  constructor(options: RedisStoreOptions) {
    this.#o = options;
    this.#r = new Runner(options.redis, options.commandTimeoutMs ?? 2000);
    this.#k = new RedisKeys(options.prefix ?? "ds:");
    this.#now = options.now ?? Date.now;
    this.console = new RedisConsoleStore(this.#r, options.prefix ?? "ds:", this.#now);
  }

  /** Whether Redis answers `PING` now (readiness). */
  async ping(): Promise<boolean> {
    try {
      return (await this.#r.send(["PING"])) === "PONG";
    } catch {
      return false;
    }
  }

  consume(key: string, untilMs: number): Promise<boolean> {
    return this.#consume(this.#k.replay(key), untilMs, this.#o.waitReplicas ?? 0);
  }

  /** Consumes a device-proof id, in a table of its own. */
  consumeProof(key: string, untilMs: number): Promise<boolean> {
    return this.#consume(this.#k.proof(key), untilMs, 0);
  }

  async #consume(k: string, untilMs: number, replicas: number): Promise<boolean> {
    const ttl = untilMs - this.#now();
    // Retention already over: consumed and forgotten at once (PX 0 is an error in Redis).
    if (ttl <= 0) return true;
    const ok = (await this.#r.send(["SET", k, 1, "NX", "PX", Math.ceil(ttl)])) === "OK";
    if (ok && replicas > 0) {
      const acked = Number(await this.#r.send(["WAIT", replicas, this.#o.waitMs ?? 50], k));
      if (acked < replicas) {
        throw storeUnavailable(new Error(`WAIT: ${acked} of ${replicas} replicas acknowledged`));
      }
    }
    return ok;
  }

  async createSession(session: SessionRecord, expiresAtMs: number): Promise<void> {
    const ttl = Math.ceil(expiresAtMs - this.#now());
    await this.#r.run(SCRIPTS.replaceHash, [this.#k.session(session.id)], [
      ttl,
      ...sessionFields(session),
    ]);
  }

  async getSession(id: string): Promise<SessionRecord | null> {
    return sessionFromReply(id, await this.#r.send(["HGETALL", this.#k.session(id)]));
  }

  async patchSession(
    id: string,
    patch: SessionPatch,
    now: number,
    retentionS: number,
  ): Promise<SessionRecord | null> {
    const reply = await this.#r.run(SCRIPTS.patchSession, [this.#k.session(id)], [
      now,
      retentionS,
      this.#now(),
      patch.seen ?? "",
      patch.dropped ?? "",
      ...this.#patchMembers(patch),
    ]);
    return sessionFromReply(id, reply);
  }

  /** The members of a patch after `seen`, `dropped`, as {@link S.PATCH_SESSION} takes them. */
  #patchMembers(patch: SessionPatch): RedisArg[] {
    const u = patch.user;
    return [
      patch.interactions ?? "",
      patch.automation === true ? "1" : "",
      patch.platform?.slice(0, 32) ?? "",
      u === undefined ? "" : u.id === null ? "n" : "s",
      u?.id ?? "",
      u?.seq ?? 0,
    ];
  }

  async appendEvents(
    sessionId: string,
    seqs: readonly number[],
    _expiresAtMs: number,
    publish?: EventsToPublish,
    patch?: EventsPatch,
  ): Promise<{ fresh: number[]; highSeq: number; session?: SessionRecord | null }> {
    const stream = this.#o.events;
    const keys = [this.#k.session(sessionId)];
    const args: RedisArg[] = [
      MAX_SEQ_RANGES,
      stream?.maxLen ?? 0,
      stream?.ttlMs ?? 7 * 86_400_000,
      sessionId,
    ];
    if (patch !== undefined) {
      args.push(patch.now, patch.retentionS, this.#now(), patch.base.seen ?? "");
      args.push(patch.base.dropped ?? "");
    }
    const json = new Map<number, string>();
    if (stream !== undefined && publish !== undefined) {
      keys.push(this.#k.events(publish.clientId));
      for (const e of publish.events) json.set(e.seq, JSON.stringify(e));
    }
    const order = json.size > 0 ? [...json.keys()] : seqs;
    for (const s of order) {
      args.push(s, json.get(s) ?? "");
      if (patch !== undefined) args.push(changeCode(patch.bySeq.get(s)));
    }
    const script = patch === undefined ? SCRIPTS.appendEvents : SCRIPTS.appendAndPatch;
    const reply = await this.#r.run(script, keys, args);
    if (!Array.isArray(reply)) {
      // The session is gone: nothing is stored, every distinct seq counts as new.
      const sorted = [...new Set(seqs)].sort((a, b) => a - b);
      const answer = { fresh: sorted, highSeq: sorted.at(-1) ?? 0 };
      return patch === undefined ? answer : { ...answer, session: null };
    }
    if (patch !== undefined) {
      const [fresh, high, hash] = reply as [unknown[], unknown, unknown];
      const session = sessionFromReply(sessionId, hash);
      return { fresh: fresh.map(Number), highSeq: Number(high), session };
    }
    const all = reply.map(Number);
    return { fresh: all.slice(0, -1), highSeq: all.at(-1)! };
  }

  async putAction(action: ActionRecord, expiresAtMs: number): Promise<ActionRecord> {
    const key = this.#k.action(action.id);
    if (key === null || !action.id.endsWith(action.sessionId)) {
      throw new TypeError("an action id must end with its session id (actionIdFor)");
    }
    const keys = action.seq === null
      ? [key]
      : [key, this.#k.actionBySeq(action.sessionId, action.seq)];
    const { outcome: _, ...record } = action;
    const args = [
      Math.max(1, Math.ceil(expiresAtMs - this.#now())),
      action.id,
      JSON.stringify(record),
    ];
    const existing = await this.#r.run(SCRIPTS.putAction, keys, [...args, "0"]);
    if (typeof existing !== "string") return { ...action };
    const stored = await this.getAction(existing);
    if (stored !== null) return stored;
    // The index outlived its action (both expire together; a race at the very end): replace.
    await this.#r.run(SCRIPTS.putAction, keys, [...args, "1"]);
    return { ...action };
  }

  async getAction(id: string): Promise<ActionRecord | null> {
    const key = this.#k.action(id);
    if (key === null) return null;
    const [r, o] = (await this.#r.send(["HMGET", key, "r", "o"])) as [unknown, unknown];
    if (typeof r !== "string") return null;
    return { ...JSON.parse(r), outcome: typeof o === "string" ? JSON.parse(o) : null };
  }

  async getActionBySeq(sessionId: string, seq: number): Promise<ActionRecord | null> {
    const id = await this.#r.send(["GET", this.#k.actionBySeq(sessionId, seq)]);
    return typeof id === "string" ? this.getAction(id) : null;
  }

  async setActionOutcome(id: string, outcome: ActionOutcome): Promise<ActionRecord | null> {
    const key = this.#k.action(id);
    if (key === null) return null;
    const r = await this.#r.run(SCRIPTS.setActionOutcome, [key], [JSON.stringify(outcome)]);
    return typeof r === "string" ? { ...JSON.parse(r), outcome: { ...outcome } } : null;
  }

  async hit(key: string, nowMs: number, windowMs: number): Promise<number> {
    const member = `${nowMs}:${MEMBER_PREFIX}${(memberCounter++).toString(36)}`;
    return Number(
      await this.#r.run(SCRIPTS.hit, [this.#k.counter("h", key)], [
        nowMs,
        windowMs,
        this.#ttl(nowMs + windowMs),
        member,
        MAX_HITS_PER_KEY,
      ]),
    );
  }

  async addDistinct(
    key: string,
    member: string | null,
    nowMs: number,
    windowMs: number,
  ): Promise<number> {
    const args = [nowMs, windowMs, this.#ttl(nowMs + windowMs), MAX_DISTINCT_PER_KEY];
    if (member !== null) args.push(member as unknown as number);
    return Number(await this.#r.run(SCRIPTS.addDistinct, [this.#k.counter("u", key)], args));
  }

  async incrWindow(
    key: string,
    nowMs: number,
    windowMs: number,
  ): Promise<{ count: number; resetAtMs: number }> {
    const reply = (await this.#r.run(SCRIPTS.incrWindow, [this.#k.counter("w", key)], [
      nowMs,
      windowMs,
      this.#now(),
    ])) as [unknown, unknown];
    return { count: Number(reply[0]), resetAtMs: Number(reply[1]) };
  }

  async registerDevice(o: {
    readonly clientId: string;
    readonly requestedId: string | null;
    readonly freshId: string;
    readonly jkt: string;
    readonly expiresAtMs: number;
  }): Promise<DeviceRegistration> {
    const ttl = this.#ttl(o.expiresAtMs);
    let keyMismatch = false;
    if (o.requestedId !== null) {
      const found = Number(
        await this.#r.run(SCRIPTS.findDevice, [
          this.#k.device(o.clientId, o.requestedId),
          this.#k.deviceUsers(o.clientId, o.requestedId),
        ], [o.jkt, ttl]),
      );
      if (found === 1) return { deviceId: o.requestedId, created: false, keyMismatch: false };
      // Known with another key: that device stays exactly as it was; this one is new.
      keyMismatch = found === 2;
    }
    await this.#r.run(SCRIPTS.replaceHash, [
      this.#k.device(o.clientId, o.freshId),
      this.#k.deviceUsers(o.clientId, o.freshId),
    ], [ttl, "k", o.jkt]);
    return { deviceId: o.freshId, created: true, keyMismatch };
  }

  async linkUser(
    clientId: string,
    deviceId: string,
    userId: string,
    expiresAtMs: number,
  ): Promise<boolean> {
    const known = await this.#r.run(SCRIPTS.linkUser, [
      this.#k.device(clientId, deviceId),
      this.#k.deviceUsers(clientId, deviceId),
    ], [userId, this.#ttl(expiresAtMs), MAX_USERS_PER_DEVICE]);
    return Number(known) === 1;
  }

  async knowsUser(clientId: string, deviceId: string, userId: string): Promise<boolean> {
    const score = await this.#r.send(["ZSCORE", this.#k.deviceUsers(clientId, deviceId), userId]);
    return score !== null && score !== undefined;
  }

  async listRules(clientId: string): Promise<readonly Rule[]> {
    const reply = await this.#r.run(SCRIPTS.listRules, this.#ruleKeys(clientId), [this.#ruleTtl()]);
    const rules = (reply as string[]).map((j) => JSON.parse(j) as Rule);
    return rules.sort((a, b) => a.priority - b.priority);
  }

  async getRule(clientId: string, id: string): Promise<Rule | null> {
    const j = await this.#r.send(["HGET", this.#k.rules(clientId), id]);
    return typeof j === "string" ? JSON.parse(j) as Rule : null;
  }

  async putRule(
    clientId: string,
    rule: Rule,
    mode: "create" | "update",
    maxRules: number,
  ): Promise<RuleWrite> {
    const frozen = Object.freeze({ ...rule, match: Object.freeze({ ...rule.match }) }) as Rule;
    const answer = await this.#r.run(SCRIPTS.putRule, this.#ruleKeys(clientId), [
      rule.id,
      rule.priority,
      JSON.stringify(frozen),
      mode,
      maxRules,
      this.#ruleTtl(),
    ]);
    if (answer === "ok") return { ok: true, rule: frozen };
    return { ok: false, reason: answer as "priority_taken" | "limit" | "not_found" };
  }

  async deleteRule(clientId: string, id: string): Promise<boolean> {
    return Number(await this.#r.run(SCRIPTS.deleteRule, this.#ruleKeys(clientId), [id])) === 1;
  }

  /**
   * The shared signing keyring (JSON), renewing its TTL (that of rules); `null` when none.
   * The service's `SharedKeyring` is built on this and {@link RedisStore.swapKeyring}.
   */
  async loadKeyring(): Promise<string | null> {
    const k = this.#k.keyring();
    const [json] = (await this.#r.send(["HMGET", k, "s"])) as [unknown];
    if (typeof json !== "string") return null;
    await this.#r.send(["PEXPIRE", k, this.#ruleTtl()]);
    return json;
  }

  /** Stores `json` (current key `kid`) iff the stored current key is `expectedKid`; answers
   * what is stored afterwards. */
  async swapKeyring(expectedKid: string | null, json: string, kid: string): Promise<string> {
    return String(
      await this.#r.run(SCRIPTS.swapKeyring, [this.#k.keyring()], [
        expectedKid ?? "",
        json,
        kid,
        this.#ruleTtl(),
      ]),
    );
  }

  async close(): Promise<void> {
    await this.#o.onClose?.();
  }

  #ruleKeys(clientId: string): string[] {
    return [this.#k.rules(clientId), this.#k.rulePriorities(clientId)];
  }

  #ruleTtl(): number {
    return this.#o.ruleTtlMs ?? 400 * 86_400_000;
  }

  /** A TTL in ms until `atMs` on the store's clock (at least 1: `PX 0` is an error). */
  #ttl(atMs: number): number {
    return Math.max(1, Math.ceil(atMs - this.#now()));
  }
}
