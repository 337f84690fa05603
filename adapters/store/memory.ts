/**
 * The in-memory store: the embedded default (`npm start` needs nothing else). One process;
 * every operation runs to completion synchronously before its promise resolves, so each is
 * atomic. Memory is bounded: every table expires entries (checked on read, swept incrementally
 * on write) and has a size cap. Beyond the cap the oldest entry is evicted, except in the two
 * replay tables, which fail closed: a full table refuses new ids (`ERR_UNAVAILABLE`) and never
 * forgets a live one (SPEC §5.7.5).
 *
 * @module
 */
import type { ConsoleStore } from "./console.ts";
import { MemoryConsoleStore } from "./console-memory.ts";
import { errorFromCode } from "../../core/errors/error.ts";
import type { Rule } from "../../core/wire/backend.ts";
import type { ActionOutcome, ActionRecord } from "../../core/service/action.ts";
import { addSeqs, highSeq } from "../../core/service/seqs.ts";
import {
  applySessionPatch,
  type SessionPatch,
  type SessionRecord,
  sessionRetainUntil,
} from "../../core/service/session.ts";
import { ExpiringMap } from "./expiring-map.ts";
import { Devices, DistinctCounters, HitCounters, Rules, WindowCounters } from "./memory-tables.ts";
import type {
  DeviceRegistration,
  EventsPatch,
  EventsToPublish,
  RuleWrite,
  Store,
} from "./types.ts";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock, epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Most sessions kept (default 1,000,000); beyond, the oldest is evicted. */
  readonly maxSessions?: number;
  /** Most actions kept (default 1,000,000). */
  readonly maxActions?: number;
  /** Most devices kept (default 1,000,000). */
  readonly maxDevices?: number;
  /** Most unexpired secure-token ids kept (default 2,000,000); beyond, consume refuses. */
  readonly maxReplayIds?: number;
  /** Most unexpired device-proof ids kept (default 1,000,000); beyond, consumeProof refuses. */
  readonly maxProofIds?: number;
  /** Most counter keys kept per kind (default 1,000,000). */
  readonly maxCounterKeys?: number;
}

interface SessionEntry {
  rec: SessionRecord;
  /** Stored telemetry seqs as ranges (core/service/seqs.ts). */
  seqs: number[];
}

/** Counts of what the store holds (monitoring, benchmarks). */
export interface MemoryStoreStats {
  readonly sessions: number;
  readonly actions: number;
  readonly devices: number;
  readonly replayIds: number;
  readonly proofIds: number;
  readonly evicted: number;
}

/**
 * The in-memory {@link Store}.
 *
 * @example
 * ```ts
 * import { type ClientOptions, createService } from "device-session/server";
 * declare const clients: ClientOptions[];
 * const service = await createService({
 *   publicUrl: "https://risk.example.com",
 *   clients,
 *   store: new MemoryStore(),
 * });
 * ```
 */
export class MemoryStore implements Store {
  readonly #now: () => number;
  readonly #replay: ExpiringMap<string, true>;
  readonly #proofs: ExpiringMap<string, true>;
  readonly #sessions: ExpiringMap<string, SessionEntry>;
  readonly #actions: ExpiringMap<string, ActionRecord>;
  readonly #actionBySeq: ExpiringMap<string, string>;
  readonly #hits: HitCounters;
  readonly #distinct: DistinctCounters;
  readonly #windows: WindowCounters;
  readonly #devices: Devices;
  readonly #rules = new Rules();
  /** The operator console's data (docs/operations.md). */
  readonly console: ConsoleStore;

