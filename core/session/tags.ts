/**
 * Which session queued events belong to (SPEC §9.6): events tracked before a session exists
 * wait under a placeholder id and are moved into the session once it is created or resumed;
 * an ended session's telemetry token is kept only while events of it are queued. Shared by the
 * session half (`auth.ts`) and the telemetry half (`events.ts`) of the machine.
 *
 * @module
 */
import { countDrop } from "../telemetry/queue.ts";
import type { MachineState } from "./types.ts";

/** Events tracked before a session exists belong to the next session (re-tagged on create). */
export const PENDING_SID = "~";

/** The session new events belong to. */
export function currentSid(s: MachineState): string {
  return s.session?.id ?? PENDING_SID;
}

/** Moves events tracked before the session existed into session `sid` (SPEC §9.6). */
export function retagPending(s: MachineState, sid: string): void {
  const q = s.queue;
  // Renumber in enqueue order, continuing the session's own sequence: a resumed session
  // (SPEC §9.15) has already used seqs, a new one starts at 1 either way (SPEC §8.1).
  const renumbered = new Map<number, number>();
  let next = q.nextSeq[sid] ?? 1;
  for (const e of q.events) {
    if (e.sid !== PENDING_SID) continue;
    const w = e as { sid: string; seq: number };
    renumbered.set(w.seq, next);
    w.sid = sid;
    w.seq = next++;
  }
  // Seqs handed out under PENDING_SID but already dropped still count as used.
  q.nextSeq[sid] = Math.max(next, (q.nextSeq[sid] ?? 1) + ((q.nextSeq[PENDING_SID] ?? 1) - 1));
  delete q.nextSeq[PENDING_SID];
  const d = q.dropped[PENDING_SID];
  if (d !== undefined) {
    for (const p of [1, 2, 3] as const) {
      const n = d.by_priority[p] ?? 0;
      if (n > 0) countDrop(q, sid, p, n);
    }
    delete q.dropped[PENDING_SID];
  }
  for (const w of s.waiters) {
    if (w.sid !== PENDING_SID) continue;
    w.sid = sid;
    if (w.seq !== undefined) w.seq = renumbered.get(w.seq) ?? w.seq;
  }
  if (renumbered.size > 0) s.persist.dirty = true;
}

/** Forgets the telemetry token of an ended session once nothing of it is queued. */
export function dropSessionTokenIfIdle(s: MachineState, sid: string): void {
  if (s.session?.id === sid) return;
  if (s.queue.events.some((e) => e.sid === sid)) return;
  delete s.tokens[sid];
}
