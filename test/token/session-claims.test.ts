// The verifier's one-function session-claims check (core/token/session-claims.ts) accepts exactly
// what parseClaims and the valibot SessionClaimsSchema accept (SPEC §4.6, §5.3 step 4): on valid
// claims, and on the same with any member (cnf.jkt included) replaced by a boundary or arbitrary
// value, removed, or inherited instead of own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as v from "valibot";
import { isSessionClaims } from "../../core/token/mod.ts";
import { parseClaims } from "../../core/wire/parse.ts";
import { SessionClaimsSchema } from "../../core/wire/tokens.ts";
import { propertyRuns } from "../support/property-runs.ts";

const RUNS = propertyRuns(300);
const NAMES = ["iss", "aud", "sub", "did", "cnf", "iat", "exp", "jti", "ver"] as const;

const b64 = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
const epochS = fc.oneof(
  fc.integer({ min: 0, max: 253402300799 }),
  fc.constantFrom(0, 253402300799),
);
const valid = fc.record({
  iss: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant("i".repeat(2048))),
  aud: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
  sub: b64(1, 128),
  did: b64(1, 128),
  cnf: fc.record({ jkt: b64(43, 43) }),
  iat: epochS,
  exp: epochS,
  jti: b64(16, 128),
  ver: fc.constant(1),
}).chain((c) =>
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })
    .map((extra) => ({ ...extra, ...c }))
);

// Values at and around every bound of the session claims, and values of the wrong type.
const BOUNDARY: unknown[] = [
  ...["", "a", "é", "a b", "a.b", "a+b", "x".repeat(128), "x".repeat(129), "i".repeat(2049)],
  ...["A".repeat(15), "A".repeat(16), "A".repeat(42), "A".repeat(43), "A".repeat(44), "1"],
  ...[0, -1, 1, 1.5, -0, 2 ** 53, 253402300799, 253402300800, NaN, Infinity, "1", true],
  ...[null, undefined, [], [1], {}, { jkt: "A".repeat(43) }, { jkt: 1 }],
];
const replacement = fc.oneof(fc.constantFrom(...BOUNDARY), fc.anything());
type Edit = { at: string; to: unknown } | { at: string; drop: true } | {
  at: string;
  inherit: true;
};
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.constantFrom(...NAMES, "cnf.jkt"), to: replacement }),
  fc.record({ at: fc.constantFrom(...NAMES, "cnf.jkt"), drop: fc.constant(true as const) }),
  fc.record({ at: fc.constantFrom(...NAMES), inherit: fc.constant(true as const) }),
);

function edited(c: Record<string, unknown>, e: Edit): Record<string, unknown> {
  if (e.at === "cnf.jkt") {
    const cnf: Record<string, unknown> = { ...(c.cnf as object) };
    if ("drop" in e) delete cnf.jkt;
    else if ("to" in e) cnf.jkt = e.to;
    return { ...c, cnf };
  }
  const out = { ...c };
  const value = out[e.at];
  delete out[e.at];
  if ("to" in e) out[e.at] = e.to;
  // The same value, but on the prototype: present to `in`, absent to Object.hasOwn.
  if ("inherit" in e) return Object.assign(Object.create({ [e.at]: value }), out);
  return out;
}

const accepts = (c: Record<string, unknown>): boolean => {
  try {
    parseClaims(SessionClaimsSchema, "session", c);
    return true;
  } catch {
    return false;
  }
};

describe("isSessionClaims", () => {
  it("agrees with parseClaims and the schema on valid and edited claims", () => {
    let yes = 0, no = 0;
    fc.assert(
      fc.property(valid, fc.array(edit, { maxLength: 2 }), (c, edits) => {
        const claims = edits.reduce(edited, c);
        const want = accepts(claims);
        assert.equal(isSessionClaims(claims), want, JSON.stringify(claims));
        const own = NAMES.every((n) => Object.hasOwn(claims, n) && claims[n] !== undefined);
        assert.equal(want, own && v.is(SessionClaimsSchema, claims));
        want ? yes++ : no++;
      }),
      { numRuns: RUNS * 3 },
    );
    assert.ok(yes > RUNS / 5 && no > RUNS / 5, `both answers are generated (${yes}/${no})`);
  });

  it("agrees at every boundary value of every claim", () => {
    const [base] = fc.sample(valid, { numRuns: 1, seed: 1 });
    for (const at of [...NAMES, "cnf.jkt"]) {
      for (const to of BOUNDARY) {
        const claims = edited(base!, { at, to });
        assert.equal(isSessionClaims(claims), accepts(claims), `${at}: ${String(to)}`);
      }
    }
  });
});
