/**
 * The session registry rules (SPEC §6.2, §6.3, §8.5, §9.6): a session's record, when it ends
 * (absolute or idle lifetime), how long it is retained, and the commutative patch every write
 * goes through, so a store can apply it atomically (in memory, or in one Redis script).
 *
 * @module
 */
import type { KeyAssurance } from "../wire/primitives.ts";
import type { KeyEvent } from "../wire/device.ts";

/** A device session as the service stores it. Times are epoch seconds. */
export interface SessionRecord {
  readonly id: string;
  readonly clientId: string;
  readonly deviceId: string;
  /** Thumbprint of the device key the session is bound to (`cnf.jkt`). */
  readonly jkt: string;
  readonly keyAssurance: KeyAssurance;
  readonly keyEvent: KeyEvent;
  /** The create presented a device id bound to another key (SPEC §6.2; signal KEY_CHANGED). */
  readonly keyChanged: boolean;
  readonly createdAt: number;
  /** `createdAt + session_absolute_s`. */
  readonly absoluteEnd: number;
  /** The idle lifetime the session was created with. */
  readonly idleS: number;
  /** Last request seen for the session (create, refresh, telemetry, backend action). */
  lastSeen: number;
  /** The session's user (SPEC §9.10), or `null`. */
  userId: string | null;
  /** `seq` of the identify event that set `userId` (0: set otherwise); older ones are ignored. */
  userSeq: number;
  /** `platform` reported at create or by a `device` event (e.g. `"browser"`), or `null`. */
  platform: string | null;
  /** A `device` event or the create attributes reported `automation: true`. */
  automation: boolean;
  /** Number of `interaction` events stored. */
  interactions: number;
  /** Largest cumulative `dropped.total` the device reported (SPEC §8.3). */
  dropped: number;
}

/**
 * The end of a session: its absolute end or `idleS` after it was last seen, whichever is first.
 *
 * @example
 * ```ts
 * sessionEnd({ absoluteEnd: 90_000, lastSeen: 1_000, idleS: 1800 }); // 2800
 * ```
 */
export function sessionEnd(s: Pick<SessionRecord, "absoluteEnd" | "lastSeen" | "idleS">): number {
  return Math.min(s.absoluteEnd, s.lastSeen + s.idleS);
}

/** Where a session stands at a time. */
export type SessionStatus = "active" | "ended" | "gone";

/**
 * `active` before its end; `ended` from its end until `retentionS` later (telemetry is still
 * accepted, refresh answers 410); `gone` afterwards (SPEC §8.5).
 *
 * @example
 * ```ts
 * declare const rec: SessionRecord;
 * declare const now: number;
 * sessionStatus(rec, now, 86400) === "active";
 * ```
 */
export function sessionStatus(
  s: Pick<SessionRecord, "absoluteEnd" | "lastSeen" | "idleS">,
  now: number,
  retentionS: number,
): SessionStatus {
  const end = sessionEnd(s);
  if (now < end) return "active";
  return now < end + retentionS ? "ended" : "gone";
}

/**
 * When a store may forget the session (epoch seconds): its current end plus retention. Every
 * patch that moves `lastSeen` moves this too.
 */
export function sessionRetainUntil(
  s: Pick<SessionRecord, "absoluteEnd" | "lastSeen" | "idleS">,
  retentionS: number,
): number {
  return sessionEnd(s) + retentionS;
}

/** Inputs of {@link newSession}. */
export interface NewSession {
  readonly id: string;
  readonly clientId: string;
  readonly deviceId: string;
  readonly jkt: string;
  readonly keyAssurance: KeyAssurance;
  readonly keyEvent: KeyEvent;
  readonly keyChanged: boolean;
  readonly userId: string | null;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  readonly now: number;
  readonly absoluteS: number;
  readonly idleS: number;
}

