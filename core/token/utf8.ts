/**
 * UTF-8 in plain ECMAScript, so the core needs no `TextEncoder`/`TextDecoder` from its host
 * (a bare engine such as QuickJS has neither). Decoding is strict like
 * `new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })`: overlong forms, surrogates,
 * code points above U+10FFFF and truncated sequences are rejected; a leading BOM is kept.
 *
 * @module
 */

// String.fromCharCode takes its code units as arguments: build strings in bounded chunks.
const CHUNK = 4096;

function fromCodeUnits(units: Uint8Array | Uint16Array, length: number): string {
  // apply takes any array-like: a typed-array view needs no copy into an Array.
  if (length <= CHUNK) {
    return String.fromCharCode.apply(null, units.subarray(0, length) as unknown as number[]);
  }
  let s = "";
  for (let i = 0; i < length; i += CHUNK) {
    const part = units.subarray(i, Math.min(i + CHUNK, length));
    s += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return s;
}

/**
 * Encodes a string as UTF-8; a lone surrogate becomes U+FFFD, as `TextEncoder` does.
 *
 * @example
 * ```ts
 * encodeUtf8("é"); // Uint8Array [195, 169]
 * ```
 */
export function encodeUtf8(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
    } else if (c < 0x10000) {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 63);
    } else {
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 63);
      out[o++] = 0x80 | ((c >> 6) & 63);
    }
    out[o++] = 0x80 | (c & 63);
  }
  return out.slice(0, o);
}

/**
 * Decodes strict UTF-8, or returns `null` for any ill-formed sequence.
 *
 * @example
 * ```ts
 * decodeUtf8(new Uint8Array([195, 169])); // "é"
 * decodeUtf8(new Uint8Array([0xc0, 0xaf])); // null: overlong
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  const n = bytes.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return fromCodeUnits(bytes, n);
  const units = new Uint16Array(n); // never more code units than bytes
  let u = 0;
  for (let i = 0; i < n;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units[u++] = b;
      i++;
      continue;
    }
    // Lead byte: sequence length and the allowed range of the first continuation byte
    // (Unicode Table 3-7), which excludes overlong forms, surrogates and > U+10FFFF.
    let need: number, lo = 0x80, hi = 0xbf, cp: number;
    if (b >= 0xc2 && b <= 0xdf) (need = 1, cp = b & 0x1f);
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return null;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    i += need + 1;
    if (cp < 0x10000) units[u++] = cp;
    else {
      cp -= 0x10000;
      units[u++] = 0xd800 | (cp >> 10);
      units[u++] = 0xdc00 | (cp & 0x3ff);
    }
  }
  return fromCodeUnits(units, u);
}
