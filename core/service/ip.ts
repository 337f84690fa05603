/**
 * IPv4 and IPv6 addresses and CIDR blocks for rule matching (SPEC §7.6). Strict parsing: dotted
 * quads without leading zeros (no octal ambiguity), RFC 4291 text forms with at most one `::`
 * and an optional embedded IPv4 tail. IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, what a
 * dual-stack socket reports) are IPv4 addresses, so IPv4 rules match them.
 *
 * @module
 */

/** A parsed address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A parsed CIDR block: its network address (host bits zeroed) and prefix length. */
export interface CidrBlock {
  readonly version: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/**
 * A dotted quad: four octets (`0|[1-9]\d{0,2}`, at most 255) joined by dots. One pass over
 * the characters (no split, no regular expressions): a backend sends one with every trigger.
 */
function parseV4(s: string): Uint8Array | null {
  const out = new Uint8Array(4);
  let part = 0;
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 0x2e : s.charCodeAt(i);
    if (c === 0x2e) {
      // End of an octet: 1–3 digits, no leading zero, at most 255; exactly four of them.
      if (digits === 0 || n > 255 || part === 4) return null;
      out[part++] = n;
      n = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if ((digits === 1 && n === 0) || digits === 3) return null;
      n = n * 10 + (c - 0x30);
      digits++;
    } else return null;
  }
  return part === 4 ? out : null;
}

function parseV6(s: string): Uint8Array | null {
  if (s.length < 2 || s.length > 45) return null;
  let tail: Uint8Array | null = null;
  let text = s;
  const lastColon = s.lastIndexOf(":");
  if (s.indexOf(".", lastColon) !== -1) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === null) return null;
    // Keep the colon(s) before the tail: "::1.2.3.4" → "::", "a::b:1.2.3.4" → "a::b:".
    text = s.slice(0, lastColon + 1);
    if (!text.endsWith("::")) text = text.slice(0, -1);
  }
  const groupsWanted = tail === null ? 8 : 6;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const split = (h: string): string[] | null => {
    if (h === "") return [];
    const g = h.split(":");
    return g.every((x) => HEX_GROUP.test(x)) ? g : null;
  };
  const head = split(halves[0]!);
  const rest = halves.length === 2 ? split(halves[1]!) : [];
  if (head === null || rest === null) return null;
  const present = head.length + rest.length;
  if (halves.length === 2 ? present > groupsWanted - 1 : present !== groupsWanted) return null;
  const groups = [...head, ...new Array(groupsWanted - present).fill("0"), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (tail !== null) out.set(tail, 12);
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * Parses an IPv4 or IPv6 address (an IPv6 zone id such as `%eth0` is ignored); IPv4-mapped
 * IPv6 addresses come back as IPv4. `null` if it is not an address.
 *
 * @example
 * ```ts
 * parseIp("::ffff:203.0.113.7"); // { version: 4, bytes: [203, 0, 113, 7] }
 * ```
 */
export function parseIp(text: string): IpAddress | null {
  if (typeof text !== "string" || text.length > 64) return null;
  const s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!s.includes(":")) {
    const v4 = parseV4(s);
    return v4 === null ? null : { version: 4, bytes: v4 };
  }
  const zone = s.indexOf("%");
  const v6 = parseV6(zone === -1 ? s : s.slice(0, zone));
  if (v6 === null) return null;
  return isV4Mapped(v6) ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 };
}

function mask(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    out[i] = out[i]! & (bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/**
 * Parses `address/prefix` (IPv4 prefix 0–32, IPv6 0–128; a prefix length is required, without
 * leading zeros). Host bits are ignored (`192.0.2.7/24` is `192.0.2.0/24`); an IPv4-mapped IPv6
 * block of prefix ≥ 96 is the matching IPv4 block. `null` if invalid.
 *
 * @example
 * ```ts
 * parseCidr("2001:db8::/32"); // { version: 6, prefix: 32, bytes: … }
 * ```
 */
export function parseCidr(text: string): CidrBlock | null {
  if (typeof text !== "string") return null;
  const slash = text.indexOf("/");
  if (slash === -1 || text.includes("%")) return null;
  const p = text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
  const prefix = Number(p);
  const addrText = text.slice(0, slash);
  if (addrText.includes(":")) {
    const v6 = parseV6(addrText);
    if (v6 === null || prefix > 128) return null;
    if (isV4Mapped(v6) && prefix >= 96) {
      return { version: 4, bytes: mask(v6.slice(12), prefix - 96), prefix: prefix - 96 };
    }
    return { version: 6, bytes: mask(v6, prefix), prefix };
  }
  const v4 = parseV4(addrText);
  if (v4 === null || prefix > 32) return null;
  return { version: 4, bytes: mask(v4, prefix), prefix };
}

/**
 * Whether `ip` is inside `block` (never across IP versions).
 *
 * @example
 * ```ts
 * cidrContains(parseCidr("198.51.100.0/24")!, parseIp("198.51.100.9")!); // true
 * ```
 */
export function cidrContains(block: CidrBlock, ip: IpAddress): boolean {
  if (block.version !== ip.version) return false;
  const full = block.prefix >> 3;
  for (let i = 0; i < full; i++) if (block.bytes[i] !== ip.bytes[i]) return false;
  const bits = block.prefix & 7;
  if (bits === 0) return true;
  const m = (0xff << (8 - bits)) & 0xff;
  return (ip.bytes[full]! & m) === block.bytes[full];
}

/**
 * The canonical text of an address (RFC 5952 for IPv6: lower case, longest zero run as `::`),
 * so one address has one spelling in counters and logs.
 *
 * @example
 * ```ts
 * formatIp(parseIp("2001:DB8:0:0:0:0:0:1")!); // "2001:db8::1"
 * ```
 */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (ip.version === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!);
  let best = -1;
  let bestLen = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (best === -1) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}
