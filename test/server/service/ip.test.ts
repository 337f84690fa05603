// IPv4/IPv6 parsing and CIDR matching for rules (core/service/ip.ts), table-driven.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cidrContains, formatIp, parseCidr, parseIp } from "../../../core/service/ip.ts";

/** IPv4 as it was parsed before the one-pass parser: split, a regular expression per octet. */
function referenceV4(s: string): number[] | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    out.push(Number(p));
  }
  return out;
}

describe("IPv4 one-pass parsing", () => {
  it("agrees with split and a regular expression per octet, and formats as join", () => {
    const near = fc.string({
      unit: fc.constantFrom("0", "1", "2", "5", "9", ".", ".", "a", " ", "-", "+", "٣", ":"),
      maxLength: 18,
    });
    const quad = fc.tuple(
      fc.nat(300),
      fc.nat(300),
      fc.nat(300),
      fc.nat(300),
      fc.constantFrom("", "0", ".", ".1", " "),
    )
      .map(([a, b, c, d, x]) => `${a}.${b}.${c}.${d}${x}`);
    fc.assert(
      fc.property(fc.oneof(near, quad), (t) => {
        const want = referenceV4(t);
        const got = parseIp(t);
        if (want === null) {
          assert.ok(got === null || got.version === 6, t);
        } else {
          assert.deepEqual(got, { version: 4, bytes: new Uint8Array(want) }, t);
          assert.equal(formatIp(got!), want.join("."));
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe("parseIp", () => {
  // deno-fmt-ignore
  const valid: [string, string][] = [
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["203.0.113.7", "203.0.113.7"],
    ["::", "::"],
    ["::1", "::1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1::", "1::"],
    ["fe80::1%eth0", "fe80::1"],
    ["[2001:db8::7]", "2001:db8::7"],
    ["::ffff:192.0.2.1", "192.0.2.1"], // IPv4-mapped → IPv4
    ["::ffff:c000:0201", "192.0.2.1"],
    ["64:ff9b::192.0.2.1", "64:ff9b::c000:201"],
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
  ];
  for (const [text, canonical] of valid) {
    it(`parses ${text}`, () => {
      const ip = parseIp(text);
      assert.ok(ip !== null, text);
      assert.equal(formatIp(ip), canonical);
    });
  }
  const invalid = [
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.-4",
    " 1.2.3.4",
    "1.2.3.4 ",
    "a.b.c.d",
    ":::",
    "1:::2",
    "1::2::3",
    "12345::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:",
    "::1.2.3",
    "::256.1.1.1",
    "1:2:3:4:5:6:7:1.2.3.4",
    "g::1",
    "localhost",
    "x".repeat(100),
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text.slice(0, 20))}`, () => assert.equal(parseIp(text), null));
  }
});

describe("parseCidr / cidrContains", () => {
  // deno-fmt-ignore
  const table: [string, string, boolean][] = [
    ["198.51.100.0/24", "198.51.100.0", true],
    ["198.51.100.0/24", "198.51.100.255", true],
    ["198.51.100.0/24", "198.51.101.0", false],
    ["198.51.100.7/24", "198.51.100.200", true], // host bits ignored
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.0", false],
    ["0.0.0.0/0", "203.0.113.7", true],
    ["0.0.0.0/0", "2001:db8::1", false], // never across versions
    ["192.0.2.1/32", "192.0.2.1", true],
    ["192.0.2.1/32", "192.0.2.2", false],
    ["192.0.2.128/25", "192.0.2.127", false],
    ["192.0.2.128/25", "192.0.2.129", true],
    ["172.16.0.0/12", "172.31.255.255", true],
    ["172.16.0.0/12", "172.32.0.0", false],
    ["10.0.0.0/8", "::ffff:10.1.2.3", true], // a dual-stack socket's view of an IPv4 peer
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["2001:db8::/32", "198.51.100.1", false],
    ["::/0", "::1", true],
    ["::1/128", "::1", true],
    ["::1/128", "::2", false],
    ["2001:db8:abcd:12::/63", "2001:db8:abcd:13::1", true],
    ["2001:db8:abcd:12::/63", "2001:db8:abcd:14::1", false],
    ["fe80::/10", "febf::1", true],
    ["fe80::/10", "fec0::1", false],
    ["::ffff:10.0.0.0/104", "10.9.9.9", true], // mapped IPv6 block = IPv4 10.0.0.0/8
    ["::ffff:10.0.0.0/104", "11.0.0.1", false],
  ];
  for (const [cidr, ip, inside] of table) {
    it(`${ip} ${inside ? "∈" : "∉"} ${cidr}`, () => {
      const block = parseCidr(cidr);
      const addr = parseIp(ip);
      assert.ok(block !== null && addr !== null);
      assert.equal(cidrContains(block, addr), inside);
    });
  }
  const invalid = [
    "10.0.0.0",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    "10.0.0.0/08",
    "10.0.0.0/",
    "/8",
    "10.0.0/8",
    "2001:db8::/129",
    "2001:db8::/",
    "fe80::1%eth0/64",
    "10.0.0.0/8/8",
    "10.0.0.0 /8",
    "x/8",
  ];
  for (const cidr of invalid) {
    it(`rejects CIDR ${JSON.stringify(cidr)}`, () => assert.equal(parseCidr(cidr), null));
  }
});
