/**
 * Vectors of the common steps S1–S3 (SPEC §4.2–§4.4): size, canonical base64url, JSON objects
 * without duplicate members, and `typ` swaps between every pair of kinds.
 */
import type { TokenKind } from "../../core/wire/mod.ts";
import { encodeBase64Url } from "../../core/token/mod.ts";
import { b64, type Fixtures, signRaw, T0 } from "./token-fixtures.ts";
import {
  type Case,
  session,
  sessionClaims,
  sessionHeader,
  tokenOfEachKind,
} from "./token-kinds.ts";

const KINDS: readonly TokenKind[] = ["proof", "session", "secure", "action", "access"];
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

export function typSwapCases(f: Fixtures): Case[] {
  const tokens = tokenOfEachKind(f);
  const c: Case[] = [];
  for (const verifier of KINDS) {
    for (const kind of KINDS) {
      if (kind === verifier) continue;
      c.push({
        kind: verifier,
        comment: `a ${kind} token presented as a ${verifier} token`,
        flags: ["TypConfusion", "Nested"],
        token: tokens[kind],
        expect: "ERR_TYP_MISMATCH",
      });
    }
  }
  return c;
}

export function encodingCases(f: Fixtures): Case[] {
  const c: Case[] = [];
  const s = (comment: string, flags: string[], token: string, expect: Case["expect"]) =>
    c.push({ kind: "session", comment, flags, token, expect });
  const headerText = JSON.stringify(sessionHeader(f));
  const claims = sessionClaims(f);
  const payloadText = JSON.stringify(claims);
  const good = session(f);
  const [h, p, sig] = good.split(".") as [string, string, string];

  // S1: size
  s(
    "8192 bytes exactly (padded with an extra claim)",
    ["Valid", "Oversize"],
    padTo(f, 8192),
    "valid",
  );
  const over = padTo(f, 8193, { atLeast: true });
  s(
    `${over.length} bytes (one segment length short of 8193 is impossible)`.replace(
      / \(one.*\)/,
      over.length === 8193 ? "" : " (8193 is not a reachable length for this header)",
    ),
    ["Oversize"],
    over,
    "ERR_TOKEN_TOO_LARGE",
  );
  s(
    "6000 characters but 12000 UTF-8 bytes: size is counted in bytes, before decoding",
    ["Oversize"],
    `${h}.${p}.${"é".repeat(6000)}`,
    "ERR_TOKEN_TOO_LARGE",
  );
  s("a 100 kB string", ["Oversize"], "A".repeat(100_000), "ERR_TOKEN_TOO_LARGE");

  // S2: segments and base64url
  s("two segments", ["Encoding"], `${h}.${p}`, "ERR_TOKEN_MALFORMED");
  s("four segments", ["Encoding"], `${good}.${sig}`, "ERR_TOKEN_MALFORMED");
  s("empty header segment", ["Encoding"], `.${p}.${sig}`, "ERR_TOKEN_MALFORMED");
  s("empty string", ["Encoding"], "", "ERR_TOKEN_MALFORMED");
  s("= padding on the signature", ["Encoding"], `${h}.${p}.${sig}==`, "ERR_TOKEN_MALFORMED");
  const padded = (seg: string) => seg + "=".repeat((4 - (seg.length % 4)) % 4 || 4);
  s("= padding on the header", ["Encoding"], `${padded(h)}.${p}.${sig}`, "ERR_TOKEN_MALFORMED");
  s(
    "unused bits set in the signature's last character",
    ["Encoding"],
    `${h}.${p}.${strayBits(sig)}`,
    "ERR_TOKEN_MALFORMED",
  );
  // Re-sign so the only defect is the encoding: a payload and a header whose length leaves spare bits.
  const oddPayload = payloadWithSpareBits(payloadText);
  const t2 = signRaw(f, "service-ed25519", headerText, oddPayload).split(".") as [
    string,
    string,
    string,
  ];
  s(
    "unused bits set in the payload's last character",
    ["Encoding"],
    `${t2[0]}.${strayBits(t2[1])}.${t2[2]}`,
    "ERR_TOKEN_MALFORMED",
  );
  const oddHeader = payloadWithSpareBits(headerText);
  const t3 = signRaw(f, "service-ed25519", oddHeader, payloadText).split(".") as [
    string,
    string,
    string,
  ];
  s(
    "valid: header and payload lengths with spare bits, canonical",
    ["Valid", "Encoding"],
    t3.join("."),
    "valid",
  );
  s(
    "unused bits set in the header's last character",
    ["Encoding"],
    `${strayBits(t3[0])}.${t3[1]}.${t3[2]}`,
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "standard base64 alphabet (+ and /)",
    ["Encoding"],
    `${h}.${p}.${toStandard(sig)}`,
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "a line break inside the payload",
    ["Encoding"],
    `${h}.${p.slice(0, 40)}\n${p.slice(40)}.${sig}`,
    "ERR_TOKEN_MALFORMED",
  );
  s("leading space", ["Encoding"], ` ${good}`, "ERR_TOKEN_MALFORMED");
  s("signature length ≡ 1 (mod 4)", ["Encoding"], `${h}.${p}.${sig}AAA`, "ERR_TOKEN_MALFORMED");
  s("a NUL character", ["Encoding"], `${h}.${p}.${sig}\u0000`, "ERR_TOKEN_MALFORMED");

  // S2: JSON objects without duplicates
  s(
    "header is not JSON",
    ["Encoding"],
    signRaw(f, "service-ed25519", "alg=EdDSA", payloadText),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "payload is a JSON array",
    ["Encoding"],
    signRaw(f, "service-ed25519", headerText, JSON.stringify([claims])),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "payload is JSON null",
    ["Encoding"],
    signRaw(f, "service-ed25519", headerText, "null"),
    "ERR_TOKEN_MALFORMED",
  );
  const badUtf8 = `${h}.${
    encodeBase64Url(Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))
  }`;
  s(
    "payload is not UTF-8",
    ["Encoding"],
    `${badUtf8}.${encodeBase64Url(f.sign("service-ed25519", badUtf8))}`,
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "byte order mark before the header JSON",
    ["Encoding"],
    signRaw(f, "service-ed25519", `\ufeff${headerText}`, payloadText),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "duplicate aud in the payload (last one valid)",
    ["Duplicate"],
    signRaw(
      f,
      "service-ed25519",
      headerText,
      payloadText.replace('"aud":', '"aud":"other-app","aud":'),
    ),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "duplicate alg in the header",
    ["Duplicate"],
    signRaw(f, "service-ed25519", headerText.replace('"alg":', '"alg":"none","alg":'), payloadText),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "duplicate jkt inside cnf",
    ["Duplicate"],
    signRaw(
      f,
      "service-ed25519",
      headerText,
      payloadText.replace('"jkt":', `"jkt":"${"A".repeat(43)}","jkt":`),
    ),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "duplicate spelled with an escape (a\\u0075d)",
    ["Duplicate"],
    signRaw(
      f,
      "service-ed25519",
      headerText,
      payloadText.replace('"aud":', '"a\\u0075d":"other-app","aud":'),
    ),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "duplicate inside an array element of an extra claim",
    ["Duplicate"],
    signRaw(f, "service-ed25519", headerText, payloadText.replace("{", '{"x":[{"a":1,"a":2}],')),
    "ERR_TOKEN_MALFORMED",
  );
  s(
    "valid: pretty-printed JSON (insignificant whitespace) is accepted",
    ["Valid", "Encoding"],
    signRaw(
      f,
      "service-ed25519",
      JSON.stringify(sessionHeader(f), null, 2),
      JSON.stringify(claims, null, 1),
    ),
    "valid",
  );
  s(
    "valid: escaped member names that are not duplicates",
    ["Valid", "Encoding"],
    signRaw(f, "service-ed25519", headerText, payloadText.replace('"iss":', '"\\u0069ss":')),
    "valid",
  );
  s(
    "valid: same member name at two depths is not a duplicate",
    ["Valid", "Duplicate"],
    signRaw(f, "service-ed25519", headerText, payloadText.replace("{", '{"x":{"jti":1},')),
    "valid",
  );
  return c;
}

