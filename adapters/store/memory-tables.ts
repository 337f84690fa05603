/**
 * The small tables of the in-memory store: sliding-window and distinct counters, fixed-window
 * rate counters, devices, and rules. Each method runs to completion without awaiting, which is
 * what makes it atomic in one process.
 *
 * @module
 */
import type { Rule } from "../../core/wire/backend.ts";
import type { DeviceRegistration, RuleWrite } from "./types.ts";
import { ExpiringMap } from "./expiring-map.ts";

/** Most timestamps kept per sliding-window key: counts saturate there (far above thresholds). */
export const MAX_HITS_PER_KEY = 10_000;
/** Most members kept per distinct-counter key (oldest sighting dropped first). */
export const MAX_DISTINCT_PER_KEY = 1_000;
/** Most users remembered per device (least recently associated dropped first). */
export const MAX_USERS_PER_DEVICE = 64;

/** Sliding-window counters over timestamps. */
export class HitCounters {
  readonly #map: ExpiringMap<string, number[]>;
  constructor(maxKeys: number, now: () => number) {
    this.#map = new ExpiringMap({ maxSize: maxKeys, now });
  }
  hit(key: string, nowMs: number, windowMs: number): number {
    let times = this.#map.get(key);
    if (times === undefined) times = [];
    const floor = nowMs - windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= floor) drop++;
    if (drop > 0) times.splice(0, drop);
    times.push(nowMs);
    if (times.length > MAX_HITS_PER_KEY) times.shift();
    this.#map.set(key, times, nowMs + windowMs);
    return times.length;
  }
  sweep(): number {
    return this.#map.sweep();
  }
}

/** Distinct members per key, by last sighting. */
export class DistinctCounters {
  readonly #map: ExpiringMap<string, Map<string, number>>;
  constructor(maxKeys: number, now: () => number) {
    this.#map = new ExpiringMap({ maxSize: maxKeys, now });
  }
  add(key: string, member: string | null, nowMs: number, windowMs: number): number {
    let seen = this.#map.get(key);
    if (seen === undefined) {
      if (member === null) return 0;
      seen = new Map();
    }
    const floor = nowMs - windowMs;
    for (const [m, t] of seen) if (t <= floor) seen.delete(m);
    if (member !== null) {
      seen.delete(member); // re-insert: Map order is then oldest sighting first
      seen.set(member, nowMs);
      if (seen.size > MAX_DISTINCT_PER_KEY) seen.delete(seen.keys().next().value!);
      this.#map.set(key, seen, nowMs + windowMs);
    }
    return seen.size;
  }
  sweep(): number {
    return this.#map.sweep();
  }
}

/** Fixed-window counters (rate limits). */
export class WindowCounters {
  readonly #map: ExpiringMap<string, { count: number; resetAtMs: number }>;
  constructor(maxKeys: number, now: () => number) {
    this.#map = new ExpiringMap({ maxSize: maxKeys, now });
  }
  incr(key: string, nowMs: number, windowMs: number): { count: number; resetAtMs: number } {
    let w = this.#map.get(key);
    if (w === undefined || w.resetAtMs <= nowMs) {
      w = { count: 0, resetAtMs: nowMs + windowMs };
      this.#map.set(key, w, w.resetAtMs);
    }
    w.count++;
    return { count: w.count, resetAtMs: w.resetAtMs };
  }
  sweep(): number {
    return this.#map.sweep();
  }
}

interface DeviceEntry {
  /** The device id (the map key, kept to hand out the same string). */
  readonly id: string;
  readonly jkt: string;
  /** Users associated with the device, least recent first; `null` while none. */
  users: string[] | null;
}

/**
 * Device records: key thumbprint and users seen, per client. One map per client (no composite
 * key strings: a device costs its record and its id, nothing more).
 */
