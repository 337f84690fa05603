/**
 * Judges of the black-box profile for telemetry: batch shape and limits, seq, one batch in
 * flight, acknowledgements, resends, Retry-After, 413 as permanent, nothing lost, overflow
 * while a batch is in flight, action tokens and identify events.
 *
 * @module
 */
import { API_CHECKS as C } from "./checks.ts";
import { canonical, type Judge, maxOpen, ran } from "./judge-util.ts";
import type { Exchange } from "./records.ts";
import type { Scene } from "./scenes.ts";
import { parseJws } from "../../core/token/jws.ts";

interface Ev {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

const events = (x: Exchange): Ev[] => (x.body as { events?: Ev[] } | null)?.events ?? [];
const sid = (x: Exchange): string =>
  String((x.body as { session_id?: unknown } | null)?.session_id);

/** Exchanges after `x` (arrived once it was answered or dropped) of the same session. */
const later = (s: Scene, x: Exchange) =>
  s.svc.of("telemetry").filter((y) => y.t0 >= (x.t1 ?? Infinity) && sid(y) === sid(x));

/** Correlation ids of the actions the app triggered, and those the service stored. */
function actionsOf(s: Scene): { fired: string[]; stored: Set<string>; dropped: number } {
  const fired = s.sdk!.of("triggerActionEvent").map((c) =>
    String((c.args.options as { correlationId?: unknown }).correlationId)
  );
  const stored = new Set<string>();
  let dropped = 0;
  for (const session of s.svc.sessions.values()) {
    dropped += session.dropped;
    for (const e of session.events.values()) {
      const ev = JSON.parse(e) as Ev;
      if (ev.type === "action") stored.add(String(ev.data.correlation_id));
    }
  }
  return { fired, stored, dropped };
}

const telemetryScenes = (s: Parameters<Judge[1]>[1]) => [s.faults, s.limits, s.overflow];

/** The telemetry judges. */
export const TELEMETRY_JUDGES: readonly Judge[] = [
  [C["api.telemetry.batch"], (t, s) => {
    for (const scene of Object.values(s)) {
      for (const x of ran(t, scene).svc.of("telemetry")) {
        const where = `${scene.name}: batch at ${Math.round(x.t0)} ms`;
        t.wire("TelemetryBatch", x.body, where);
        t.ok(x.bytes <= 61440, `${where}: ${x.bytes} bytes`);
        const seqs = events(x).map((e) => e.seq);
        t.ok(seqs.length <= 100, `${where}: ${seqs.length} events`);
        t.ok(
          seqs.every((q, i) => i === 0 || q > seqs[i - 1]!),
          `${where}: seqs ${seqs} not increasing`,
        );
        const token = (x.body as { session_token?: string }).session_token!;
        t.equal(parseJws(token).payload.sub, sid(x), `${where}: session_token sub`);
      }
    }
  }],
  [C["api.telemetry.seq"], (t, s) => {
    for (const scene of Object.values(s)) {
      const bySession = new Map<string, Map<number, string>>();
      for (const x of ran(t, scene).svc.of("telemetry")) {
        const seen = bySession.get(sid(x)) ?? new Map<number, string>();
        bySession.set(sid(x), seen);
        for (const e of events(x)) {
          const c = canonical(e);
          const before = seen.get(e.seq);
          t.ok(
            before === undefined || before === c,
            `${scene.name}: seq ${e.seq} named ${before} and then ${c}`,
          );
          seen.set(e.seq, c);
        }
      }
      for (const [id, seen] of bySession) {
        t.equal(Math.min(...seen.keys()), 1, `${scene.name}: the first seq of session ${id}`);
      }
    }
  }],
  [C["api.telemetry.one-in-flight"], (t, s) => {
    for (const scene of Object.values(s)) {
      const n = maxOpen(ran(t, scene).svc.of("telemetry"));
      t.ok(n <= 1, `${scene.name}: ${n} batches in flight at once`);
    }
  }],
  [C["api.telemetry.acked"], (t, s) => {
    for (const scene of Object.values(s)) {
      for (
        const x of ran(t, scene).svc.of("telemetry").filter((y) => y.answered && y.status === 200)
      ) {
        const acked = new Set(events(x).map((e) => e.seq));
        for (const y of later(scene, x)) {
          const again = events(y).filter((e) => acked.has(e.seq)).map((e) => e.seq);
          t.ok(again.length === 0, `${scene.name}: acknowledged seqs ${again} sent again`);
        }
      }
    }
  }],
  [C["api.telemetry.resend"], (t, s) => {
    const scene = ran(t, s.faults);
    const failed = scene.svc.of("telemetry").filter((x) =>
      ["503", "drop", "lost-answer"].includes(x.fault?.kind ?? "")
    );
    t.ok(
      failed.length === 3,
      `${failed.length} batches met a 503, a dropped connection or a lost answer`,
    );
    for (const x of failed) {
      const resent = new Set(later(scene, x).flatMap((y) => events(y).map((e) => e.seq)));
      const missing = events(x).filter((e) => !resent.has(e.seq)).map((e) => e.seq);
      t.ok(
        missing.length === 0,
        `seqs ${missing} of a batch that met "${x.fault!.kind}" were never sent again`,
      );
    }
  }],
  [C["api.telemetry.retry-after"], (t, s) => {
    const scene = ran(t, s.faults);
    const hit = t.need(
      scene.svc.of("telemetry").find((x) => x.fault?.kind === "503"),
      "a batch answered 503",
    );
    const next = t.need(later(scene, hit)[0], "a batch after the 503");
    t.ok(
      next.t0 - hit.t1! >= 2_000 - 100,
      `next batch ${Math.round(next.t0 - hit.t1!)} ms after a 503 with Retry-After: 2`,
    );
  }],
  [C["api.telemetry.permanent"], (t, s) => {
    const scene = ran(t, s.faults);
    const hit = t.need(
      scene.svc.of("telemetry").find((x) => x.fault?.kind === "413"),
      "a batch answered 413",
    );
    const gone = new Set(events(hit).map((e) => e.seq));
    for (const y of later(scene, hit)) {
      const again = events(y).filter((e) => gone.has(e.seq)).map((e) => e.seq);
      t.ok(again.length === 0, `seqs ${again} of a batch answered 413 sent again`);
    }
    const session = scene.svc.sessions.get(sid(hit))!;
    const lost = [...gone].filter((q) => !session.events.has(q)).length;
    t.ok(
      session.dropped >= lost,
      `dropped.total ${session.dropped} after ${lost} events were refused with 413`,
    );
  }],
  [C["api.telemetry.no-loss"], (t, s) => {
    for (const scene of telemetryScenes(s)) {
      const { fired, stored, dropped } = actionsOf(ran(t, scene));
      const missing = fired.filter((id) => !stored.has(id));
      t.ok(
        missing.length <= dropped,
        `${scene.name}: ${missing.length} actions neither stored nor counted (dropped.total ${dropped}): ${
          missing.slice(0, 5)
        }`,
      );
    }
  }],
  [C["api.telemetry.overflow"], (t, s) => {
    const scene = ran(t, s.overflow);
    for (const x of scene.svc.of("telemetry")) {
      t.ok(
        events(x).length <= 10,
        `a batch of ${events(x).length} events with max_queue_events 10`,
      );
    }
    const { fired, stored, dropped } = actionsOf(scene);
    t.ok(
      fired.length - stored.size > 0,
      `all ${fired.length} actions were delivered: the queue never overflowed`,
    );
    t.ok(
      dropped >= fired.length - stored.size,
      `dropped.total ${dropped}, ${fired.length - stored.size} actions evicted`,
    );
    const last = scene.svc.of("telemetry").at(-1)?.body as {
      dropped?: { total: number; by_priority: Record<string, number> };
    };
    const sum = Object.values(last?.dropped?.by_priority ?? {}).reduce((a, b) => a + b, 0);
    t.equal(sum, last?.dropped?.total, "dropped.by_priority adds up to dropped.total");
  }],
  [C["api.actions.token"], (t, s) => {
    for (const scene of [s.basics, s.faults, s.limits]) {
      const { svc, sdk } = ran(t, scene);
      const tokens = new Map<string, string>();
      for (const session of svc.sessions.values()) {
        for (const [seq, a] of session.actions) {
          tokens.set(
            String((JSON.parse(session.events.get(seq)!) as Ev).data.correlation_id),
            a.action_token,
          );
        }
      }
      for (const c of sdk.of("triggerActionEvent")) {
        const id = String((c.args.options as { correlationId: string }).correlationId);
        // Under faults an action may fail (its batch refused); elsewhere every one resolves.
        if (c.outcome !== "resolved") {
          t.ok(
            scene.name === "faults",
            `${scene.name}: action ${id}: ${c.code} ${c.message}`,
          );
          continue;
        }
        t.equal(
          (c.value as { actionToken?: unknown })?.actionToken,
          tokens.get(id),
          `${scene.name}: action token of ${id}`,
        );
      }
    }
  }],
  [C["api.user.identify"], (t, s) => {
    const { svc } = ran(t, s.basics);
    const got = [...svc.sessions.values()].flatMap((x) => [...x.events.values()])
      .map((e) => JSON.parse(e) as Ev).filter((e) => e.type === "identify").sort((a, b) =>
        a.seq - b.seq
      )
      .map((e) => [e.data.user_id, e.data.previous_user_id]);
    t.equal(
      got,
      [["u-1", null], [null, "u-1"], ["u-2", null]],
      "identify events (user_id, previous_user_id)",
    );
  }],
];
