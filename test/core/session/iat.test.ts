// The machine reads a session token's `iat` with a small decoder (util.ts `tokenIat`) so the
// device SDK carries no base64url or UTF-8 decoder: it must agree with the strict decoders of
// core/token on valid and invalid payloads alike (fast-check).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { tokenIat } from "../../../core/session/util.ts";
import { decodeBase64Url, encodeBase64Url } from "../../../core/token/base64url.ts";
import { decodeUtf8, encodeUtf8 } from "../../../core/token/utf8.ts";
import { propertyRuns } from "../../support/property-runs.ts";

const RUNS = propertyRuns(200);

/** The reference: strict base64url, strict UTF-8, JSON, a numeric `iat`. */
function reference(token: string): number | null {
  const bytes = decodeBase64Url(token.split(".")[1] ?? "");
  const text = bytes === null ? null : decodeUtf8(bytes);
  if (text === null) return null;
  try {
    const json = JSON.parse(text) as { iat?: unknown };
    return typeof json.iat === "number" ? json.iat : null;
  } catch {
    return null;
  }
}

const tok = (segment: string) => `eyJhbGciOiJFZERTQSJ9.${segment}.AA`;
const json = fc.record(
  { iat: fc.oneof(fc.integer(), fc.double(), fc.string()), sub: fc.string() },
  {
    requiredKeys: [],
  },
);
// Payload bytes: JSON text (UTF-8, with non-ASCII), or arbitrary bytes (mostly ill-formed).
const segments = fc.oneof(
  json.map((v) => encodeBase64Url(encodeUtf8(JSON.stringify(v)))),
  json.map((v) => encodeBase64Url(encodeUtf8(`{"iat":1,"u":"${JSON.stringify(v)}"}`))),
  fc.uint8Array({ maxLength: 40 }).map(encodeBase64Url),
  // JSON with one byte replaced: overlong forms, surrogates, truncated sequences.
  fc.tuple(fc.nat(30), fc.integer({ min: 0x80, max: 0xff })).map(([i, b]) => {
    const bytes = encodeUtf8(`{"iat":1767225600,"sub":"é€😀${"x".repeat(i)}"}`);
    bytes[Math.min(i + 8, bytes.length - 1)] = b;
    return encodeBase64Url(bytes);
  }),
  // Non-canonical or broken base64url: stray bits, bad length, foreign characters.
  fc.string({ unit: fc.constantFrom(..."ABCabz09-_+/=.é"), maxLength: 24 }),
);

describe("tokenIat (the device's iat reader) agrees with the strict decoders", () => {
  it(`on generated payloads, valid and invalid (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(segments, (seg) => assert.equal(tokenIat(tok(seg)), reference(tok(seg)))),
      { numRuns: RUNS * 5 },
    );
  });

  it("on hand-picked cases", () => {
    const enc = (t: string) => encodeBase64Url(encodeUtf8(t));
    const cases: [string, number | null][] = [
      [tok(enc('{"iat":1767225600,"exp":1767226500}')), 1767225600],
      [tok(enc('{"iat":5,"sub":"é€😀"}')), 5],
      [tok(enc('{"iat":"5"}')), null],
      [tok(enc("null")), null],
      [tok(""), null],
      ["no-dots", null],
      [tok(encodeBase64Url(new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]))), null], // overlong
      [tok(encodeBase64Url(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]))), null], // surrogate
      [tok("eyJpYXQiOjF9"), 1], // {"iat":1}
      [tok("eyJpYXQiOjF9A"), null], // length ≡ 1 (mod 4)
      [tok("eyJpYXQiOjF9Ag"), null], // stray bits
    ];
    for (const [t, want] of cases) {
      assert.equal(reference(t), want, `reference on ${t}`);
      assert.equal(tokenIat(t), want, t);
    }
  });
});
