// Trace vectors (vectors/session/traces.json): every step's phase, effects and deadline.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import vectors from "../../../vectors/session/traces.json" with { type: "json" };
import { createMachine, type MachineOptionsInput, step } from "../../../core/mod.ts";
import { decodeInput, normalizeEffect, type TraceInput } from "../../../conformance/trace.ts";

describe("session trace vectors (SPEC §9)", () => {
  it("has at least 30 traces with unique ids and a correct count", () => {
    const tests = vectors.testGroups.flatMap((g) => g.tests);
    assert.ok(tests.length >= 30, `${tests.length} traces`);
    assert.equal(tests.length, vectors.numberOfTests);
    assert.equal(new Set(tests.map((t) => t.tcId)).size, tests.length);
  });

  for (const t of vectors.testGroups[0]!.tests) {
    it(`tcId ${t.tcId}: ${t.comment}`, () => {
      const state = createMachine(t.options as MachineOptionsInput);
      t.steps.forEach((expected, i) => {
        const r = step(state, decodeInput(expected.input as TraceInput));
        const where = `step ${i} (${expected.input.type})`;
        assert.equal(state.phase, expected.phase, `${where}: phase`);
        assert.deepEqual(r.effects.map(normalizeEffect), expected.effects, `${where}: effects`);
        assert.equal(r.deadline, expected.deadline, `${where}: deadline`);
      });
    });
  }
});
