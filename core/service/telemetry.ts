/**
 * Telemetry ingest decisions (SPEC §8.3–§8.6): raw batch limits (422 before schema errors),
 * what a batch changes in its session, the `acked_seq`/`high_seq` answer, and the action events
 * that need an action record, each with the session facts as they stood at its `seq`.
 *
 * @module
 */
import type { TelemetryBatch, TelemetryEvent } from "../wire/telemetry.ts";
import { jsonBytes } from "../wire/primitives.ts";
import { BATCH_LIMITS } from "./limits.ts";
import { ascending } from "./seqs.ts";
import type { SessionPatch, SessionRecord } from "./session.ts";

/**
 * Why a parsed-but-unvalidated batch body breaks the batch limits (SPEC §8.3: too many events,
 * an event's `data` too large, the batch too large; answered 422 `ERR_BATCH_TOO_LARGE`), or
 * `null`. Checked before the schema, so a too-large event is a 422 and not a 400.
 * `dataBoundBytes`: a known upper bound on every event's serialized `data` (`jsonScan` of the
 * body text at depth 4); within the limit, no event is serialized to measure it.
 *
 * @example
 * ```ts
 * batchLimitProblem({ events: new Array(101).fill({}) }, 2000); // "at most 100 events"
 * ```
 */
export function batchLimitProblem(
  body: unknown,
  bodyBytes: number,
  dataBoundBytes: number = Infinity,
): string | null {
  if (bodyBytes > BATCH_LIMITS.maxBatchBytes) {
    return `a batch of at most ${BATCH_LIMITS.maxBatchBytes} bytes`;
  }
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return null; // the schema reports it
  if (events.length > BATCH_LIMITS.maxEvents) return `at most ${BATCH_LIMITS.maxEvents} events`;
  // Every event's data known to fit (a bound from the text, `jsonScan`): nothing to serialize.
  if (dataBoundBytes <= BATCH_LIMITS.maxEventDataBytes) return null;
  for (const e of events) {
    const data = (e as { data?: unknown } | null)?.data;
    if (
      typeof data === "object" && data !== null && jsonBytes(data) > BATCH_LIMITS.maxEventDataBytes
    ) {
      return `event data of at most ${BATCH_LIMITS.maxEventDataBytes} bytes`;
    }
  }
  return null;
}

/**
 * What one event changes in its session when its `seq` is stored for the first time (SPEC
 * §8.5): an interaction counts, a device event reports automation and the platform, an identify
 * sets the user (seq-ordered). `null`: nothing. The store applies these in the same atomic unit
 * as the seqs (`Store.appendEvents`), so a resent batch can neither lose nor repeat them.
 *
 * @example
 * ```ts
 * import type { TelemetryEvent } from "../wire/telemetry.ts";
 * const e: TelemetryEvent = { seq: 4, time_ms: 0, type: "interaction", data: { kind: "click" } };
 * eventPatch(e); // { interactions: 1 }
 * ```
 */
export function eventPatch(e: TelemetryEvent): SessionPatch | null {
  switch (e.type) {
    case "interaction":
      return { interactions: 1 };
    case "device": {
      const p = e.data.platform;
      const patch = {
        ...(e.data.automation === true ? { automation: true } : {}),
        ...(typeof p === "string" ? { platform: p.slice(0, 32) } : {}),
      };
      return Object.keys(patch).length ? patch : null;
    }
    case "identify":
      return { user: { id: e.data.user_id as string | null, seq: e.seq } };
    default:
      return null;
  }
}

/**
 * Whether a `seq` of `events` is among `fresh`, asked for each event in order. Both are ascending
 * as the store and the schema give them: one merge walk, no `Set` (a `Set` of 20 seqs per batch
 * cost ~2 % of a telemetry request on Bun). Anything else gets the `Set`.
 */
function freshTest(
  fresh: readonly number[],
  events: readonly TelemetryEvent[],
): (seq: number) => boolean {
  let inOrder = ascending(fresh);
  for (let i = 1; i < events.length && inOrder; i++) inOrder = events[i]!.seq > events[i - 1]!.seq;
  if (!inOrder) {
    const set = new Set(fresh);
    return (seq) => set.has(seq);
  }
  let next = 0;
  return (seq) => {
    while (next < fresh.length && fresh[next]! < seq) next++;
    return next < fresh.length && fresh[next] === seq;
  };
}

