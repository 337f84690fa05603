/**
 * A property of the telemetry endpoint (SPEC §8.5, §8.6), checked with fast-check: random
 * streams of batches — overlapping, duplicated, out of order, with action events — never lose
 * or double-store an event. fast-check (a dependency of this package) is loaded on demand; if it
 * cannot be loaded the check is incomplete, never passed.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { Device } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { body } from "./http.ts";
import type { ServiceContext } from "./context.ts";

// A computed specifier: bundlers leave it alone and a missing package is reported, not a crash.
const FAST_CHECK = "fast-check";

/** The event a device would send with `seq` (identical on every resend). */
function eventAt(seq: number, t0: number) {
  return seq % 5 === 0
    ? { seq, time_ms: t0 + seq, type: "action", data: { action_type: "checkout" } }
    : { seq, time_ms: t0 + seq, type: "interaction", data: { kind: "click", n: seq } };
}

/**
 * Runs the telemetry property.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await propertyChecks(ctx, { runs: 12 });
 * ```
 */
export async function propertyChecks(c: ServiceContext, o: { runs?: number } = {}): Promise<void> {
  await c.run.check(C["svc.telemetry.property"], async (t: Assert) => {
    let fc: typeof import("fast-check");
    try {
      fc = (await import(FAST_CHECK)).default;
    } catch {
      return t.skip("fast-check cannot be loaded", {
        enable: "install device-session with its dependencies (fast-check)",
      });
    }
    const batch = fc.record({
      lo: fc.integer({ min: 1, max: 30 }),
      len: fc.integer({ min: 1, max: 8 }),
      repeat: fc.boolean(),
    });
    const property = fc.asyncProperty(
      fc.array(batch, { minLength: 1, maxLength: 8 }),
      async (batches) => {
        const d = await Device.create(c.http);
        await d.createSession();
        const t0 = c.http.nowS() * 1000;
        const stored = new Set<number>();
        const actions = new Map<number, string>();
        for (const b of batches) {
          const seqs = Array.from({ length: b.len }, (_, i) => b.lo + i);
          for (let k = 0; k < (b.repeat ? 2 : 1); k++) {
            const x = await d.telemetry(seqs.map((s) => eventAt(s, t0)));
            const ack = body(x);
            if (x.status !== 200) throw new Error(`batch ${seqs}: ${x.status} ${x.text}`);
            for (const s of seqs) stored.add(s);
            const high = Math.max(...stored);
            if (ack.acked_seq !== b.lo + b.len - 1 || ack.high_seq !== high) {
              throw new Error(
                `batch ${seqs}: acked ${ack.acked_seq} high ${ack.high_seq}, expected ${
                  b.lo + b.len - 1
                } and ${high}`,
              );
            }
            const listed = (ack.actions ?? []) as { seq: number; action_id: string }[];
            for (const s of seqs.filter((s) => s % 5 === 0)) {
              const rec = listed.find((a) => a.seq === s);
              if (rec === undefined) {
                throw new Error(`batch ${seqs}: no action record for seq ${s}`);
              }
              const first = actions.get(s);
              if (first !== undefined && first !== rec.action_id) {
                throw new Error(
                  `seq ${s}: action ${rec.action_id}, earlier ${first} (stored twice)`,
                );
              }
              actions.set(s, rec.action_id);
            }
          }
        }
      },
    );
    try {
      await fc.assert(property, { numRuns: o.runs ?? 12, seed: 7, endOnFailure: true });
    } catch (e) {
      t.fail((e instanceof Error ? e.message : String(e)).split("\n").slice(0, 4).join(" "));
    }
  });
}
