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
import type { ConsoleStore } from "./console.ts";

/** The result of a rule write. */
export type RuleWrite =
  | { readonly ok: true; readonly rule: Rule }
  | { readonly ok: false; readonly reason: "priority_taken" | "limit" | "not_found" };

/**
 * The result of registering a device key at session create (SPEC §6.2). A device id is bound to
 * the key that created it: exactly one of three outcomes.
 *
 * | case | `deviceId` | `created` | `keyMismatch` |
 * |---|---|---|---|
 * | requested id known for the client with this `jkt` | the requested id | `false` | `false` |
 * | requested id known for the client with another `jkt` | `freshId` | `true` | `true` |
 * | no requested id, or unknown (expired, another client's) | `freshId` | `true` | `false` |
 */
export interface DeviceRegistration {
  /** The device id to use: the requested one when known with this key, else the fresh one. */
  readonly deviceId: string;
  /** A new device record was created (under `freshId`). */
  readonly created: boolean;
  /**
   * The requested id is registered with another key. The stored device was left exactly as it
   * was (key, users, expiry); the presenting session gets a new device and the signal
   * `KEY_CHANGED` (SPEC §6.2, §10.3).
   */
  readonly keyMismatch: boolean;
}

/** The events of a telemetry batch, for a store that publishes fresh ones (an event stream). */
export interface EventsToPublish {
  readonly clientId: string;
  readonly events: readonly { readonly seq: number }[];
}

/**
 * What a telemetry batch changes in its session, applied by {@link Store.appendEvents} in the
 * same atomic unit as its seqs: a batch whose seqs were stored has changed its session too, so a
 * fault after that unit (a lost reply, a store gone mid-request) loses nothing when the device
 * resends the batch, and nothing counts twice.
 *
 * @example
 * ```ts
 * import type { Store } from "./types.ts";
 * declare const store: Store;
 * const now = 1_800_000_000;
 * const patch: EventsPatch = {
 *   base: { seen: now, dropped: 0 },
 *   bySeq: new Map([[1, { interactions: 1 }]]),
 *   now,
 *   retentionS: 86_400,
 * };
 * const { fresh, session } = await store.appendEvents("s_1", [1], now * 1000, undefined, patch);
 * ```
 */
export interface EventsPatch {
  /** Applied once, fresh events or not (`seen`, `dropped`: idempotent members). */
  readonly base: SessionPatch;
  /** Each event's own change (core `eventPatch`), applied only when its seq is fresh. */
  readonly bySeq: ReadonlyMap<number, SessionPatch>;
  /** As in {@link Store.patchSession}. */
  readonly now: number;
  readonly retentionS: number;
}

/**
 * Everything the service stores.
 *
 * @example
 * ```ts
 * import { MemoryStore } from "./memory.ts";
 * declare const id: string; // a token's jti
 * declare function replayed(): Error;
 * const store: Store = new MemoryStore();
 * if (!(await store.consume("ds:svc:" + id, Date.now() + 420_000))) throw replayed();
 * ```
 */
export interface Store {
  /**
   * Consumes a secure-token id (SPEC §5.7.1): records `key` until `untilMs` and answers `true`
   * iff it was not recorded and unexpired; `false` (a replay) leaves the record as it was.
   * Exactly one of any number of concurrent calls with one `key` answers `true`. An `untilMs`
   * not after the store's clock answers `true` and records nothing.
   *
   * Fails closed (SPEC §5.7.5): a record is never dropped before `untilMs`, whatever the memory
   * pressure. When the table holds its bound of unexpired records, a new `key` is not recorded
   * and the call rejects with a `DeviceSessionError` `ERR_UNAVAILABLE` whose
   * `details.retry_after_s` (integer 1–60) says when to retry; a known unexpired `key` still
   * answers `false`. A store it cannot reach rejects with `ERR_UNAVAILABLE` too, never `true`.
   * Redis: a script over a sorted set scored by expiry (drop expired members, `ZSCORE` → false,
   * `ZCARD` at the bound → refuse, else `ZADD`), or `SET key 1 NX PXAT untilMs` on a server
   * with `maxmemory-policy noeviction` (an OOM reply → `ERR_UNAVAILABLE`).
   */
  consume(key: string, untilMs: number): Promise<boolean>;
  /**
   * Consumes a device-proof `jti` (SPEC §5.2 step 9): the contract of {@link Store.consume}
   * over a separate table with its own bound, so that proofs (sent before any authentication)
   * can never crowd out, or be crowded out by, secure-token records. Keys of the two tables
   * never collide, even when equal.
   */
  consumeProof(key: string, untilMs: number): Promise<boolean>;

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
   * `publish` carries the batch's events: a store with an event stream appends each fresh one
   * to the client's stream in the same atomic unit, so an event is in the stream exactly once
   * when its seq is first stored; a store without one ignores it. With `patch`, the session is
   * patched in that unit too (`base`, then each fresh seq's change in seq order, as
   * {@link Store.patchSession}) and answered as `session` (`null` when unknown).
   */
  appendEvents(
    sessionId: string,
    seqs: readonly number[],
    expiresAtMs: number,
    publish?: EventsToPublish,
    patch?: EventsPatch,
  ): Promise<{ fresh: number[]; highSeq: number; session?: SessionRecord | null }>;

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
   * Registers the key `jkt` for a device of `clientId` (SPEC §6.2), one atomic unit with the
   * three outcomes of {@link DeviceRegistration}. The requested id is kept only when the client
   * knows it with this same `jkt` (its expiry then moves to `max(current, expiresAtMs)`); a
   * known id with another `jkt` is never modified (no key, expiry or user change), and a new
   * device `freshId` with `jkt` is stored until `expiresAtMs`. Device ids are per client:
   * another client's id is unknown here. Redis: one script (`HGET` jkt, then `HSET`+`PEXPIREAT`
   * on the fresh id or `PEXPIREAT GT` on the known one).
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

  /**
   * The operator console's data (docs/operations.md); a store without it cannot serve the
   * console (`createService` refuses `console` options with `ERR_CONFIG`).
   */
  readonly console?: ConsoleStore;

  /** Releases resources (connections, timers). */
  close(): Promise<void>;
}
