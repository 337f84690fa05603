/**
 * Broken SDK machines at the edges of the rules (SPEC §8.5, §8.7, §9.5): Retry-After above the
 * cap ignored, Retry-After ignored on telemetry, an acknowledgement above the batch accepted,
 * and page-hide beacons that pick events by age or measure their budget in characters.
 *
 * @module
 */
import { step } from "../../core/session/mod.ts";
import type { MachineState, SessionEffect, SessionInput } from "../../core/session/mod.ts";
import type { SdkMutant, StepFn } from "./sdk.ts";

type Response = Extract<SessionInput, { type: "response" }>;

/** The input without `retryAfter` when `drop` says so (a `Retry-After` the machine never saw). */
function withoutRetryAfter(i: SessionInput, drop: (r: Response) => boolean): SessionInput {
  if (i.type !== "response" || i.retryAfter === undefined || !drop(i)) return i;
  const { retryAfter: _, ...rest } = i;
  return rest;
}

// `if (retryAfter <= cap) delay = max(delay, retryAfter)`: above the cap it is ignored (§9.5).
const retryAfterOverCapIgnored: StepFn = (s, i) =>
  step(s, withoutRetryAfter(i, (r) => (r.retryAfter ?? 0) > 300));

// Telemetry backs off by its own counter only, never by Retry-After (§8.5, §9.5).
const telemetryIgnoresRetryAfter: StepFn = (s, i) =>
  step(s, withoutRetryAfter(i, (r) => s.pending[r.id]?.purpose === "telemetry"));

// Removes the in-flight batch once acked_seq is at least its largest seq (§8.5 says: equal).
const ackAtLeast: StepFn = (s: MachineState, i) => {
  if (i.type !== "response" || s.pending[i.id]?.purpose !== "telemetry") return step(s, i);
  const top = s.queue.events[s.queue.inflight - 1]?.seq;
  const body = i.body as { acked_seq?: unknown } | null;
  if (top === undefined || typeof body?.acked_seq !== "number" || body.acked_seq <= top) {
    return step(s, i);
  }
  return step(s, { ...i, body: { ...body, acked_seq: top } });
};

/** Rebuilds page-hide beacons from the queue: events in `order`, while `size` fits 61440. */
function beaconFrom(
  order: "age" | "priority",
  size: (text: string) => number,
): StepFn {
  return (s, i) => {
    const r = step(s, i);
    const effects = r.effects.map((e): SessionEffect => {
      if (e.type !== "beacon" || typeof e.request.body !== "string") return e;
      const base = JSON.parse(e.request.body) as { events: unknown[] };
      const queued = [...s.queue.events].sort((a, b) =>
        order === "priority" ? b.priority - a.priority || a.seq - b.seq : a.seq - b.seq
      );
      // The batch's wire form with these queued events, in seq order.
      const body = (chosen: typeof queued) =>
        JSON.stringify({
          ...base,
          events: [...chosen].sort((a, b) => a.seq - b.seq).map((x) => ({
            seq: x.seq,
            time_ms: x.timeMs,
            type: x.type,
            data: JSON.parse(x.data),
          })),
        });
      const chosen: typeof queued = [];
      for (const q of queued) {
        if (size(body([...chosen, q])) > 61440) break;
        chosen.push(q);
      }
      return { ...e, request: { ...e.request, body: body(chosen) } };
    });
    return { ...r, effects };
  };
}

/**
 * The broken machines of this file, by name.
 *
 * @example
 * ```ts
 * EDGE_SDK_MUTANTS["ack-at-least"].fails; // ["sdk.telemetry.ack-above"]
 * ```
 */
export const EDGE_SDK_MUTANTS: Readonly<Record<string, SdkMutant>> = {
  "retry-after-over-cap-ignored": {
    description: "ignores a Retry-After above the 300 s cap instead of waiting the cap",
    fails: ["sdk.backoff.retry-after-cap"],
    step: retryAfterOverCapIgnored,
  },
  "telemetry-ignores-retry-after": {
    description: "resends a batch before the Retry-After its 503 carried",
    fails: ["sdk.backoff.telemetry-retry-after"],
    step: telemetryIgnoresRetryAfter,
  },
  "ack-at-least": {
    description: "takes an acked_seq above the batch's largest seq as its acknowledgement",
    fails: ["sdk.telemetry.ack-above"],
    step: ackAtLeast,
  },
  "beacon-oldest-first": {
    description: "fills the page-hide beacon with the oldest events, whatever their priority",
    fails: ["sdk.telemetry.beacon-budget"],
    step: beaconFrom("age", (t) => new TextEncoder().encode(t).length),
  },
  "beacon-budget-in-characters": {
    description: "measures the page-hide beacon's budget in characters, not UTF-8 bytes",
    fails: ["sdk.telemetry.beacon-budget"],
    step: beaconFrom("priority", (t) => t.length),
  },
};