const KEY_ASSURANCES: readonly KeyAssurance[] = [
  "persistent-nonextractable",
  "persistent-file",
  "persistent-custom",
  "ephemeral",
];
const KEY_EVENTS: readonly KeyEvent[] = ["none", "created", "lost"];
/** Platforms reported often enough to share one string among all sessions. */
const PLATFORMS: readonly string[] = [
  "browser",
  "node",
  "deno",
  "bun",
  "ios",
  "android",
  "react-native",
  "custom",
];

/**
 * The canonical instance of a low-cardinality value (parsed JSON makes a new string per request;
 * a session keeps the shared literal instead, which matters with a million sessions in memory).
 */
function canonical<T extends string>(value: T, known: readonly T[]): T {
  const i = known.indexOf(value);
  return i === -1 ? value : known[i]!;
}

/**
 * A fresh session record (SPEC §6.2).
 *
 * @example
 * ```ts
 * declare const id: string, clientId: string, deviceId: string, jkt: string, now: number;
 * const rec = newSession({ id, clientId, deviceId, jkt, keyAssurance: "persistent-nonextractable",
 *   keyEvent: "none", keyChanged: false, userId: null, now, absoluteS: 86400, idleS: 1800 });
 * ```
 */
export function newSession(o: NewSession): SessionRecord {
  const platform = o.attributes?.platform;
  return {
    id: o.id,
    clientId: o.clientId,
    deviceId: o.deviceId,
    jkt: o.jkt,
    keyAssurance: canonical(o.keyAssurance, KEY_ASSURANCES),
    keyEvent: canonical(o.keyEvent, KEY_EVENTS),
    keyChanged: o.keyChanged,
    createdAt: o.now,
    absoluteEnd: o.now + o.absoluteS,
    idleS: o.idleS,
    lastSeen: o.now,
    userId: o.userId,
    userSeq: 0,
    platform: typeof platform === "string" ? canonical(platform.slice(0, 32), PLATFORMS) : null,
    automation: o.attributes?.automation === true,
    interactions: 0,
    dropped: 0,
  };
}

/**
 * A change to a session. Every member is commutative or ordered by `seq`, so concurrent patches
 * give the same result in any order (a Redis script applies one atomically).
 */
export interface SessionPatch {
  /** Activity at this time: `lastSeen = max(lastSeen, seen)`, only while the session is active. */
  readonly seen?: number;
  /** `dropped = max(dropped, dropped)`. */
  readonly dropped?: number;
  /** `interactions += interactions`. */
  readonly interactions?: number;
  /** `automation ||= automation`. */
  readonly automation?: boolean;
  /** Set when none is known yet (first report wins). */
  readonly platform?: string;
  /**
   * Sets the user. With `seq` (an identify event) only if `seq > userSeq`, so a late duplicate
   * cannot undo a newer change; without (`seq` 0: create, backend result or clear) always.
   */
  readonly user?: { readonly id: string | null; readonly seq: number };
}

/**
 * Applies `patch` to `s` in place at time `now` and returns it.
 *
 * @example
 * ```ts
 * declare const rec: SessionRecord;
 * declare const now: number;
 * applySessionPatch(rec, { seen: now, interactions: 3 }, now);
 * ```
 */
export function applySessionPatch(
  s: SessionRecord,
  patch: SessionPatch,
  now: number,
): SessionRecord {
  if (patch.seen !== undefined && now < sessionEnd(s) && patch.seen > s.lastSeen) {
    s.lastSeen = Math.min(patch.seen, s.absoluteEnd);
  }
  if (patch.dropped !== undefined && patch.dropped > s.dropped) s.dropped = patch.dropped;
  if (patch.interactions !== undefined) s.interactions += patch.interactions;
  if (patch.automation === true) s.automation = true;
  if (patch.platform !== undefined && s.platform === null) {
    s.platform = canonical(patch.platform.slice(0, 32), PLATFORMS);
  }
  const u = patch.user;
  if (u !== undefined && (u.seq === 0 || u.seq > s.userSeq)) {
    s.userId = u.id;
    if (u.seq > 0) s.userSeq = u.seq;
  }
  return s;
}