  constructor(options: MemoryStoreOptions = {}) {
    const now = this.#now = options.now ?? Date.now;
    const counters = options.maxCounterKeys ?? 1_000_000;
    this.#replay = new ExpiringMap({ maxSize: options.maxReplayIds ?? 2_000_000, now });
    this.#proofs = new ExpiringMap({ maxSize: options.maxProofIds ?? 1_000_000, now });
    this.#sessions = new ExpiringMap({ maxSize: options.maxSessions ?? 1_000_000, now });
    this.#actions = new ExpiringMap({ maxSize: options.maxActions ?? 1_000_000, now });
    this.#actionBySeq = new ExpiringMap({ maxSize: options.maxActions ?? 1_000_000, now });
    this.#hits = new HitCounters(counters, now);
    this.#distinct = new DistinctCounters(counters, now);
    this.#windows = new WindowCounters(counters, now);
    this.#devices = new Devices(options.maxDevices ?? 1_000_000, now);
    this.console = new MemoryConsoleStore(now);
  }

  /** What the store holds now. */
  stats(): MemoryStoreStats {
    return {
      sessions: this.#sessions.size,
      actions: this.#actions.size,
      devices: this.#devices.size,
      replayIds: this.#replay.size,
      proofIds: this.#proofs.size,
      evicted: this.#sessions.evicted + this.#actions.evicted,
    };
  }

  /** Removes every expired entry now (the incremental sweep does this gradually anyway). */
  sweep(): number {
    return this.#replay.sweep() + this.#proofs.sweep() + this.#sessions.sweep() +
      this.#actions.sweep() +
      this.#actionBySeq.sweep() + this.#hits.sweep() + this.#distinct.sweep() +
      this.#windows.sweep() + this.#devices.sweep();
  }

