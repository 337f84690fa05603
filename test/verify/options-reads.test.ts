// Attacks on the verifier's memory of validated options (adapters/verify/options.ts): whatever
// an options object answers (getters, Proxies, arrays with their own iterator), a remembered
// result is used only when it is exactly what validating the object's members now would give.
// The reference is validating on every call (no memory).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseOrThrow } from "../../core/wire/mod.ts";
import { checkOptions, TokenOptions } from "../../adapters/verify/options.ts";
import { propertyRuns } from "../support/property-runs.ts";

const RUNS = propertyRuns(300);
const jwks = { keys: [] };
const BASE = { issuer: "https://i", audience: "demo", jwks, algorithms: ["EdDSA"] };

// What validating gives, or the error's code.
const outcome = (f: () => unknown): unknown => {
  try {
    return f();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

// An optional member absent or present as `undefined` means the same: compared without them.
const defined = (x: unknown): unknown =>
  typeof x === "object" && x !== null
    ? Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined))
    : x;

describe("verifier options: a remembered result is what validating now gives", {
  timeout: 120_000,
}, () => {
  it("a getter that answers differently from its second read on", () => {
    let reads = 0;
    const o = {
      ...BASE,
      get audience(): string {
        return reads++ === 0 ? "demo" : "other";
      },
    };
    checkOptions(TokenOptions, o);
    for (let i = 0; i < 3; i++) {
      const now = outcome(() => checkOptions(TokenOptions, o)) as { audience?: string };
      assert.equal(now.audience, "other");
    }
  });

  it("a member polluted into Object.prototype is no member of a null-prototype object", () => {
    const o = Object.assign(Object.create(null), { issuer: "https://i", jwks });
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.audience = "demo";
      for (let i = 0; i < 2; i++) {
        assert.equal(outcome(() => checkOptions(TokenOptions, o)), "ERR_INVALID_INPUT");
      }
      // An ordinary object inherits it, as validating it reads it.
      const plain = { issuer: "https://i", jwks };
      assert.equal(checkOptions<{ audience: string }>(TokenOptions, plain).audience, "demo");
      delete proto.audience;
      assert.equal(outcome(() => checkOptions(TokenOptions, plain)), "ERR_INVALID_INPUT");
    } finally {
      delete proto.audience;
    }
  });

  it("an array whose iterator answers other elements than its indices", () => {
    const algorithms = ["EdDSA"];
    (algorithms as unknown as { [Symbol.iterator]: unknown })[Symbol.iterator] = function* () {
      yield "ES256";
    };
    const o = { ...BASE, algorithms };
    checkOptions(TokenOptions, o);
    algorithms[0] = "ES256";
    const now = checkOptions<{ algorithms: string[] }>(TokenOptions, o);
    assert.deepEqual(now.algorithms, ["ES256"]);
  });

  it("property: a Proxy answering each read of a member with the next of a script", () => {
    const values = fc.constantFrom<unknown>(
      "demo",
      "other",
      "",
      5,
      undefined,
      ["EdDSA"],
      ["ES256"],
      ["HS256"],
      30,
      -1,
    );
    const names = Object.keys(TokenOptions.entries);
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...names), fc.array(values, { minLength: 1, maxLength: 4 })),
        fc.integer({ min: 2, max: 6 }),
        (script, calls) => {
          // Each read of a scripted member takes its next value (the last one once spent); what
          // a call read last of each member is what validating it now gives.
          const reads = new Map<string, number>();
          let seen = new Map<string, unknown>();
          const proxy = new Proxy({ ...BASE } as Record<string, unknown>, {
            has: (t, k) => (typeof k === "string" && k in script) || k in t,
            get(t, k) {
              const mine = typeof k === "string" ? script[k] : undefined;
              const i = reads.get(k as string) ?? 0;
              const x = mine === undefined ? t[k as string] : mine[Math.min(i, mine.length - 1)];
              reads.set(k as string, i + 1);
              seen.set(k as string, x);
              return x;
            },
          });
          for (let c = 0; c < calls; c++) {
            seen = new Map();
            const got = outcome(() => checkOptions(TokenOptions, proxy));
            const now = Object.fromEntries(
              [...seen].map(([k, x]) => [k, Array.isArray(x) ? [...x] : x]),
            );
            const want = outcome(() => parseOrThrow(TokenOptions, now, "ERR_INVALID_INPUT"));
            assert.deepEqual(defined(got), defined(want), `call ${c}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
