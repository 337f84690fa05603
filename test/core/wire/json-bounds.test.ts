// Bounds on untrusted JSON (SPEC §12): the nesting-depth scan agrees with the parsed value's depth
// for any JSON text, and a size measurement never throws whatever the value.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  jsonBytes,
  jsonDepthExceeds,
  jsonScan,
  MAX_JSON_DEPTH,
} from "../../../core/wire/primitives.ts";

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

/** The plain character loop the scan must agree with, on any text (JSON or not). */
function referenceDepthExceeds(text: string, max: number): boolean {
  let d = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === '"') break;
      }
    } else if (c === "[" || c === "{") {
      if (++d > max) return true;
    } else if (c === "]" || c === "}") d--;
  }
  return false;
}

/** Every array and object of `v` at `depth` (the top-level value is depth 1). */
function containersAt(v: unknown, depth: number): unknown[] {
  if (typeof v !== "object" || v === null) return [];
  if (depth === 1) return [v];
  const inner = Array.isArray(v) ? v : Object.values(v);
  return inner.flatMap((x) => containersAt(x, depth - 1));
}

// JSON texts written as a client may write them: spaces anywhere, strings with any escape, the
// same number in several notations (exponents included), keys repeated.
const hex = (c: number) => "\\u" + c.toString(16).padStart(4, "0");
const strText = fc.array(
  fc.tuple(
    fc.constantFrom("a", "Z", "/", '"', "\\", "\n", "\u0001", "\u007f", "é", "\u2028", "😀"),
    fc.constantFrom("raw", "short", "unicode"),
  ),
  { maxLength: 6 },
).map((parts) =>
  '"' + parts.map(([ch, how]) => {
    const must = ch === '"' || ch === "\\" || ch < " ";
    if (how === "unicode" || (must && how === "raw" && ch < " ")) {
      return [...ch].map((_, i) => hex(ch.charCodeAt(i))).join("") +
        (ch.length === 2 ? hex(ch.charCodeAt(1)) : "");
    }
    if (must || (how === "short" && ch === "/")) {
      return ch === "\n" ? "\\n" : ch < " " ? hex(ch.charCodeAt(0)) : "\\" + ch;
    }
    return ch;
  }).join("") + '"'
);
const numText = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom("-0", "0.000", "1.50", "-12.0", "1" + "0".repeat(25), "0.00000000001"),
  fc.constantFrom("1e5", "2E-3", "1e20", "-1e21", "5e-7", "1E400"),
);
const space = fc.constantFrom("", "", " ", "\n  ");
const text: fc.Arbitrary<string> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(strText, numText, fc.constantFrom("true", "false", "null")),
    fc.tuple(fc.array(tie("node"), { maxLength: 3 }), space).map(([xs, w]) =>
      `[${w}${xs.join(`${w},${w}`)}${w}]`
    ),
    fc.tuple(fc.array(fc.tuple(strText, tie("node")), { maxLength: 3 }), space).map(([kv, w]) =>
      `{${w}${kv.map(([k, x]) => `${k}${w}:${w}${x}`).join(`${w},`)}${w}}`
    ),
  ),
})).node as fc.Arbitrary<string>;

describe("JSON bounds (SPEC §12)", { timeout: 120_000 }, () => {
  it("jsonScan agrees with the plain character loop on any text, JSON or not", () => {
    const any = fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", "é") });
    fc.assert(
      fc.property(fc.oneof(any, text), fc.integer({ min: 0, max: 6 }), (t, max) => {
        assert.equal(jsonScan(t, max, 0).tooDeep, referenceDepthExceeds(t, max));
        assert.equal(jsonDepthExceeds(t, max), referenceDepthExceeds(t, max));
      }),
      { numRuns: 2000 },
    );
  });

  it("jsonScan's span bound holds for every container at its depth, however written", () => {
    let bounded = 0;
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 4 }), (t, at) => {
        const { tooDeep, spanBound } = jsonScan(t, MAX_JSON_DEPTH, at);
        assert.equal(tooDeep, false);
        if (spanBound !== Infinity) bounded++;
        for (const c of containersAt(JSON.parse(t), at)) assert.ok(jsonBytes(c) <= spanBound, t);
      }),
      { numRuns: 2000 },
    );
    assert.ok(bounded > 200, `only ${bounded} texts gave a finite bound`);
  });

  it("jsonScan told the text is ASCII answers as it does by itself", () => {
    const ascii = (t: string) => !/[\u0080-\uffff]/.test(t);
    fc.assert(
      fc.property(
        fc.oneof(text, text.map((t) => t.replace(/[\u0080-\uffff]/g, "a"))),
        fc.integer({ min: 0, max: 4 }),
        (t, at) => {
          if (!ascii(t)) return;
          assert.deepEqual(jsonScan(t, MAX_JSON_DEPTH, at, true), jsonScan(t, MAX_JSON_DEPTH, at));
          assert.deepEqual(jsonScan(t, 3, at, true), jsonScan(t, 3, at));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("jsonScan: exponents and characters beyond ASCII leave the bound open", () => {
    const at4 = (data: string) => jsonScan(`{"events":[{"data":${data}}]}`, 32, 4).spanBound;
    assert.equal(at4('{"a":1}'), 7);
    assert.equal(at4('{ "a" : 100 }'), 13);
    assert.equal(at4('{"a":1e20}'), Infinity, "1e20 serializes as 21 digits");
    assert.equal(at4('{"a":"é"}'), Infinity);
    assert.equal(at4('{"a":true,"b":false}'), 20, "literals are no exponent");
    assert.equal(jsonScan('{"a":1}', 32, 4).spanBound, 0, "nothing at depth 4");
  });

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
