// The Node adapter's lazy request headers (adapters/server/serve/node-headers.ts) answer exactly
// as the WHATWG `Headers` built from the same raw list: `get` and `has` of any name, on lists
// with any case, repeated names, odd whitespace and values `Headers` refuses; and every other
// member (iteration, set, forEach) behaves as on `Headers`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { lazyHeaders, realHeaders } from "../../../adapters/server/serve/node-headers.ts";

const TIMEOUT = { timeout: 60_000 };

const name = fc.oneof(
  fc.constantFrom("Content-Type", "content-type", "CONTENT-TYPE", "Origin", "X-Request-Id"),
  fc.constantFrom("authorization", "Set-Cookie", "a", "bad name", "é", "", "\u212Aey", "Ke\u212A"),
  fc.string({
    unit: fc.constantFrom("a", "B", "-", "_", "!", " ", ":", "k", "\u212A", "\u0130"),
    maxLength: 6,
  }),
);
const value = fc.oneof(
  fc.constantFrom(
    "application/json",
    "",
    " x",
    "x ",
    "\tx",
    "a, b",
    "a\0b",
    "a\r\nb",
    "x\u00a0",
    "a\u20acb",
  ),
  fc.string({
    unit: fc.constantFrom(
      "a",
      " ",
      "\t",
      ",",
      "\u00e9",
      "\u00ff",
      "\u0085",
      "\v",
      "\u0100",
      "\u20ac",
    ),
    maxLength: 5,
  }),
);
// Node's raw list: names and values alternate (a name Headers refuses is dropped there too).
const rawList = fc.array(fc.tuple(name, value), { maxLength: 8 }).map((pairs) => pairs.flat());

function built(raw: string[]): Headers {
  const h = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      h.append(raw[i]!, raw[i + 1]!);
    } catch { /* dropped */ }
  }
  return h;
}

/** `f(h)`'s outcome: its value, or the error's constructor name. */
function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return `throws ${(e as Error).constructor.name}`;
  }
}

describe("lazy request headers (Node adapter)", () => {
  it("get and has answer as Headers, for any raw list and name", TIMEOUT, () => {
    fc.assert(
      fc.property(rawList, fc.array(name, { minLength: 1, maxLength: 4 }), (raw, names) => {
        const lazy = lazyHeaders(raw);
        const real = built(raw);
        for (const n of names) {
          assert.deepEqual(outcome(() => lazy.get(n)), outcome(() => real.get(n)), n);
          assert.deepEqual(outcome(() => lazy.has(n)), outcome(() => real.has(n)), n);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("every other member works on the real Headers, which then answers get too", TIMEOUT, () => {
    fc.assert(
      fc.property(rawList, name, (raw, n) => {
        const lazy = lazyHeaders(raw);
        const real = built(raw);
        assert.ok(lazy instanceof Headers);
        assert.deepEqual([...lazy], [...real]);
        const seen: string[] = [];
        lazy.forEach((v, k) => seen.push(`${k}=${v}`));
        assert.deepEqual(seen, [...real].map(([k, v]) => `${k}=${v}`));
        assert.deepEqual([...new Headers(realHeaders(lazy))], [...new Headers(real)]);
        lazy.set("x-added", "1");
        real.set("x-added", "1");
        assert.equal(lazy.get("x-added"), "1");
        assert.deepEqual(outcome(() => lazy.get(n)), outcome(() => real.get(n)));
      }),
      { numRuns: 500 },
    );
  });
});