function strayBits(seg: string): string {
  const v = ALPHABET.indexOf(seg[seg.length - 1]!);
  if (seg.length % 4 === 0) throw new Error("no spare bits in this segment");
  return seg.slice(0, -1) + ALPHABET[v | 1]!;
}

function toStandard(seg: string): string {
  const std = seg.replace(/-/g, "+").replace(/_/g, "/");
  return std === seg ? `+${seg.slice(1)}` : std;
}

/** Adds spaces before the closing brace until the base64url length has spare bits. */
function payloadWithSpareBits(json: string): string {
  let text = json;
  while (b64(text).length % 4 === 0) text = `${text.slice(0, -1)} }`;
  return text;
}

/** A valid session token padded with extra claims to exactly `bytes` bytes. */
function padTo(f: Fixtures, bytes: number, o: { atLeast?: boolean } = {}): string {
  const make = (n: number, m: number) =>
    session(f, {
      claims: { pad: "x".repeat(n), ...(m > 0 ? { p: "y".repeat(m - 1) } : {}), iat: T0 },
    });
  let n = Math.floor(((bytes - make(0, 0).length) * 3) / 4) - 8;
  while (make(n, 0).length < bytes - 8) n++;
  for (let m = 0; m < 12; m++) {
    for (let k = n - 6; k <= n + 6; k++) if (make(k, m).length === bytes) return make(k, m);
  }
  if (o.atLeast) {
    for (let k = n - 6; k <= n + 12; k++) if (make(k, 0).length >= bytes) return make(k, 0);
  }
  throw new Error(`cannot pad a token to ${bytes} bytes`);
}
