/**
 * Broken SDK machines for the checks of unusual answers (conformance/sdk/answers.ts): each wraps
 * the real `step` and breaks one rule of SPEC §5.2, §8.5, §8.7, §9.5, §9.6 or §9.8.
 *
 * @module
 */
import { nextDeadline, step } from "../../core/session/mod.ts";
import type { MachineState, SessionInput } from "../../core/session/mod.ts";
import type { SdkMutant } from "./sdk.ts";

type StepFn = typeof step;

const purposeOf = (s: MachineState, i: SessionInput) =>
  i.type === "response" ? s.pending[i.id]?.purpose : undefined;

const bodyOf = (i: SessionInput): Record<string, unknown> =>
  i.type === "response" && typeof i.body === "object" && i.body !== null
    ? i.body as Record<string, unknown>
    : {};

// Takes a 401 to a batch for a passing failure and retries it (SPEC §8.5: 401 is permanent).
const retries401: StepFn = (s, i) =>
  step(
    s,
    i.type === "response" && purposeOf(s, i) === "telemetry" && i.status === 401
      ? { ...i, status: 503 }
      : i,
  );

// A flush() within 1 s of the last batch waits until that second is over (SPEC §8.7: at once).
const lazyFlush: StepFn = (s, i) => {
  if (i.type === "flush") s.sender.retryAt = Math.max(s.sender.retryAt, s.sender.lastSentAt + 1000);
  return step(s, i);
};

// An ERR_NONCE_INVALID without a nonce is retried at once with a nonce of its own making.
const inventsNonce: StepFn = (s, i) => {
  const b = bodyOf(i);
  const details = (b.details ?? {}) as Record<string, unknown>;
  if (b.code !== "ERR_NONCE_INVALID" || typeof details.nonce === "string") return step(s, i);
  return step(s, { ...i, body: { ...b, details: { ...details, nonce: "n0" } } } as SessionInput);
};

// Gives up on the key store after one failure (SPEC §9.8: the device asks for a key again).
const keyGivesUp: StepFn = (s, i) => {
  const r = step(s, i);
  if (i.type === "key_failed") s.keyInflight = true;
  return r;
};

// Counts every input as user activity, so a session never idles out (SPEC §9.6).
const neverIdle: StepFn = (s, i) => {
  const r = step(s, i);
  s.lastActivity = i.now;
  return { ...r, deadline: nextDeadline(s, i.now) };
};

// Ignores the nonce of telemetry answers (SPEC §5.2: a proof carries the latest nonce).
const ignoresTelemetryNonce: StepFn = (s, i) => {
  if (purposeOf(s, i) !== "telemetry" || !("nonce" in bodyOf(i))) return step(s, i);
  const { nonce: _, ...body } = bodyOf(i);
  return step(s, { ...i, body } as SessionInput);
};

// Adopts the service's user only once nothing of the session is queued (SPEC §9.10: at once).
const lateAdopt: StepFn = (s, i) => {
  const b = bodyOf(i);
  if (purposeOf(s, i) !== "telemetry" || typeof b.user_id !== "string") return step(s, i);
  const queued = s.queue.events.length;
  return step(s, (queued > 0 ? { ...i, body: { ...b, user_id: s.user } } : i) as SessionInput);
};

// At shutdown with no event queued, closes at once: a batch reporting drops is abandoned (§9.11).
const closesEarly: StepFn = (s, i) => {
  const r = step(s, i);
  if (i.type !== "shutdown" || s.queue.events.length > 0 || s.sender.inflight === null) return r;
  s.sender.inflight = null; // forgotten: its answer will be ignored
  const t = step(s, { type: "tick", now: i.now, random: i.random });
  return { ...t, effects: [...r.effects, ...t.effects] };
};

// Moves every waiting action into a newly created session, its old session's included (§9.6).
const actionsFollowSession: StepFn = (s, i) => {
  const before = s.session?.id;
  const r = step(s, i);
  const now = s.session?.id;
  if (now !== undefined && now !== before) {
    for (const w of s.waiters) if (w.kind === "action") w.sid = now;
  }
  return r;
};

// Keeps the seq an action had before its session existed (SPEC §8.1: it takes the session's).
const pendingActionSeq: StepFn = (s, i) => {
  const old = new Map(s.waiters.filter((w) => w.sid === "~").map((w) => [w.id, w.seq]));
  const r = step(s, i);
  for (const w of s.waiters) if (old.has(w.id) && w.sid !== "~") w.seq = old.get(w.id);
  return r;
};

/** The broken machines of the unusual-answer checks, by name. */
export const ANSWER_SDK_MUTANTS: Readonly<Record<string, SdkMutant>> = {
  "retries-401": {
    description: "retries a batch answered 401 instead of dropping it",
    fails: ["sdk.telemetry.permanent-statuses"],
    step: retries401,
  },
  "lazy-flush": {
    description: "a flush() within 1 s of the last batch waits until that second is over",
    fails: ["sdk.telemetry.flush-now"],
    step: lazyFlush,
  },
  "invents-nonce": {
    description: "retries ERR_NONCE_INVALID without a nonce at once, with a nonce of its own",
    fails: ["sdk.nonce.missing"],
    step: inventsNonce,
  },
  "key-gives-up": {
    description: "never asks the key store again after one failure",
    fails: ["sdk.keys.store-failure"],
    step: keyGivesUp,
  },
  "never-idle": {
    description: "counts every input as user activity: sessions never idle out",
    // The trace vectors idle sessions out too.
    fails: [
      "sdk.lifetime.idle",
      "sdk.trace.lifetime",
      "sdk.trace.persistence",
      "sdk.trace.regression",
      "sdk.trace.single-flight",
    ],
    step: neverIdle,
  },
  "late-adopt": {
    description: "adopts the service's user only once nothing of the session is queued",
    fails: ["sdk.user.adopt"],
    step: lateAdopt,
  },
  "closes-early": {
    description:
      "at shutdown with no event queued, closes at once (a drop report in flight is abandoned)",
    fails: ["sdk.lifecycle.shutdown-waits"],
    step: closesEarly,
  },
  "actions-follow-session": {
    description: "moves every waiting action into a new session, its old session's included",
    fails: ["sdk.actions.session-end"],
    step: actionsFollowSession,
  },
  "pending-action-seq": {
    description: "keeps the seq an action had before its session existed",
    fails: ["sdk.actions.before-session"],
    step: pendingActionSeq,
  },
  "ignores-telemetry-nonce": {
    description: "ignores the nonce of telemetry answers",
    fails: ["sdk.nonce.latest"],
    step: ignoresTelemetryNonce,
  },
};
