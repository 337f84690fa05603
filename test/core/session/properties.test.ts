// Property-based tests of the session machine (SPEC §9): fast-check commands +
// asyncModelRun against the fake service, under arbitrary faults; and proof that the
// properties catch deliberately broken machines.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { step } from "../../../core/mod.ts";
import type { SessionEffect, SessionInput } from "../../../core/mod.ts";
import { commands, coverage, coveringExample, network, scenario } from "../../support/model.ts";
import { payloadOf } from "../../support/sim.ts";
import { propertyRuns } from "../../support/property-runs.ts";

const RUNS = propertyRuns(200);

const property = (mutant?: typeof step) =>
  fc.asyncProperty(
    network,
    fc.commands(commands, { maxCommands: 40 }),
    (net, cmds) => scenario(net, cmds, mutant),
  );

describe("session machine properties (fast-check, SPEC §8–§9)", () => {
  it(`holds every invariant under arbitrary faults (${RUNS} runs)`, async () => {
    // The example covers everything counted below, whatever the random runs draw.
    await fc.assert(property(), { numRuns: RUNS, verbose: 1, examples: [coveringExample] });
    // Not vacuous: the runs acknowledged and dropped events, rotated sessions and keys.
    for (const [what, n] of Object.entries(coverage)) assert.ok(n > 0, `no run exercised ${what}`);
  });
});

// Mutants: each breaks one rule; the same property must reject it.
const doubleRefresh: typeof step = (s, i) => {
  const r = step(s, i);
  const extra: SessionEffect[] = [];
  for (const e of r.effects) {
    if (e.type === "send" && e.request.purpose === "refresh") {
      extra.push({ ...e, id: `${e.id}-dup` });
    }
  }
  return { ...r, effects: [...r.effects, ...extra] };
};

// The first session token each machine handed out, handed out again forever after.
const staleBy = new WeakMap<object, string>();
const expiredToken: typeof step = (s, i) => {
  const r = step(s, i);
  const effects = r.effects.map((e) => {
    if (e.type !== "resolve" || e.value.kind !== "token" || "tok" in payloadOf(e.value.token)) {
      return e;
    }
    if (!staleBy.has(s)) staleBy.set(s, e.value.token);
    return { ...e, value: { kind: "token" as const, token: staleBy.get(s)! } };
  });
  return { ...r, effects };
};

const forgetUnacked: typeof step = (s, i: SessionInput) => {
  const failedBatch = i.type === "transport_failed" && i.id.startsWith("tel");
  const r = step(s, i);
  if (failedBatch && s.queue.events.length > 0) {
    const [ev] = s.queue.events.splice(0, 1);
    s.queue.bytes -= ev!.bytes;
    s.queue.evictable[ev!.priority - 1]!--;
  }
  return r;
};

describe("the properties catch broken machines", () => {
  for (
    const [name, mutant] of [
      ["double refresh", doubleRefresh],
      ["handing out an expired token", expiredToken],
      ["forgetting an unacknowledged event", forgetUnacked],
    ] as const
  ) {
    it(`rejects: ${name}`, async () => {
      await assert.rejects(fc.assert(property(mutant), { numRuns: RUNS }), /Property failed/);
    });
  }
});