  consume(key: string, untilMs: number): Promise<boolean> {
    return consumeIn(this.#replay, "secure-token", key, untilMs, this.#now());
  }

  consumeProof(key: string, untilMs: number): Promise<boolean> {
    return consumeIn(this.#proofs, "device-proof", key, untilMs, this.#now());
  }

  createSession(session: SessionRecord, expiresAtMs: number): Promise<void> {
    this.#sessions.set(session.id, { rec: { ...session }, seqs: [] }, expiresAtMs);
    return Promise.resolve();
  }

  getSession(id: string): Promise<SessionRecord | null> {
    const e = this.#sessions.get(id);
    return Promise.resolve(e === undefined ? null : { ...e.rec });
  }

  patchSession(
    id: string,
    patch: SessionPatch,
    now: number,
    retentionS: number,
  ): Promise<SessionRecord | null> {
    const e = this.#sessions.get(id);
    if (e === undefined) return Promise.resolve(null);
    applySessionPatch(e.rec, patch, now);
    this.#sessions.touch(id, sessionRetainUntil(e.rec, retentionS) * 1000);
    return Promise.resolve({ ...e.rec });
  }

  appendEvents(
    sessionId: string,
    seqs: readonly number[],
    _expiresAtMs: number,
    _publish?: EventsToPublish,
    patch?: EventsPatch,
  ): Promise<{ fresh: number[]; highSeq: number; session?: SessionRecord | null }> {
    // Seqs live with their session (and expire with it); a vanished session stores nothing.
    const e = this.#sessions.get(sessionId);
    if (e === undefined) {
      const sorted = [...new Set(seqs)].sort((a, b) => a - b);
      const answer = { fresh: sorted, highSeq: sorted.at(-1) ?? 0 };
      return Promise.resolve(patch === undefined ? answer : { ...answer, session: null });
    }
    const fresh = addSeqs(e.seqs, seqs);
    if (patch === undefined) return Promise.resolve({ fresh, highSeq: highSeq(e.seqs) });
    applySessionPatch(e.rec, patch.base, patch.now);
    for (const s of fresh) {
      const p = patch.bySeq.get(s);
      if (p !== undefined) applySessionPatch(e.rec, p, patch.now);
    }
    this.#sessions.touch(sessionId, sessionRetainUntil(e.rec, patch.retentionS) * 1000);
    return Promise.resolve({ fresh, highSeq: highSeq(e.seqs), session: { ...e.rec } });
  }

  putAction(action: ActionRecord, expiresAtMs: number): Promise<ActionRecord> {
    if (action.seq !== null) {
      const seqKey = `${action.sessionId}\n${action.seq}`;
      const existing = this.#actionBySeq.get(seqKey);
      const rec = existing === undefined ? undefined : this.#actions.get(existing);
      if (rec !== undefined) return Promise.resolve({ ...rec });
      this.#actionBySeq.set(seqKey, action.id, expiresAtMs);
    }
    this.#actions.set(action.id, { ...action }, expiresAtMs);
    return Promise.resolve({ ...action });
  }

  getAction(id: string): Promise<ActionRecord | null> {
    const a = this.#actions.get(id);
    return Promise.resolve(a === undefined ? null : { ...a });
  }

  getActionBySeq(sessionId: string, seq: number): Promise<ActionRecord | null> {
    const id = this.#actionBySeq.get(`${sessionId}\n${seq}`);
    return id === undefined ? Promise.resolve(null) : this.getAction(id);
  }

  setActionOutcome(id: string, outcome: ActionOutcome): Promise<ActionRecord | null> {
    const a = this.#actions.get(id);
    if (a === undefined) return Promise.resolve(null);
    a.outcome = { ...outcome };
    return Promise.resolve({ ...a });
  }

  hit(key: string, nowMs: number, windowMs: number): Promise<number> {
    return Promise.resolve(this.#hits.hit(key, nowMs, windowMs));
  }

  addDistinct(
    key: string,
    member: string | null,
    nowMs: number,
    windowMs: number,
  ): Promise<number> {
    return Promise.resolve(this.#distinct.add(key, member, nowMs, windowMs));
  }

  incrWindow(
    key: string,
    nowMs: number,
    windowMs: number,
  ): Promise<{ count: number; resetAtMs: number }> {
    return Promise.resolve(this.#windows.incr(key, nowMs, windowMs));
  }

  registerDevice(o: {
    readonly clientId: string;
    readonly requestedId: string | null;
    readonly freshId: string;
    readonly jkt: string;
    readonly expiresAtMs: number;
  }): Promise<DeviceRegistration> {
    return Promise.resolve(this.#devices.register(o));
  }

  linkUser(
    clientId: string,
    deviceId: string,
    userId: string,
    expiresAtMs: number,
  ): Promise<boolean> {
    return Promise.resolve(this.#devices.link(clientId, deviceId, userId, expiresAtMs));
  }

  knowsUser(clientId: string, deviceId: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.#devices.knows(clientId, deviceId, userId));
  }

  listRules(clientId: string): Promise<readonly Rule[]> {
    return Promise.resolve(this.#rules.list(clientId));
  }

  getRule(clientId: string, id: string): Promise<Rule | null> {
    return Promise.resolve(this.#rules.get(clientId, id));
  }

  putRule(
    clientId: string,
    rule: Rule,
    mode: "create" | "update",
    maxRules: number,
  ): Promise<RuleWrite> {
    return Promise.resolve(this.#rules.put(clientId, rule, mode, maxRules));
  }

  deleteRule(clientId: string, id: string): Promise<boolean> {
    return Promise.resolve(this.#rules.delete(clientId, id));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The single-use check of both replay tables (the contract of `Store.consume`). */
function consumeIn(
  table: ExpiringMap<string, true>,
  what: string,
  key: string,
  untilMs: number,
  nowMs: number,
): Promise<boolean> {
  if (table.get(key) !== undefined) return Promise.resolve(false);
  // An id whose retention already passed is consumed and forgotten at once.
  if (untilMs <= nowMs || table.add(key, true, untilMs)) return Promise.resolve(true);
  const retry = Math.min(60, Math.max(1, Math.ceil(table.secondsToOldestExpiry())));
  return Promise.reject(
    errorFromCode("ERR_UNAVAILABLE", `the ${what} replay table is full`, {
      details: { retry_after_s: retry },
    }),
  );
}
