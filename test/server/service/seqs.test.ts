// Telemetry seq dedupe as ranges (core/service/seqs.ts): examples and a model-based property.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { addSeqs, hasSeq, highSeq, MAX_SEQ_RANGES } from "../../../core/service/seqs.ts";

describe("seq ranges", () => {
  it("stores in-order batches as one range and reports only fresh seqs", () => {
    const r: number[] = [];
    assert.deepEqual(addSeqs(r, [1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(addSeqs(r, [3, 4, 5]), [4, 5]);
    assert.deepEqual(r, [1, 5]);
    assert.equal(highSeq(r), 5);
  });

  it("handles gaps (beacons out of order) and fills them", () => {
    const r: number[] = [];
    addSeqs(r, [1, 2]);
    assert.deepEqual(addSeqs(r, [9]), [9]);
    assert.deepEqual(r, [1, 2, 9, 9]);
    assert.deepEqual(addSeqs(r, [5, 3, 4, 9, 9, 6, 7, 8]), [3, 4, 5, 6, 7, 8]);
    assert.deepEqual(r, [1, 9]);
    assert.ok(hasSeq(r, 1) && hasSeq(r, 9) && !hasSeq(r, 10) && !hasSeq(r, 0));
  });

  it("stays bounded: beyond the range cap the oldest gaps are merged away", () => {
    const r: number[] = [];
    for (let i = 0; i < MAX_SEQ_RANGES * 3; i++) addSeqs(r, [i * 10 + 1]);
    assert.ok(r.length <= MAX_SEQ_RANGES * 2);
    assert.equal(highSeq(r), (MAX_SEQ_RANGES * 3 - 1) * 10 + 1);
    // The newest ranges are exact.
    assert.ok(hasSeq(r, (MAX_SEQ_RANGES * 3 - 1) * 10 + 1));
    assert.ok(!hasSeq(r, (MAX_SEQ_RANGES * 3 - 1) * 10));
  });

  it("agrees with a Set model for any sequence of batches (no cap reached)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 30 }), { maxLength: 20 }),
        (batches) => {
          const r: number[] = [];
          const model = new Set<number>();
          for (const b of batches) {
            const expected = [...new Set(b)].filter((s) => !model.has(s)).sort((x, y) => x - y);
            assert.deepEqual(addSeqs(r, b), expected);
            for (const s of b) model.add(s);
            assert.equal(highSeq(r), model.size ? Math.max(...model) : 0);
            for (let s = 1; s <= 200; s++) assert.equal(hasSeq(r, s), model.has(s));
            // Ranges are sorted, disjoint and not adjacent.
            for (let i = 0; i < r.length; i += 2) {
              assert.ok(r[i]! <= r[i + 1]!);
              if (i + 2 < r.length) assert.ok(r[i + 1]! + 1 < r[i + 2]!);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("ascending batches (the schema's order, taken without sorting) agree with the model", () => {
    const ascending = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 30 })
      .map((b) => b.sort((x, y) => x - y));
    fc.assert(
      fc.property(fc.array(ascending, { maxLength: 20 }), (batches) => {
        const r: number[] = [];
        const model = new Set<number>();
        for (const b of batches) {
          const expected = b.filter((s) => !model.has(s));
          const given = [...b];
          assert.deepEqual(addSeqs(r, b), expected);
          assert.deepEqual(b, given, "the batch's array is not touched");
          for (const s of b) model.add(s);
          for (let s = 1; s <= 200; s++) assert.equal(hasSeq(r, s), model.has(s));
        }
      }),
      { numRuns: 300 },
    );
  });
});
