/**
 * The store port: every operation is one atomic unit of the protocol, so that one in-memory
 * process and many processes sharing Redis behave the same. Each method notes how Redis does it
 * atomically. Times are epoch milliseconds (`…Ms`) for expiries, seconds for protocol records.
 *
 * @module
 */
import type { Rule } from "../../core/wire/backend.ts";
import type { ActionOutcome, ActionRecord } from "../../core/service/action.ts";
import type { SessionPatch, SessionRecord } from "../../core/service/session.ts";

/** The result of a rule write. */
export type RuleWrite =
  | { readonly ok: true; readonly rule: Rule }
  | { readonly ok: false; readonly reason: "priority_taken" | "limit" | "not_found" };

/** The result of registering a device key at session create (SPEC §6.2). */
export interface DeviceRegistration {
  /** The device id to use: the requested one when known for the client, else the fresh one. */
  readonly deviceId: string;
  /** A new device record was created. */
  readonly created: boolean;
  /** The requested device id was known with another key, now replaced (signal KEY_CHANGED). */
  readonly keyChanged: boolean;
}

/**
 * Everything the service stores.
 *
 * @example
 * ```ts
 * const store: Store = new MemoryStore();
 * if (!(await store.consume("proof:" + jti, Date.now() + 120_000))) throw replayed();
 * ```
 */
export interface Store {
  /**
   * Records `key` until `untilMs`; `true` iff it was not recorded and unexpired (SPEC §5.7.1).
   * Exactly one of any number of concurrent calls wins. Redis: `SET key 1 NX PXAT untilMs`.
   */
  consume(key: string, untilMs: number): Promise<boolean>;

  /** Stores a new session until `expiresAtMs`. Redis: `HSET` + `PEXPIREAT` in `MULTI`. */
  createSession(session: SessionRecord, expiresAtMs: number): Promise<void>;
  /** A copy of the session, or `null` when unknown or expired. Redis: `HGETALL`. */
  getSession(id: string): Promise<SessionRecord | null>;
  /**
   * Applies `patch` atomically with `applySessionPatch` at `now` (seconds) and moves the expiry
   * to the session's end plus `retentionS`; answers the patched copy, or `null` when unknown.
   * Every patch member is commutative or seq-ordered, so a Redis script applies it in one call.
   */
  patchSession(
    id: string,
    patch: SessionPatch,
    now: number,
    retentionS: number,
  ): Promise<SessionRecord | null>;
  /**
   * Adds telemetry `seqs` to the session's stored set (SPEC §8.5); answers the ones not seen
   * before (ascending) and the largest stored. Redis: a script over a per-session range list.
   */
  appendEvents(
    sessionId: string,
    seqs: readonly number[],
    expiresAtMs: number,
  ): Promise<{ fresh: number[]; highSeq: number }>;

  /**
   * Stores an action until `expiresAtMs`, once: for an SDK action (`seq` set) whose
   * `(sessionId, seq)` already has a record, answers that record instead (SPEC §8.6). Redis:
   * `SET seqkey id NX` then `SET`/`GET` in one script.
   */
  putAction(action: ActionRecord, expiresAtMs: number): Promise<ActionRecord>;
  /** A copy of the action, or `null`. */
  getAction(id: string): Promise<ActionRecord | null>;
  /** The action recorded for an SDK event, or `null`. */
  getActionBySeq(sessionId: string, seq: number): Promise<ActionRecord | null>;
  /** Sets the latest result (SPEC §7.4: the latest wins); `null` when unknown. */
  setActionOutcome(id: string, outcome: ActionOutcome): Promise<ActionRecord | null>;

  /**
   * Records one event under `key` at `nowMs` and answers how many fall in the sliding window
   * `(nowMs − windowMs, nowMs]`, this one included. Redis: `ZADD`, `ZREMRANGEBYSCORE`, `ZCARD`,
   * `PEXPIRE` in one script.
   */
  hit(key: string, nowMs: number, windowMs: number): Promise<number>;
  /**
   * Records `member` (unless `null`) as seen under `key` at `nowMs` and answers the number of
   * distinct members seen in the sliding window. Redis: a sorted set scored by last sight.
   */
  addDistinct(key: string, member: string | null, nowMs: number, windowMs: number): Promise<number>;
  /**
   * A fixed-window counter for rate limits: increments and answers the count and when the
   * window resets. Redis: `INCR` + `PEXPIRE NX`, `PTTL`.
   */
  incrWindow(
    key: string,
    nowMs: number,
    windowMs: number,
  ): Promise<{ count: number; resetAtMs: number }>;

  /**
   * Registers the key `jkt` for a device of `clientId` (SPEC §6.2): the requested id is kept if
   * the client knows it (a different key is a key change), else `freshId` is assigned. Device
   * ids are per client: another client's id is unknown here. Redis: one script.
   */
  registerDevice(o: {
    readonly clientId: string;
    readonly requestedId: string | null;
    readonly freshId: string;
    readonly jkt: string;
    readonly expiresAtMs: number;
  }): Promise<DeviceRegistration>;
  /** Associates an authenticated user with a device; answers whether it was already known. */
  linkUser(
    clientId: string,
    deviceId: string,
    userId: string,
    expiresAtMs: number,
  ): Promise<boolean>;
  /** Whether the user was associated with the device before. */
  knowsUser(clientId: string, deviceId: string, userId: string): Promise<boolean>;

  /** The client's rules in ascending priority (do not mutate). */
  listRules(clientId: string): Promise<readonly Rule[]>;
  /** One rule of the client, or `null` (another client's rule is `null` too). */
  getRule(clientId: string, id: string): Promise<Rule | null>;
  /**
   * Creates (`create`) or replaces (`update`) a rule, keeping priorities unique per client and
   * at most `maxRules` rules. Redis: a script over a per-client hash and priority index.
   */
  putRule(
    clientId: string,
    rule: Rule,
    mode: "create" | "update",
    maxRules: number,
  ): Promise<RuleWrite>;
  /** Deletes a rule; `false` when the client has no such rule. */
  deleteRule(clientId: string, id: string): Promise<boolean>;

  /** Releases resources (connections, timers). */
  close(): Promise<void>;
}
