// The body's UTF-8 (adapters/server/http/body.ts `utf8`) decodes through the replacing decoder
// first: it must answer exactly as the fatal decoder, text or ERR_INVALID_BODY, on any bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { utf8 } from "../../../adapters/server/http/body.ts";
import { DeviceSessionError } from "../../../core/mod.ts";

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const encoder = new TextEncoder();

function reference(bytes: Uint8Array): string | "invalid" {
  try {
    return fatal.decode(bytes);
  } catch {
    return "invalid";
  }
}

function answer(bytes: Uint8Array): string | "invalid" {
  try {
    return utf8(bytes);
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError && e.code === "ERR_INVALID_BODY");
    return "invalid";
  }
}

// Valid text with the characters that matter (U+FFFD, a BOM, beyond the BMP), then some of it
// broken: truncated sequences, stray continuation bytes, overlong forms, surrogates.
const valid = fc.string({
  unit: fc.constantFrom("a", "{", '"', "é", "\uFFFD", "\uFEFF", "😀", "\u0800"),
  maxLength: 12,
}).map((t) => encoder.encode(t));
const broken = fc.tuple(
  valid,
  fc.array(
    fc.constantFrom(0x80, 0xbf, 0xc0, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0),
    { maxLength: 3 },
  ),
  fc.nat(),
)
  .map(([b, junk, at]) => {
    const i = b.length === 0 ? 0 : at % (b.length + 1);
    return new Uint8Array([...b.subarray(0, i), ...junk, ...b.subarray(i)]);
  });

describe("body UTF-8", () => {
  it("answers as the fatal decoder on any bytes", () => {
    fc.assert(
      fc.property(fc.oneof(valid, broken, fc.uint8Array({ maxLength: 16 })), (bytes) => {
        assert.equal(answer(bytes), reference(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it("examples: U+FFFD sent as such is text, a replaced byte is not", () => {
    assert.equal(answer(encoder.encode('{"a":"\uFFFD"}')), '{"a":"\uFFFD"}');
    assert.equal(answer(new Uint8Array([0x7b, 0xff, 0x7d])), "invalid");
    assert.equal(answer(new Uint8Array([0xef, 0xbb, 0xbf, 0x31])), "1", "a BOM is dropped");
  });
});
