// Bounds on untrusted JSON (SPEC §12): the nesting-depth scan agrees with the parsed value's depth
// for any JSON text, and a size measurement never throws whatever the value.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonBytes, jsonDepthExceeds, MAX_JSON_DEPTH } from "../../../core/wire/primitives.ts";

function depth(v: unknown): number {
  if (typeof v !== "object" || v === null) return 0;
  const inner = Array.isArray(v) ? v : Object.values(v);
  return 1 + inner.reduce<number>((m, x) => Math.max(m, depth(x)), 0);
}

/** Strings full of brackets, quotes and escapes: what a naive scan would miscount. */
const tricky = fc.string({
  unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", "é", "\u2028"),
});

const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(tricky, fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(tricky, tie("node"), { maxKeys: 3 }),
  ),
})).node;

describe("JSON bounds (SPEC §12)", { timeout: 120_000 }, () => {
  it("jsonDepthExceeds(text, max) iff the parsed value nests deeper than max", () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), fc.boolean(), (v, max, spaced) => {
        const text = JSON.stringify(v, null, spaced ? 1 : undefined);
        assert.equal(jsonDepthExceeds(text, max), depth(JSON.parse(text)) > max);
      }),
      { numRuns: 500 },
    );
  });

  it("the service limit: 32 levels pass, 33 do not; 6000 levels are refused in one pass", () => {
    const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
    assert.equal(jsonDepthExceeds(nest(MAX_JSON_DEPTH)), false);
    assert.equal(jsonDepthExceeds(nest(MAX_JSON_DEPTH + 1)), true);
    assert.equal(jsonDepthExceeds(`{"data":${nest(6000)}}`), true);
    assert.equal(jsonDepthExceeds(`"${"[".repeat(6000)}"`), false, "brackets in a string");
  });

  it("jsonBytes never throws: cyclic, BigInt and too-deep values measure as Infinity", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // Engines differ in how deep JSON.stringify goes; none may throw.
    assert.ok([Infinity, 400_001].includes(jsonBytes(deep)));
    assert.equal(jsonBytes(cyclic), Infinity);
    assert.equal(jsonBytes({ n: 1n }), Infinity);
    assert.equal(jsonBytes({ a: "é" }), 10);
  });
});
