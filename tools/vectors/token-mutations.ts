/**
 * Byte-level mutations the token vectors use to build hostile tokens: stray bits in the last
 * base64url character, flipped bytes, tampered signatures, duplicate members, DER signatures.
 */
import { encodeBase64Url } from "../../core/token/mod.ts";
import { AUD, DEVICE_ID, type Fixtures, ISS, SESSION_ID, signRaw, T0 } from "./token-fixtures.ts";

export function strayBits(b64: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(b64[b64.length - 1]!);
  return b64.slice(0, -1) + alphabet[last | 1]!;
}

export function flipLast(b64: string): string {
  const bytes = Uint8Array.from(
    atob(b64.replace(/-/g, "+").replace(/_/g, "/")),
    (ch) => ch.charCodeAt(0),
  );
  bytes[31] = bytes[31]! ^ 1;
  return encodeBase64Url(bytes);
}

export function tamperSignature(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  return `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
}

export function strayBitsToken(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  return `${h}.${p}.${strayBits(s)}`;
}

export function dupAud(f: Fixtures): string {
  const base = JSON.stringify({
    iss: ISS,
    aud: AUD,
    sub: SESSION_ID,
    did: DEVICE_ID,
    cnf: { jkt: f.kid("device-ed25519") },
    iat: T0,
    exp: T0 + 900,
    jti: "jti-vector-00000000001",
    ver: 1,
  });
  const header = JSON.stringify({
    alg: "EdDSA",
    typ: "ds-session+jwt",
    kid: f.kid("service-ed25519"),
  });
  return signRaw(
    f,
    "service-ed25519",
    header,
    base.replace(`"aud":"${AUD}"`, `"aud":"other-app","aud":"${AUD}"`),
  );
}

export function b64bytes(s: string): Uint8Array {
  return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
}

export function flipFirst(sig: string): string {
  const bytes = b64bytes(sig);
  bytes[0] = bytes[0]! ^ 1;
  return encodeBase64Url(bytes);
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` of a raw `r || s` signature. */
export function toDer(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array): number[] => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = [...b.slice(i)];
    if (v[0]! & 0x80) v.unshift(0);
    return [0x02, v.length, ...v];
  };
  const body = [...int(raw.slice(0, 32)), ...int(raw.slice(32))];
  return Uint8Array.from([0x30, body.length, ...body]);
}
