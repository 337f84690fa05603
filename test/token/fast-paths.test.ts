// The verify hot path's shortcuts agree with the plain checks they stand in for, on generated
// valid and invalid input: straight-to-text base64url (decodeBase64UrlAscii) with canonical
// base64url + strict UTF-8, and the counting duplicate-member check (hasDuplicateMembersIn)
// with the name-reading one (hasDuplicateMembers). SPEC §1.3, §4.3.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ALPHABET,
  decodeBase64Url,
  decodeBase64UrlAscii,
  decodeBase64UrlInto,
  encodeBase64Url,
  hasDuplicateMembers,
  hasDuplicateMembersIn,
} from "../../core/token/mod.ts";

const RUNS = Number(
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
    .PROPERTY_RUNS ?? 300,
);

/** What the ASCII fast path must answer, from the plain decoder. */
function expected(s: string): string | null | undefined {
  const bytes = decodeBase64Url(s);
  if (bytes === null) return null;
  return bytes.some((b) => b > 0x7f) ? undefined : String.fromCharCode(...bytes);
}

// Encodings of ASCII and of arbitrary bytes, then edited: a character replaced by any
// character (alphabet, padding, "+", "/", non-ASCII), cut short, or extended.
const encoded = fc.oneof(
  fc.string({ maxLength: 80 }).map((t) => encodeBase64Url(new TextEncoder().encode(t))),
  fc.uint8Array({ maxLength: 80 }).map(encodeBase64Url),
);
const edited = fc.tuple(
  encoded,
  fc.array(
    fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET, "=", "+", "/", ".", "é", "\u0100", "")),
    { maxLength: 2 },
  ),
).map(([s, edits]) => {
  for (const [at, ch] of edits) {
    const i = s.length === 0 ? 0 : at % (s.length + 1);
    s = s.slice(0, i) + ch + s.slice(i + 1);
  }
  return s;
});

describe("decodeBase64UrlAscii", () => {
  it("answers as decodeBase64Url + UTF-8 on valid and edited encodings", () => {
    fc.assert(
      fc.property(fc.oneof(encoded, edited), (s) => {
        assert.equal(decodeBase64UrlAscii(s), expected(s));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("reads a part of a string as that part alone (offsets, as in a token)", () => {
    fc.assert(
      fc.property(fc.oneof(encoded, edited), fc.string(), fc.string(), (s, before, after) => {
        const whole = before + s + after, from = before.length, to = from + s.length;
        assert.equal(decodeBase64UrlAscii(whole, from, to), expected(s));
        const out = new Uint8Array((s.length * 3) >> 2);
        const n = decodeBase64UrlInto(whole, out, from, to);
        assert.deepEqual(n < 0 ? null : out.subarray(0, n), decodeBase64Url(s));
      }),
      { numRuns: RUNS },
    );
    assert.equal(decodeBase64UrlAscii("QUJD", 2, 1), null);
    assert.equal(decodeBase64UrlAscii("QUJD", -4, 0), null);
    assert.equal(decodeBase64UrlAscii("QUJD", 0, 8), null);
  });

  it("decodes up to a token's length, leaves longer input to the byte path", () => {
    const text = "x".repeat(6000) + '{"a":1}';
    const s = encodeBase64Url(new TextEncoder().encode(text));
    assert.equal(decodeBase64UrlAscii(s), text);
    const longer = encodeBase64Url(new TextEncoder().encode("x".repeat(6200)));
    assert.equal(decodeBase64UrlAscii(longer), undefined);
    assert.equal(decodeBase64UrlAscii("QR"), null);
    assert.equal(decodeBase64UrlAscii("QUJ"), null);
    assert.equal(decodeBase64UrlAscii("Q"), null);
    assert.equal(decodeBase64UrlAscii("w6k"), undefined);
    assert.equal(decodeBase64UrlAscii(""), "");
  });
});

/** The offsets of the `{` of a JSON text that are not inside a string. */
function structuralBraces(text: string): number[] {
  const at: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") at.push(i);
  }
  return at;
}

// JSON texts with repeated names injected at any object, and with whitespace and escaped names.
const jsonText = fc.jsonValue({ maxDepth: 3 }).chain((v) =>
  fc.tuple(
    fc.constant(v),
    fc.constantFrom(0, 1, "\t"),
    fc.nat(),
    fc.boolean(),
  ).map(([value, indent, at, escape]) => {
    let text = JSON.stringify(value, null, indent === 0 ? undefined : indent);
    // Repeat the first name of the `at`-th object (when it has one), maybe escaped. Only a `{`
    // outside strings opens an object: a name or value may itself hold `{"…":`.
    const opens = structuralBraces(text).flatMap((b) => {
      const m = /\{\s*("(?:[^"\\]|\\.)*")\s*:/y;
      m.lastIndex = b;
      const found = m.exec(text);
      return found === null ? [] : [found];
    });
    const hit = opens.length === 0 ? undefined : opens[at % opens.length]!;
    if (hit !== undefined) {
      const name = JSON.parse(hit[1]!) as string;
      const again = escape && name.length > 0
        ? `"\\u${name.charCodeAt(0).toString(16).padStart(4, "0")}${
          JSON.stringify(name.slice(1)).slice(1)
        }`
        : hit[1]!;
      const i = hit.index! + 1;
      if (at % 3 !== 0) text = `${text.slice(0, i)}${again} : null,${text.slice(i)}`;
    }
    return text;
  })
);

describe("hasDuplicateMembersIn", () => {
  it("(the generator injects names only after a `{` that opens an object)", () => {
    // A string that ends in `{` is followed by `"`: the generator once read `",\n\t"` as a name.
    assert.deepEqual(structuralBraces(JSON.stringify(["x{", ":"], null, "\t")), []);
    assert.deepEqual(structuralBraces('{"a":{"b{":"\\"}}'), [0, 5]);
  });

  it("answers as hasDuplicateMembers on generated texts, with and without duplicates", () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        assert.equal(hasDuplicateMembersIn(text, JSON.parse(text)), hasDuplicateMembers(text));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("counts names, not strings: values, escapes, nesting and __proto__", () => {
    const cases: [string, boolean][] = [
      ['{"a":1,"a":2}', true],
      ['{"a":1,"\\u0061":2}', true],
      ['{"x":[{"b":1,"b":2}]}', true],
      ['{"__proto__":1,"__proto__":2}', true],
      ['{"a":{"a":1},"b":["a","a"]}', false],
      ['{"a":"\\"a\\":","b":"}{,\\\\"}', false],
      ['{ "a" :\n"b" , "c"\t: "a" }', false],
      ['{"__proto__":{"x":1}}', false],
    ];
    for (const [text, dup] of cases) {
      assert.equal(hasDuplicateMembersIn(text, JSON.parse(text)), dup, text);
      assert.equal(hasDuplicateMembers(text), dup, text);
    }
  });
});