/** An action event of a batch, with the session facts at its `seq`. */
export interface PlannedAction {
  readonly seq: number;
  readonly event: TelemetryEvent;
  /** The session's user when the event was enqueued (identify events before it applied). */
  readonly userId: string | null;
  /** Interaction events stored before it. */
  readonly interactionsBefore: number;
  /** Automation reported before it. */
  readonly automation: boolean;
  /** The platform known at it. */
  readonly platform: string | null;
}

/** What a batch does: the session patch, the answer's seqs and the actions to record. */
export interface BatchPlan {
  readonly patch: SessionPatch;
  readonly ackedSeq: number;
  /** Every action event of the batch, fresh or duplicate (duplicates get the stored record). */
  readonly actions: readonly PlannedAction[];
  /** Users the batch's identify events name (fresh or resent, each once), in order. */
  readonly usersSet: readonly string[];
}

/**
 * Plans a stored batch. `fresh` are the `seq`s the store had not seen (only they change the
 * session); `before` is the session as read before the batch; `highSeq` the store's answer.
 *
 * @example
 * ```ts
 * import type { TelemetryBatch } from "../wire/telemetry.ts";
 * import type { SessionRecord } from "./session.ts";
 * declare const batch: TelemetryBatch;
 * declare const session: SessionRecord;
 * // `fresh`, `highSeq`: the store's answer to appending the batch's `seq`s
 * declare const fresh: readonly number[], highSeq: number, now: number;
 * const plan = planBatch({ batch, fresh, before: session, highSeq, now });
 * ```
 */
export function planBatch(o: {
  readonly batch: TelemetryBatch;
  readonly fresh: readonly number[];
  readonly before: SessionRecord;
  readonly highSeq: number;
  readonly now: number;
}): BatchPlan {
  const isFresh = freshTest(o.fresh, o.batch.events);
  let user = o.before.userId;
  let userSeq = o.before.userSeq;
  let interactions = o.before.interactions;
  let automation = o.before.automation;
  let platform = o.before.platform;
  let newInteractions = 0;
  let newAutomation = false;
  let newPlatform: string | undefined;
  let userChange: { id: string | null; seq: number } | undefined;
  const usersSet: string[] = [];
  const actions: PlannedAction[] = [];
  // Events are in increasing seq order (schema-checked), so a running state gives each action
  // the facts as they stood when it was enqueued.
  for (const e of o.batch.events) {
    const fresh = isFresh(e.seq);
    switch (e.type) {
      case "interaction":
        if (fresh) {
          interactions++;
          newInteractions++;
        }
        break;
      case "device": {
        if (e.data.automation === true) {
          automation = true;
          if (fresh) newAutomation = true;
        }
        const p = e.data.platform;
        if (typeof p === "string" && platform === null) {
          platform = p.slice(0, 32);
          if (fresh) newPlatform = platform;
        }
        break;
      }
      case "identify": {
        const id = e.data.user_id as string | null;
        if (fresh && e.seq > userSeq) {
          user = id;
          userSeq = e.seq;
          userChange = { id, seq: e.seq };
        }
        // Resent too: linking is idempotent, and resending is how a link that failed after
        // the batch's seqs were stored gets made.
        if (id !== null && !usersSet.includes(id)) usersSet.push(id);
        break;
      }
      case "action":
        actions.push({
          seq: e.seq,
          event: e,
          userId: user,
          interactionsBefore: interactions,
          automation,
          platform,
        });
        break;
      case "page":
        break;
    }
  }
  const lastSeq = o.batch.events.length ? o.batch.events[o.batch.events.length - 1]!.seq : 0;
  // Members set one by one (same order as ever): on Node 20 each spread after a member is a
  // slow runtime call, and a batch is planned per request.
  const patch: { -readonly [K in keyof SessionPatch]: SessionPatch[K] } = {
    seen: o.now,
    dropped: o.batch.dropped.total,
  };
  if (newInteractions > 0) patch.interactions = newInteractions;
  if (newAutomation) patch.automation = true;
  if (newPlatform !== undefined) patch.platform = newPlatform;
  if (userChange !== undefined) patch.user = userChange;
  // An empty batch (a drop counter alone) acknowledges everything stored so far (SPEC §8.5).
  return { patch, ackedSeq: lastSeq === 0 ? o.highSeq : lastSeq, actions, usersSet };
}
