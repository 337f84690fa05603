/**
 * Vectors of S2 and the claims step at the edges a hand-written decoder gets wrong (SPEC §1.3,
 * §4.3, §4.6): JSON whitespace (space, tab, LF, CR) between a member name and its colon, in
 * valid tokens and around duplicated names; whitespace after the closing brace at every length
 * mod 3 (so the last base64url quantum holds it); `iss` exactly at and one over its 2048
 * characters; and payloads longer than 4096 characters with multi-byte characters on both sides
 * of that length, decoded exactly (the issuer after them is compared byte for byte).
 */
import { type Fixtures, ISS, signRaw } from "./token-fixtures.ts";
import { type Case, sessionClaims, sessionHeader } from "./token-kinds.ts";

const WHITESPACE: readonly [string, string][] = [
  ["a space", " "],
  ["a tab", "\t"],
  ["an LF", "\n"],
  ["a CR", "\r"],
];

export function jsonEdgeCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const header = JSON.stringify(sessionHeader(f));
  const claims = JSON.stringify(sessionClaims(f));
  const rest = claims.slice(1); // the claims after the opening brace
  const s = (comment: string, flags: string[], token: string, expect: Case["expect"]) =>
    c.push({ kind: "session", comment, flags, token, expect });
  const signed = (h: string, p: string) => signRaw(f, "service-ed25519", h, p);

  // Whitespace between a member name and its colon: every name, in header and payload.
  for (const [what, ws] of WHITESPACE) {
    const spaced = (json: string) => json.replace(/":/g, `"${ws}:`);
    s(
      `valid: ${what} between every member name and its colon (header and payload)`,
      ["Valid", "Encoding"],
      signed(spaced(header), spaced(claims)),
      "valid",
    );
    s(
      `duplicate aud, the first followed by ${what} before its colon`,
      ["Duplicate"],
      signed(header, `{"aud"${ws}:"other-app",${rest}`),
      "ERR_TOKEN_MALFORMED",
    );
    s(
      `duplicate aud, the second followed by ${what} before its colon`,
      ["Duplicate"],
      signed(header, `{"aud":"other-app",${rest.replace('"aud":', `"aud"${ws}:`)}`),
      "ERR_TOKEN_MALFORMED",
    );
    s(
      `duplicate alg in the header, the first followed by ${what} before its colon`,
      ["Duplicate"],
      signed(`{"alg"${ws}:"none",${header.slice(1)}`, claims),
      "ERR_TOKEN_MALFORMED",
    );
  }
  s(
    "valid: space, tab, CR and LF together around every colon and comma",
    ["Valid", "Encoding"],
    signed(header, claims.replace(/":/g, '" \t\r\n: \t\r\n').replace(/,"/g, ' \t\r\n, \t\r\n"')),
    "valid",
  );
  s(
    "duplicate names inside a nested object, the second after whitespace and an escape",
    ["Duplicate"],
    signed(header, `{"x":{"a":1, "\\u0061"\t:2},${rest}`),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "duplicate names inside an object in an array, after whitespace",
    ["Duplicate"],
    signed(header, `{"x":[ {"a" :1,\n"a"\r:2} ],${rest}`),
    "ERR_TOKEN_MALFORMED",
  );

  // Whitespace after the closing brace: 1–3 characters put it at each place of the last quantum.
  for (const [what, ws] of WHITESPACE) {
    for (let n = 1; n <= 3; n++) {
      s(
        `valid: payload followed by ${what} × ${n} (payload length ≡ ${
          (claims.length + n) % 3
        } mod 3)`,
        ["Valid", "Encoding"],
        signed(header, claims + ws.repeat(n)),
        "valid",
      );
    }
    s(
      `valid: header followed by ${what}`,
      ["Valid", "Encoding"],
      signed(header + ws, claims),
      "valid",
    );
  }

  // iss at its length limit (SPEC §4.6): 2048 characters, and one more.
  const issOf = (n: number) => `${ISS}/${"a".repeat(n - ISS.length - 1)}`;
  const withIss = (iss: string) => signed(header, JSON.stringify({ ...sessionClaims(f), iss }));
  // Lengths in characters count UTF-16 code units (SPEC §1.2): 😀 counts two, so an issuer of
  // 2048 code points that ends in it is one over.
  const astral = (n: number) => `${issOf(n - 1).slice(0, -1)}😀`;
  const limits = [
    [issOf, "characters", ""],
    [astral, "UTF-16 code units ending in 😀", " code points"],
  ] as const;
  for (const [iss, what, unit] of limits) {
    const points = (n: number) => unit === "" ? "" : ` (${[...iss(n)].length}${unit})`;
    c.push({
      kind: "session",
      comment: `valid: iss of 2048 ${what}${points(2048)}, the most SPEC §4.6 allows`,
      flags: ["Valid", "Claims"],
      token: withIss(iss(2048)),
      options: { issuer: iss(2048) },
      expect: "valid",
    });
    c.push({
      kind: "session",
      comment: `iss of 2049 ${what}${
        points(2049)
      }: an invalid claim, before the issuer is compared`,
      flags: ["Claims"],
      token: withIss(iss(2049)),
      options: { issuer: iss(2048) },
      expect: "ERR_CLAIM_INVALID",
    });
  }

  // Payloads over 4096 characters (UTF-16 code units, as JavaScript counts them): é, € and 😀
  // (2, 3, 4 bytes) cover characters 3908–4148, and each shift puts another one of them (or
  // either half of 😀's surrogate pair) at the 4096th; the issuer after them is compared.
  const iss = `${ISS}/é€😀`;
  for (let shift = 0; shift < 4; shift++) {
    const pad = "x".repeat(3900 + shift) + "é€😀".repeat(60);
    const payload = JSON.stringify({ pad, ...sessionClaims(f), iss });
    s(
      `valid: a ${payload.length}-character payload of é, € and 😀 before the issuer (shift ${shift})`,
      ["Valid", "Encoding"],
      signed(header, payload),
      "valid",
    );
    c[c.length - 1]!.options = { issuer: iss };
  }
  return c;
}
