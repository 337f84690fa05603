/**
 * What the machine does because time passed or facts changed, run after every input: waiter
 * timeouts, session end, starting config/create/refresh (single flight), serving token
 * waiters, flushing telemetry, finishing shutdown; then the phase is derived from the facts
 * and the next deadline computed.
 *
 * @module
 */
import { flushDeadline } from "../telemetry/sender.ts";
import { endSession, startAuth, startConfig, startSecureMint } from "./auth.ts";
import { maybeFlush, maybePersist, PERSIST_EVERY_MS, persistQueue } from "./events.ts";
import type { Effect, MachineState, Phase } from "./types.ts";
import {
  expiryProblem,
  localMs,
  reject,
  resolve,
  serviceSeconds,
  setPhase,
  tokenUsable,
} from "./util.ts";

type Fx = Effect[];

const DORMANT: ReadonlySet<Phase> = new Set(["idle", "disabled", "closed"]);

/** Runs every rule that depends on time or state rather than on a specific input. */
export function progress(s: MachineState, now: number, random: Uint8Array, fx: Fx): void {
  if (DORMANT.has(s.phase)) return;
  expireWaiters(s, now, fx);
  endSessionByTime(s, now, fx);
  if (s.phase !== "closing") driveAuth(s, now, random, fx);
  serveWaiters(s, now, random, fx);
  // Past the close deadline a batch would be abandoned as soon as it started (SPEC §9.11).
  if (s.phase !== "closing" || now < s.closeDeadline) maybeFlush(s, now, fx);
  maybePersist(s, now, fx);
  if (s.phase === "closing") return finishClosing(s, now, fx);
  setPhase(s, derivePhase(s, now), fx);
}

/**
 * The phase follows from the facts (SPEC §9.1):
 *
 * | session | token usable | key and config | phase         |
 * |---------|--------------|----------------|---------------|
 * | yes     | yes          | —              | `active`      |
 * | yes     | no           | —              | `expired`     |
 * | no      | —            | yes            | `registering` |
 * | no      | —            | no             | `starting`    |
 */
export function derivePhase(s: MachineState, now: number): Phase {
  if (s.session !== null) return tokenUsable(s, now) ? "active" : "expired";
  return s.key !== null && s.config !== null ? "registering" : "starting";
}

function expireWaiters(s: MachineState, now: number, fx: Fx): void {
  if (s.waiters.length === 0) return;
  s.waiters = s.waiters.filter((w) => {
    if (w.kind === "shutdown" || now < w.deadline) return true;
    // A secure token whose signature is on its way is not abandoned mid-flight.
    if (w.kind === "secure" && w.signId !== undefined) return true;
    reject(fx, w.id, "ERR_TIMEOUT", `${w.kind} not available in time`);
    return false;
  });
}

function endSessionByTime(s: MachineState, now: number, fx: Fx): void {
  const ses = s.session;
  if (ses === null) return;
  if (serviceSeconds(s, now) >= ses.expiresAt) endSession(s, "absolute_lifetime", fx);
  else if (now >= s.lastActivity + ses.idleTimeoutS * 1000) endSession(s, "idle_lifetime", fx);
}

function driveAuth(s: MachineState, now: number, random: Uint8Array, fx: Fx): void {
  if (now < s.auth.retryAt && !callerMayRetryEarly(s, now)) return;
  if (s.config === null) {
    if (!s.auth.configInflight) startConfig(s, now, fx);
    return;
  }
  if (s.key === null && !s.keyInflight) {
    s.keyInflight = true;
    fx.push({ type: "generate_key", reason: s.deviceId !== null ? "lost" : "missing" });
  }
  if (s.key === null || s.nonce === null || s.auth.inflight !== null) return;
  if (s.session === null) return startAuth(s, now, random, fx);
  if (now >= s.session.refreshDueAt || !tokenUsable(s, now)) startAuth(s, now, random, fx);
}

/**
 * A caller waiting for a token may cut a backoff short (SPEC §9.5), at most once per
 * `backoff_base_ms`: a service that just came back then answers within the caller's wait.
 */
function callerMayRetryEarly(s: MachineState, now: number): boolean {
  if (s.config === null || s.key === null || now < s.auth.notBefore) return false;
  if (now - s.auth.lastAttemptAt < s.options.backoffBaseMs) return false;
  return s.waiters.some((w) =>
    w.kind === "token" || (w.kind === "secure" && w.signId === undefined)
  );
}

function serveWaiters(s: MachineState, now: number, random: Uint8Array, fx: Fx): void {
  if (s.waiters.length === 0) return;
  const usable = tokenUsable(s, now);
  let k = 0;
  s.waiters = s.waiters.filter((w) => {
    if (w.kind === "token" && usable) {
      resolve(fx, w.id, { kind: "token", token: s.session!.token });
      return false;
    }
    if (w.kind === "secure" && usable && w.signId === undefined && s.key !== null) {
      // Asked for before the config came, the expiry was only held to 3600 (SPEC §5.4).
      const problem = expiryProblem(s, w.expirationSeconds ?? 300);
      if (problem !== null) {
        reject(fx, w.id, "ERR_INVALID_INPUT", problem);
        return false;
      }
      startSecureMint(s, w, now, random, k++, fx);
    }
    if (w.kind === "flush" && s.queue.events.length === 0) {
      resolve(fx, w.id, { kind: "done", changed: true });
      return false;
    }
    return true;
  });
}

function finishClosing(s: MachineState, now: number, fx: Fx): void {
  if (s.sender.inflight !== null && now < s.closeDeadline) return;
  const sendable = s.queue.events.some((e) => s.tokens[e.sid] !== undefined);
  if (sendable && now < s.closeDeadline) return;
  persistQueue(s, fx, now);
  for (const w of s.waiters) {
    if (w.kind === "shutdown") resolve(fx, w.id, { kind: "done", changed: true });
    else reject(fx, w.id, "ERR_CLOSED", "the SDK was shut down");
  }
  s.waiters = [];
  setPhase(s, "closed", fx);
}

/**
 * The earliest local time after `now` at which the machine needs a `tick`, or `null`. Times at
 * or before `now` were handled by {@link progress} in the same step, or are blocked by an
 * in-flight request whose answer will arrive as an input.
 */
export function nextDeadline(s: MachineState, now: number): number | null {
  if (DORMANT.has(s.phase)) return null;
  let best = Infinity;
  const consider = (t: number | null) => {
    if (t !== null && t > now && t < best) best = t;
  };
  for (const w of s.waiters) if (w.kind !== "shutdown") consider(w.deadline);
  if (s.phase === "closing") consider(s.closeDeadline);
  const ses = s.session;
  if (ses !== null) {
    consider(localMs(s, ses.expiresAt));
    consider(s.lastActivity + ses.idleTimeoutS * 1000);
    consider(localMs(s, ses.tokenExp - s.options.tokenMarginS));
  }
  if (s.phase !== "closing" && s.auth.inflight === null && !s.auth.configInflight) {
    const authDue = ses === null ? 0 : ses.refreshDueAt;
    consider(Math.max(authDue, s.auth.retryAt));
    if (s.waiters.some((w) => w.kind === "token" || w.kind === "secure")) {
      consider(s.auth.lastAttemptAt + s.options.backoffBaseMs);
    }
  }
  if (s.persist.dirty) consider(s.persist.lastAt + PERSIST_EVERY_MS);
  const head = s.queue.events[0];
  if (head === undefined || s.tokens[head.sid] !== undefined) {
    consider(flushDeadline(s.queue, s.sender, s.options.flush));
  }
  return best === Infinity ? null : best;
}
