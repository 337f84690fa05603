// The verify hot path's shortcuts agree with the plain checks they stand in for, on generated
// valid and invalid input: straight-to-text base64url (decodeBase64UrlAscii) and the counting
// decoder (decodeBase64UrlInto with counts) with canonical base64url + strict UTF-8, the counting
// duplicate-member checks (hasDuplicateMembersIn, hasDuplicateMembersByQuotes) with the
// name-reading one (hasDuplicateMembers), parseJws with a host's ASCII conversion and with a
// shared (remembered, frozen) payload with parseJws without them. SPEC §1.3, §4.3.
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
  hasDuplicateMembersByQuotes,
  hasDuplicateMembersIn,
  parseJws,
} from "../../core/token/mod.ts";
import { propertyRuns } from "../support/property-runs.ts";

const RUNS = propertyRuns(300);

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

describe("decodeBase64UrlInto with counts", () => {
  it("decodes as decodeBase64Url and counts the quotes, backslashes and high bits of the bytes", () => {
    // Texts full of the counted characters, beside arbitrary bytes and edited encodings.
    const quoted = fc.array(fc.constantFrom('"', "\\", "a", "é", "{"), { maxLength: 60 })
      .map((cs) => encodeBase64Url(new TextEncoder().encode(cs.join(""))));
    fc.assert(
      fc.property(fc.oneof(quoted, encoded, edited), fc.string(), (s, before) => {
        const whole = before + s, from = before.length;
        const out = new Uint8Array(s.length);
        const counts = new Int32Array(3).fill(-7);
        const n = decodeBase64UrlInto(whole, out, from, whole.length, counts);
        const bytes = decodeBase64Url(s);
        if (bytes === null) return assert.equal(n, -1);
        assert.deepEqual(out.subarray(0, n), bytes);
        assert.deepEqual([...counts], [
          bytes.filter((b) => b === 0x22).length,
          bytes.filter((b) => b === 0x5c).length,
          bytes.reduce((a, b) => a | b, 0),
        ]);
      }),
      { numRuns: RUNS * 3 },
    );
    const counts = new Int32Array(3);
    assert.equal(decodeBase64UrlInto("QUJD", new Uint8Array(2), 0, 4, counts), -1); // too small
    assert.equal(decodeBase64UrlInto("QUJD", new Uint8Array(3), 2, 1, counts), -1);
    assert.equal(decodeBase64UrlInto("QUJD", new Uint8Array(3), 0, 8, counts), -1);
    const big = "A".repeat(4 * 21846); // 65538 bytes: more than the counts hold
    assert.equal(decodeBase64UrlInto(big, new Uint8Array(70000), 0, big.length, counts), -1);
    assert.equal(decodeBase64UrlInto(big, new Uint8Array(70000)), 65538); // without counts: any length
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

  it("by quotes: answers as hasDuplicateMembers on generated texts without a backslash", () => {
    fc.assert(
      fc.property(jsonText, (text) => {
        fc.pre(!text.includes("\\"));
        const quotes = text.split('"').length - 1;
        assert.equal(
          hasDuplicateMembersByQuotes(quotes, JSON.parse(text)),
          hasDuplicateMembers(text),
        );
      }),
      { numRuns: RUNS * 3 },
    );
    const cases: [string, boolean][] = [
      ['{"a":"x","a":"y"}', true],
      ['{"a":{"b":["c",{"d":1,"d":"e"}]}}', true],
      ['{"__proto__":1,"__proto__":2}', true],
      ['{"a":["a","a"],"b":{"a":"a"}}', false],
      ['{ "a" : "b" , "c":[ ] }', false],
    ];
    for (const [text, dup] of cases) {
      assert.equal(hasDuplicateMembersByQuotes(text.split('"').length - 1, JSON.parse(text)), dup);
    }
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

describe("parseJws with a host's ASCII conversion", () => {
  const host = new TextDecoder();
  const calls: number[] = [];
  const asciiText = (bytes: Uint8Array): string => {
    calls.push(bytes.some((b) => b > 0x7f) ? 1 : 0);
    return host.decode(bytes);
  };
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      return (e as { code?: string }).code ?? e;
    }
  };
  const segment = (t: string) => encodeBase64Url(new TextEncoder().encode(t));
  it("answers as parseJws alone: the same header and payload or the same error", () => {
    const header = segment('{"alg":"EdDSA","typ":"ds-session+jwt"}');
    const signature = encodeBase64Url(new Uint8Array(64).fill(7));
    const payload = fc.oneof(jsonText.map(segment), encoded, edited);
    fc.assert(
      fc.property(payload, (p) => {
        const token = `${header}.${p}.${signature}`;
        assert.deepEqual(outcome(() => parseJws(token, asciiText)), outcome(() => parseJws(token)));
      }),
      { numRuns: RUNS * 3 },
    );
    // It was used, and only ever for ASCII bytes.
    assert.ok(calls.length > 0);
    assert.deepEqual(calls.filter((c) => c !== 0), []);
  });
});

describe("parseJws with a shared payload", () => {
  const header = encodeBase64Url(
    new TextEncoder().encode('{"alg":"EdDSA","typ":"ds-session+jwt"}'),
  );
  const signature = encodeBase64Url(new Uint8Array(64).fill(9));
  const segment = (t: string) => encodeBase64Url(new TextEncoder().encode(t));
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      return (e as { code?: string }).code ?? e;
    }
  };
  const isDeepFrozen = (x: unknown): boolean =>
    typeof x !== "object" || x === null ||
    (Object.isFrozen(x) && Object.values(x).every(isDeepFrozen));

  it("answers as parseJws alone (asked once or twice): the same parts, or the same error", () => {
    const payload = fc.oneof(jsonText.map(segment), encoded, edited);
    // Signatures valid or not; and a header that may differ the second time.
    const sig = fc.oneof(
      fc.constant(signature),
      fc.uint8Array({ minLength: 1, maxLength: 70 }).map(encodeBase64Url),
      edited,
    );
    const headers = [header, segment('{"alg":"EdDSA"'), `${header}=`, segment('{"a":1,"a":2}')];
    fc.assert(
      fc.property(payload, sig, fc.boolean(), fc.nat(3), (p, sg, twice, h) => {
        const token = `${headers[h]}.${p}.${sg}`;
        if (twice) outcome(() => parseJws(`${header}.${p}.${sg}`, undefined, true));
        const shared = outcome(() => parseJws(token, undefined, true));
        assert.deepEqual(shared, outcome(() => parseJws(token)));
        // Kept (and so frozen) from its second sighting on.
        if (twice && h === 0 && typeof shared === "object" && shared !== null) {
          assert.ok(isDeepFrozen((shared as { payload: unknown }).payload));
        }
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("is one frozen object per segment, which no caller can change, and the memory is bounded", () => {
    const seg = segment('{"sub":"a","cnf":{"jkt":"x"},"l":[1]}');
    // A signature no other test uses: what was seen before decides what is kept.
    const own = encodeBase64Url(new Uint8Array(64).fill(0xa5));
    const token = `${header}.${seg}.${own}`;
    const shared = () => parseJws(token, undefined, true).payload;
    const first = shared(); // seen once: decoded, not kept
    assert.equal(Object.isFrozen(first), false);
    const a = shared();
    assert.notEqual(a, first);
    assert.deepEqual(a, first);
    assert.equal(shared(), a);
    assert.throws(() => {
      (a as { sub: string }).sub = "b";
    }, TypeError);
    assert.throws(() => {
      (a.cnf as { jkt: string }).jkt = "y";
    }, TypeError);
    assert.throws(() => (a.l as number[]).push(2), TypeError);
    // The same payload under another signature (whose last characters differ, not those the
    // memory is keyed by) is that signature's, never the remembered one.
    const tail = own.at(-2) === "A" ? "B" : "A";
    const resigned = `${header}.${seg}.${own.slice(0, -2)}${tail}${own.at(-1)}`;
    assert.deepEqual(parseJws(resigned, undefined, true), parseJws(resigned));
    assert.notDeepEqual(parseJws(resigned, undefined, true).signature, parseJws(token).signature);
    // A fresh parse is the caller's own object.
    const mine = parseJws(token).payload;
    assert.notEqual(mine, a);
    assert.equal(Object.isFrozen(mine), false);
    // Another payload under the same signature is decoded, not mistaken for the first.
    const other = parseJws(`${header}.${segment('{"sub":"b"}')}.${own}`, undefined, true);
    assert.deepEqual(other.payload, { sub: "b" });
    shared();
    const again = shared();
    assert.deepEqual(again, a);
    assert.equal(shared(), again);
    // After more other tokens than the memory holds, the first is decoded again.
    for (let i = 0; i < 1100; i++) {
      // Bytes that differ all along from one i to the next (xorshift): keys collide only by chance.
      let x = i + 1;
      const bytes = new Uint8Array(64).map(
        () => ((x ^= x << 13, x ^= x >>> 17, x ^= x << 5) & 255),
      );
      const sig = encodeBase64Url(bytes);
      const t = `${header}.${segment(`{"n":${i}}`)}.${sig}`;
      parseJws(t, undefined, true);
      parseJws(t, undefined, true);
    }
    const c = shared();
    assert.notEqual(c, again);
    assert.deepEqual(c, a);
  });

  it("answers a token equal to a remembered one with its parts, however the string was built", () => {
    const own = encodeBase64Url(new Uint8Array(64).fill(0x5a));
    const token = `${header}.${segment('{"sub":"c"}')}.${own}`;
    const copy = () => [...token].join(""); // an equal string, another object
    parseJws(copy(), undefined, true);
    const kept = parseJws(copy(), undefined, true);
    assert.ok(Object.isFrozen(kept) && Object.isFrozen(kept.payload));
    const again = parseJws(copy(), undefined, true);
    assert.equal(again, kept);
    assert.equal(again.signingInput, token.slice(0, token.lastIndexOf(".")));
    assert.deepEqual(again, parseJws(token));
    // Another header with the same payload and signature is decoded, not answered from memory.
    const other = `${segment('{"alg":"ES256","typ":"ds-session+jwt"}')}${
      token.slice(token.indexOf("."))
    }`;
    assert.deepEqual(parseJws(other, undefined, true), parseJws(other));
    assert.equal(parseJws(other, undefined, true).header.alg, "ES256");
  });
});
