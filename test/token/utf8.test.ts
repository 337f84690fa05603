// The core's UTF-8 codec (core/token/utf8.ts) agrees with the host's TextEncoder and strict
// TextDecoder on arbitrary input: the core needs neither from a bare engine, and tokens decode
// exactly as before (SPEC §4.3: UTF-8 JSON, one accepted encoding).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeUtf8, encodeUtf8 } from "../../core/token/utf8.ts";
import { propertyRuns } from "../support/property-runs.ts";

const RUNS = propertyRuns(300);
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const hostDecode = (b: Uint8Array): string | null => {
  try {
    return strict.decode(b);
  } catch {
    return null;
  }
};
// Strings with lone surrogates, astral characters and everything in between.
const text = fc.string({ unit: "binary", maxLength: 64 });
// Byte strings near valid UTF-8: valid encodings with bytes flipped, cut or spliced in.
const nearUtf8 = fc.tuple(
  text,
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
    maxLength: 3,
  }),
  fc.nat(),
).map(([s, edits, cut]) => {
  const b = Array.from(new TextEncoder().encode(s));
  for (const [at, v] of edits) b.splice(b.length === 0 ? 0 : at % (b.length + 1), 0, v);
  return new Uint8Array(b.slice(0, b.length === 0 ? 0 : b.length - (cut % 3)));
});

describe("core UTF-8 codec", { timeout: 120_000 }, () => {
  it("encodes like TextEncoder, lone surrogates included", () => {
    fc.assert(
      fc.property(text, (s) => {
        assert.deepEqual(encodeUtf8(s), new TextEncoder().encode(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("decodes like a fatal TextDecoder, rejecting exactly what it rejects", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 48 }), nearUtf8), (b) => {
        assert.equal(decodeUtf8(b), hostDecode(b));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("rejects each class of ill-formed sequence and keeps a BOM", () => {
    const bad = [
      [0xc0, 0xaf], // overlong "/"
      [0xe0, 0x80, 0xaf], // overlong, 3 bytes
      [0xed, 0xa0, 0x80], // a surrogate
      [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
      [0xe2, 0x82], // truncated
      [0x80], // a lone continuation byte
      [0xff],
    ];
    for (const b of bad) assert.equal(decodeUtf8(new Uint8Array(b)), null, `${b}`);
    assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b])), "\ufeff{");
    assert.equal(decodeUtf8(new Uint8Array([0xf0, 0x9f, 0x98, 0x80])), "😀");
  });

  it("round-trips long strings (beyond one String.fromCharCode chunk)", () => {
    const s = "é€😀a".repeat(3000);
    assert.equal(decodeUtf8(encodeUtf8(s)), s);
    assert.equal(decodeUtf8(encodeUtf8("a".repeat(10_000))), "a".repeat(10_000));
  });
});
