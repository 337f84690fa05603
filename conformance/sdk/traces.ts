/**
 * The trace vectors as SDK checks: one check per trace group (the first flag of each trace,
 * `sdk.trace.<flag>`), each feeding every step's input to a fresh machine and comparing phase,
 * normalized effects and deadline, with request and signature ids mapped by first appearance
 * (SPEC §9.14). Needs the driver's `traces` capability.
 *
 * @module
 */
import { type CheckDef, defineChecks } from "../core/check.ts";
import type { SessionEffect } from "../../core/session/mod.ts";
import { firstDifference, IdMap, normalizeEffect, type TraceInput } from "../trace.ts";
import { flagSegment, loadTraces, sectionOf, type TraceVector } from "../vectors.ts";
import type { SdkContext } from "./util.ts";

/** Sections of flags whose note cites none. */
const FLAG_SECTIONS: Readonly<Record<string, string>> = {
  Lifecycle: "§9.1, §6.2",
  Disabled: "§9.12",
  Tokens: "§9.4",
  SingleFlight: "§9.4",
  Offline: "§9.5",
};

/**
 * The trace checks and the traces each one feeds.
 *
 * @example
 * ```ts
 * (await traceChecks()).map((x) => x.def.id); // ["sdk.trace.lifecycle", …]
 * ```
 */
export async function traceChecks(): Promise<{ def: CheckDef; traces: TraceVector[] }[]> {
  const file = await loadTraces();
  const groups = new Map<string, TraceVector[]>();
  for (const t of file.testGroups.flatMap((g) => g.tests)) {
    const flag = t.flags[0] ?? "Other";
    groups.set(flag, [...groups.get(flag) ?? [], t]);
  }
  const table: Record<string, ["MUST", string, string]> = {};
  for (const [flag, traces] of groups) {
    const note = file.notes[flag];
    table[`sdk.trace.${flagSegment(flag)}`] = [
      "MUST",
      sectionOf(note, FLAG_SECTIONS[flag] ?? "§9"),
      `trace vectors ${flag} (${traces.length}): ${note ?? "state-machine traces"}`,
    ];
  }
  const defs = defineChecks(table);
  return [...groups].map(([flag, traces]) => ({
    def: defs[`sdk.trace.${flagSegment(flag)}`]!,
    traces,
  }));
}

/** Why the implementation diverges from trace `v`, or `null` when every step matches. */
async function replay(ctx: SdkContext, v: TraceVector): Promise<string | null> {
  const created = await ctx.client.request({ type: "machine.create", options: v.options });
  if (!created.ok) return `machine.create: ${created.error.code} ${created.error.message ?? ""}`;
  const machine = String(created.machine);
  const ids = new IdMap();
  try {
    for (const [i, want] of v.steps.entries()) {
      const where = `tcId ${v.tcId} step ${i} (${want.input.type})`;
      const input = ids.input(want.input as TraceInput);
      const r = await ctx.client.request({ type: "machine.step", machine, input });
      if (!r.ok) return `${where}: machine.step failed: ${r.error.code}`;
      if (r.phase !== want.phase) return `${where}: phase: expected ${want.phase}, got ${r.phase}`;
      let effects: Record<string, unknown>[];
      try {
        effects = (r.effects as SessionEffect[]).map(normalizeEffect);
      } catch (e) {
        return `${where}: effects do not normalize: ${e instanceof Error ? e.message : e}`;
      }
      ids.bind(want.effects, effects);
      const d = firstDifference(want.effects, ids.rename(effects), "effects");
      if (d !== null) return `${where}: ${d}`;
      if (r.deadline !== want.deadline) {
        return `${where}: deadline: expected ${want.deadline}, got ${r.deadline}`;
      }
    }
    return null;
  } finally {
    await ctx.client.request({ type: "machine.dispose", machine });
  }
}

/**
 * Runs the trace checks (skipped without the `traces` capability).
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await runTraceChecks({ run, client });
 * ```
 */
export async function runTraceChecks(ctx: SdkContext): Promise<void> {
  const capable = ctx.client.hello.capabilities.includes("traces");
  for (const { def, traces } of await traceChecks()) {
    if (!capable) {
      ctx.run.skip(def, "the driver does not announce the traces capability", {
        notApplicable: true,
      });
      continue;
    }
    await ctx.run.check(def, async (t) => {
      const problems: string[] = [];
      for (const v of traces) {
        const p = await replay(ctx, v);
        if (p !== null) problems.push(p);
      }
      if (problems.length > 0) {
        t.fail(`${problems.length}/${traces.length} traces differ; first: ${problems[0]}`);
      }
    });
  }
}
