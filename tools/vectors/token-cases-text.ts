/**
 * Vectors of S2's text rules (SPEC §4.3–§4.4) at their edges: strict UTF-8 at every boundary of
 * Unicode Table 3-7 (each lead byte's first allowed and first refused continuation, surrogates,
 * overlong forms, the end of Unicode, a truncated sequence), decoded exactly (the issuer is
 * compared byte for byte, so a decoder that alters a character fails a valid vector), and the
 * duplicate-member rule across nesting, arrays, escaped quotes and backslashes.
 */
import { encodeBase64Url } from "../../core/token/mod.ts";
import { type Fixtures, ISS, signRaw } from "./token-fixtures.ts";
import { type Case, sessionClaims, sessionHeader } from "./token-kinds.ts";

const enc = new TextEncoder();

/** A session token whose payload is `prefix` + raw `bytes` + `suffix` (the bytes inside a string). */
function rawPayload(f: Fixtures, prefix: string, bytes: number[], suffix: string): string {
  const p = Uint8Array.from([...enc.encode(prefix), ...bytes, ...enc.encode(suffix)]);
  const input = `${encodeBase64Url(enc.encode(JSON.stringify(sessionHeader(f))))}.${
    encodeBase64Url(p)
  }`;
  return `${input}.${encodeBase64Url(f.sign("service-ed25519", input))}`;
}

export function textCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const header = JSON.stringify(sessionHeader(f));
  const claims = JSON.stringify(sessionClaims(f));
  const rest = claims.slice(1); // the claims after the opening brace
  // Valid: every edge character of each UTF-8 length, in an issuer compared byte for byte.
  const edges = "\u0080\u07ff\u0800\ud7ff\ue000\uffff\u{10000}\u{50000}\u{c0000}\u{10ffff}é€😀";
  const iss = `${ISS}/${edges}`;
  const withIss = JSON.stringify({ ...sessionClaims(f), iss });
  c.push({
    kind: "session",
    comment: "valid: an issuer with U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, " +
      "U+50000, U+C0000, U+10FFFF, é, € and 😀, decoded exactly",
    flags: ["Valid", "Encoding"],
    token: signRaw(f, "service-ed25519", header, withIss),
    options: { issuer: iss },
    expect: "valid",
  });
  c.push({
    kind: "session",
    comment: "the issuer differs from the expected one in its last (4-byte) character only",
    flags: ["Claims", "Encoding"],
    token: signRaw(f, "service-ed25519", header, withIss),
    options: { issuer: iss.replace("😀", "😁") },
    expect: "ERR_ISSUER_MISMATCH",
  });
  const [h, p] = signRaw(f, "service-ed25519", header, claims).split(".");
  c.push({
    kind: "session",
    comment: "2800 characters but 8400 UTF-8 bytes (3-byte €): size is counted in bytes",
    flags: ["Oversize"],
    token: `${h}.${p}.${"€".repeat(2800)}`,
    expect: "ERR_TOKEN_TOO_LARGE",
  });
  const bad: [string, number[]][] = [
    ["a lone continuation byte 0x80", [0x80]],
    ["overlong 2-byte form C0 AF", [0xc0, 0xaf]],
    ["overlong 2-byte form C1 BF", [0xc1, 0xbf]],
    ["overlong 3-byte form E0 9F BF", [0xe0, 0x9f, 0xbf]],
    ["an encoded surrogate ED A0 80", [0xed, 0xa0, 0x80]],
    ["overlong 4-byte form F0 8F BF BF", [0xf0, 0x8f, 0xbf, 0xbf]],
    ["above U+10FFFF: F4 90 80 80", [0xf4, 0x90, 0x80, 0x80]],
    ["lead byte F5", [0xf5, 0x80, 0x80, 0x80]],
    ["a 3-byte sequence cut short (E2 82 then a quote)", [0xe2, 0x82]],
    ["a 4-byte sequence whose last byte is not a continuation", [0xf0, 0x9f, 0x98, 0x41]],
    ["a 2-byte lead followed by ASCII", [0xc3, 0x41]],
  ];
  for (const [what, bytes] of bad) {
    c.push({
      kind: "session",
      comment: `payload is not UTF-8: ${what} inside an extra claim`,
      flags: ["Encoding"],
      token: rawPayload(f, '{"x":"', bytes, `",${rest}`),
      expect: "ERR_TOKEN_MALFORMED",
    });
  }
  const dup = (comment: string, payload: string, expect: Case["expect"]) =>
    c.push({
      kind: "session",
      comment,
      flags: expect === "valid" ? ["Valid", "Duplicate"] : ["Duplicate"],
      token: signRaw(f, "service-ed25519", header, payload),
      expect,
    });
  dup(
    "valid: a nested object naming aud before the top-level aud",
    `{"x":{"aud":1},${rest}`,
    "valid",
  );
  dup(
    "valid: a string holding an escaped quote, braces and a member name",
    `{"x":"a\\"},{\\"aud\\":1",${rest}`,
    "valid",
  );
  dup("valid: a string ending in an escaped backslash", `{"x":"a\\\\",${rest}`, "valid");
  dup(
    "duplicate aud after an array of objects",
    `{"x":[1,{"y":2}],"aud":"other-app",${rest}`,
    "ERR_TOKEN_MALFORMED",
  );
  dup(
    "duplicate aud after a string ending in an escaped backslash",
    `{"x":"a\\\\","aud":"other-app",${rest}`,
    "ERR_TOKEN_MALFORMED",
  );
  dup(
    "duplicate extra claim after a nested object",
    `{"x":{"y":1},"x":2,${rest}`,
    "ERR_TOKEN_MALFORMED",
  );
  dup(
    'duplicate names spelled "a\\"b" and "a\\u0022b"',
    `{"a\\"b":1,"a\\u0022b":2,${rest}`,
    "ERR_TOKEN_MALFORMED",
  );
  return c;
}