export class Devices {
  readonly #byClient = new Map<string, ExpiringMap<string, DeviceEntry>>();
  readonly #max: number;
  readonly #now: () => number;
  constructor(maxDevices: number, now: () => number) {
    this.#max = maxDevices;
    this.#now = now;
  }
  #table(clientId: string): ExpiringMap<string, DeviceEntry> {
    let t = this.#byClient.get(clientId);
    if (t === undefined) {
      this.#byClient.set(clientId, t = new ExpiringMap({ maxSize: this.#max, now: this.#now }));
    }
    return t;
  }
  get size(): number {
    let n = 0;
    for (const t of this.#byClient.values()) n += t.size;
    return n;
  }
  register(o: {
    clientId: string;
    requestedId: string | null;
    freshId: string;
    jkt: string;
    expiresAtMs: number;
  }): DeviceRegistration {
    const t = this.#table(o.clientId);
    if (o.requestedId !== null) {
      const known = t.get(o.requestedId);
      if (known !== undefined && known.jkt === o.jkt) {
        t.touch(known.id, Math.max(o.expiresAtMs, t.expiresAt(known.id) ?? 0));
        return { deviceId: known.id, created: false, keyMismatch: false };
      }
      // Another key presenting a known id: the stored device stays exactly as it was.
      if (known !== undefined) return this.#fresh(t, o, true);
    }
    return this.#fresh(t, o, false);
  }
  #fresh(
    t: ExpiringMap<string, DeviceEntry>,
    o: { freshId: string; jkt: string; expiresAtMs: number },
    keyMismatch: boolean,
  ): DeviceRegistration {
    t.set(o.freshId, { id: o.freshId, jkt: o.jkt, users: null }, o.expiresAtMs);
    return { deviceId: o.freshId, created: true, keyMismatch };
  }
  link(clientId: string, deviceId: string, userId: string, expiresAtMs: number): boolean {
    const t = this.#table(clientId);
    const d = t.get(deviceId);
    if (d === undefined) return false;
    const users = d.users ?? (d.users = []);
    const i = users.indexOf(userId);
    if (i !== -1) users.splice(i, 1);
    users.push(userId);
    if (users.length > MAX_USERS_PER_DEVICE) users.shift();
    t.touch(deviceId, Math.max(expiresAtMs, t.expiresAt(deviceId) ?? 0));
    return i !== -1;
  }
  knows(clientId: string, deviceId: string, userId: string): boolean {
    return this.#byClient.get(clientId)?.get(deviceId)?.users?.includes(userId) ?? false;
  }
  sweep(): number {
    let n = 0;
    for (const t of this.#byClient.values()) n += t.sweep();
    return n;
  }
}

/** Rules per client, kept sorted by priority; priorities unique per client. */
export class Rules {
  readonly #byClient = new Map<string, Rule[]>();
  list(clientId: string): readonly Rule[] {
    return this.#byClient.get(clientId) ?? [];
  }
  get(clientId: string, id: string): Rule | null {
    return this.list(clientId).find((r) => r.id === id) ?? null;
  }
  put(clientId: string, rule: Rule, mode: "create" | "update", maxRules: number): RuleWrite {
    const rules = this.list(clientId);
    const index = rules.findIndex((r) => r.id === rule.id);
    if (mode === "update" && index === -1) return { ok: false, reason: "not_found" };
    if (mode === "create" && rules.length >= maxRules) return { ok: false, reason: "limit" };
    if (rules.some((r) => r.priority === rule.priority && r.id !== rule.id)) {
      return { ok: false, reason: "priority_taken" };
    }
    const frozen = Object.freeze({ ...rule, match: Object.freeze({ ...rule.match }) }) as Rule;
    // A new array each write: readers holding the old list see a consistent snapshot.
    const next = rules.filter((r) => r.id !== rule.id);
    next.push(frozen);
    next.sort((a, b) => a.priority - b.priority);
    this.#byClient.set(clientId, next);
    return { ok: true, rule: frozen };
  }
  delete(clientId: string, id: string): boolean {
    const rules = this.list(clientId);
    if (!rules.some((r) => r.id === id)) return false;
    this.#byClient.set(clientId, rules.filter((r) => r.id !== id));
    return true;
  }
}
