// The service's hand-written body checks (adapters/server/device/batch-check.ts,
// backend/trigger-check.ts) answer exactly the schema's output, or leave the body to the schema:
// on generated valid bodies, on the same bodies with one member anywhere replaced by a boundary
// or arbitrary value or removed, and on vectors/wire.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DELETE, type Path, paths, replaced } from "../../support/mutate.ts";
import * as v from "valibot";
import vectors from "../../../vectors/wire/messages.json" with { type: "json" };
import { TelemetryBatchSchema } from "../../../core/wire/telemetry.ts";
import { TriggerActionRequestSchema } from "../../../core/wire/backend.ts";
import { batchLimitProblem } from "../../../core/service/telemetry.ts";
import { commonBatch } from "../../../adapters/server/device/batch-check.ts";
import { keepRest, outputAsIs, plainPrototype } from "../../../adapters/server/http/loose.ts";
import { commonTrigger } from "../../../adapters/server/backend/trigger-check.ts";

const RUNS = 1000;

const isPlainObject = (o: unknown): o is Record<string, unknown> =>
  typeof o === "object" && o !== null && !Array.isArray(o);
const TIMEOUT = { timeout: 120_000 };

type Check = (x: unknown) => unknown;

// Values at and around the schemas' bounds, shapes of the wrong type, and members valibot drops.
const BOUNDARY: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  2 ** 53 - 1,
  2 ** 53,
  253402300799999,
  253402300800000,
  NaN,
  Infinity,
  "",
  "a",
  "x".repeat(128),
  "x".repeat(129),
  "u".repeat(256),
  "u".repeat(257),
  "a".repeat(1025),
  "a.b.c",
  "a.b",
  "a..b",
  "\u0000",
  "login",
  "Login",
  "email",
  "203.0.113.7",
  "2001:db8::1",
  "256.1.1.1",
  "page",
  "action",
  "identify",
  null,
  undefined,
  true,
  [],
  [1],
  {},
  { a: 1 },
  JSON.parse('{"__proto__":1}'),
  { constructor: 1 },
];
const replacement = fc.oneof(fc.constantFrom(...BOUNDARY), fc.anything());

const at = (x: unknown, path: Path): unknown =>
  path.reduce((o, k) => (o as Record<string, unknown>)[k], x);
/** A number just across a bound of it (a valid bound value nudged out), else a replacement. */
const nudged = (v: unknown) =>
  typeof v === "number" ? fc.constantFrom(v - 1, v + 1, v + 0.5, -v) : replacement;
/** A valid value, or the same with one member anywhere replaced or removed. */
function validAndMutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutated = valid.chain((x) =>
    fc.constantFrom(...paths(x)).chain((p) =>
      fc.oneof(replacement, nudged(at(x, p)), fc.constant(DELETE))
        .map((r) => replaced(x, p, p.length === 0 && r === DELETE ? undefined : r))
    )
  );
  return fc.oneof(valid, mutated, mutated);
}

/** Whenever `check` answers, the schema accepts with that very output (members and order). */
function agree(check: Check, schema: v.GenericSchema<unknown>, x: unknown): "fast" | "schema" {
  const fast = check(x);
  if (fast === null) return "schema";
  const r = v.safeParse(schema, x);
  assert.ok(r.success, `the schema refuses what the check took: ${String(JSON.stringify(x))}`);
  assert.deepStrictEqual(fast, r.output);
  assert.deepStrictEqual(Object.keys(fast as object), Object.keys(r.output as object));
  assert.equal(JSON.stringify(fast), JSON.stringify(r.output));
  return "fast";
}
function property(
  check: Check,
  schema: v.GenericSchema<unknown>,
  arb: fc.Arbitrary<unknown>,
  applies: (x: unknown) => boolean = () => true,
) {
  let fast = 0;
  fc.assert(
    fc.property(arb, (x) => {
      if (applies(x) && agree(check, schema, x) === "fast") fast++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(
    fast > RUNS / 10,
    `the check answered ${fast} of ${RUNS} (it must serve the common case)`,
  );
}

const b64 = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
const jws = fc.tuple(b64(1, 40), b64(1, 40), b64(1, 40)).map((p) => p.join("."));
// Other members, among them the ones valibot drops from its output.
const key = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom("__proto__", "constructor", "prototype"),
);
const extra = fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
const withExtra = (r: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(r, extra).map(([a, e]) => ({ ...e, ...a }));
const count = fc.oneof(fc.nat(), fc.constantFrom(0, 2 ** 53 - 1));
const MAX_MS = 253402300799999;

const data = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const event = (seq: number) =>
  withExtra(fc.record({
    seq: fc.constant(seq),
    time_ms: fc.oneof(fc.integer({ min: 0, max: 253402300799999 }), fc.constantFrom(0, 1, MAX_MS)),
    type: fc.constantFrom("page", "interaction", "device", "page", "interaction", "action"),
    data: fc.oneof(data, fc.record({ action_type: fc.constant("login") })),
  }));
// Steps of 0 repeat a seq: not strictly increasing, which the schema refuses.
const events = fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(0)), { maxLength: 6 })
  .chain((steps) => {
    let seq = 0;
    return fc.tuple(...steps.map((s) => event(seq += s)));
  });
const batch = withExtra(fc.record({
  ver: fc.constant(1),
  client_id: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
  session_id: b64(1, 128),
  session_token: jws,
  events,
  dropped: fc.record({
    total: count,
    by_priority: fc.record({ "1": count, "2": count, "3": fc.constant(undefined) }, {
      requiredKeys: [],
    }),
  }),
  sent_at_ms: fc.oneof(fc.integer({ min: 0, max: MAX_MS }), fc.constantFrom(0, MAX_MS)),
}));

const trigger = withExtra(fc.record({
  action_type: fc.stringMatching(/^[a-z][a-z0-9_]{0,63}$/),
  session_token: jws,
  ip: fc.oneof(fc.ipV4(), fc.ipV6()),
  user_agent: fc.string({ maxLength: 1024 }),
  correlation_id: fc.string({ minLength: 1, maxLength: 256 }),
  claimed_user_id: fc.string({ minLength: 1, maxLength: 256 }),
  claimed_user_id_type: fc.constantFrom("email", "phone_number", "other"),
}, { requiredKeys: ["action_type"] })).chain((t) =>
  // Exactly one token, mostly: the session token or a secure one; members present as undefined.
  fc.constantFrom(
    t,
    (({ session_token, ...rest }) => ({ ...rest, secured_session_token: session_token }))(t),
    { ...t, session_token: undefined, secured_session_token: t.session_token },
    { ...t, ip: undefined, user_agent: undefined },
  )
);

// The service checks a batch's limits first (422): the fast check runs only past them.
const withinLimits = (x: unknown) => batchLimitProblem(x, 0) === null;

describe("hand-written body checks agree with the wire schemas", () => {
  it("telemetry batch (SPEC §8.3)", TIMEOUT, () => {
    property(commonBatch, TelemetryBatchSchema, validAndMutated(batch), withinLimits);
  });

  it(
    "telemetry batch parsed from JSON: events answered as parsed, as the schema outputs them",
    TIMEOUT,
    () => {
      let same = 0;
      let all = 0;
      fc.assert(
        fc.property(batch, (b) => {
          // Events in the schema's order, as the SDK writes them (extra members after).
          const events = (b as { events: Record<string, unknown>[] }).events.map((e) => {
            const { seq, time_ms, type, data, ...rest } = e;
            return { seq, time_ms, type, data, ...rest };
          });
          const x = JSON.parse(JSON.stringify({ ...b as object, events })) as {
            events?: unknown[];
          };
          if (!withinLimits(x)) return;
          if (agree(commonBatch, TelemetryBatchSchema, x) === "fast") {
            const out = commonBatch(x)!;
            out.events.forEach((e, i) => (e === x.events![i] ? same++ : 0));
            all += out.events.length;
          }
        }),
        { numRuns: RUNS },
      );
      assert.ok(same > all / 4, `only ${same} of ${all} events were answered as parsed`);
    },
  );

  it("outputAsIs: only when keepRest's copy equals the object, members and order", TIMEOUT, () => {
    const known = ["seq", "data"];
    let asIs = 0;
    const obj = fc.oneof(
      fc.tuple(fc.option(fc.nat()), fc.option(fc.nat()), extra, fc.boolean()).map(
        ([a, b, e, first]) => {
          const o: Record<string, unknown> = first ? {} : { ...e };
          if (a !== null) o.seq = a;
          if (b !== null) o.data = b;
          return first ? Object.assign(o, e) : o;
        },
      ),
      fc.json().map((t) => JSON.parse(t)).filter((o) => isPlainObject(o)),
    );
    fc.assert(
      fc.property(obj, (o) => {
        const copy = keepRest({}, o, new Set(known));
        const ordered: Record<string, unknown> = {};
        for (const k of known) if (k in o) ordered[k] = o[k];
        keepRest(ordered, o, new Set(known));
        assert.equal(outputAsIs(o, known, true), outputAsIs(o, known), "plain prototype");
        if (outputAsIs(o, known)) {
          asIs++;
          assert.deepStrictEqual(ordered, o);
          assert.deepStrictEqual(Object.keys(ordered), Object.keys(o));
          assert.ok(known.every((k) => Object.hasOwn(o, k)));
          assert.equal(Object.keys(copy).length + known.length, Object.keys(o).length);
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(asIs > RUNS / 10, `only ${asIs} objects were taken as they are`);
  });

  it("a polluted Object.prototype: the check still answers as the schema", () => {
    const x = JSON.parse(JSON.stringify({
      ver: 1,
      client_id: "c",
      session_id: "s",
      session_token: "a.b.c",
      events: [{ seq: 1, time_ms: 0, type: "page", data: { kind: "load" } }],
      dropped: { total: 0, by_priority: {} },
      sent_at_ms: 0,
    }));
    assert.equal(plainPrototype(), true);
    const proto = Object.prototype as Record<string, unknown>;
    let fast: ReturnType<typeof commonBatch>;
    proto.polluted = 1; // enumerable: for…in lists it after every object's own members
    try {
      assert.equal(plainPrototype(), false);
      assert.equal(outputAsIs({ seq: 1 }, ["seq"]), false);
      fast = commonBatch(x); // valibot itself cannot run on such a prototype: compared after
    } finally {
      delete proto.polluted;
    }
    assert.equal(plainPrototype(), true);
    assert.notEqual(fast, null);
    assert.notEqual(fast!.events[0], x.events[0], "copied, not taken as parsed");
    assert.deepStrictEqual(fast, v.parse(TelemetryBatchSchema, x));
    assert.equal(agree(commonBatch, TelemetryBatchSchema, x), "fast");
  });

  it("action trigger (SPEC §7.2)", TIMEOUT, () => {
    property(commonTrigger, TriggerActionRequestSchema, validAndMutated(trigger));
  });

  it(
    "every member of bodies at their bounds, set to each boundary value or nudged across",
    TIMEOUT,
    () => {
      const token = "aGVhZA.cGF5bG9hZA.c2ln";
      const batches = [0, MAX_MS].map((t) => ({
        ver: 1,
        client_id: "shop.web-1",
        session_id: "s_x",
        session_token: token,
        events: [
          { seq: 1, time_ms: t, type: "page", data: { kind: "load" } },
          { seq: 2 ** 53 - 1, time_ms: t, type: "device", data: {} },
        ],
        dropped: { total: 0, by_priority: { "1": 2 ** 53 - 1 } },
        sent_at_ms: t,
      }));
      const triggers = [
        { action_type: "a", session_token: token, ip: "::1", correlation_id: "c" },
        { action_type: "z".repeat(64), secured_session_token: token, claimed_user_id: "u" },
      ];
      const sweep = (check: Check, schema: v.GenericSchema<unknown>, bodies: unknown[]) => {
        let fast = 0;
        for (const body of bodies) {
          assert.equal(agree(check, schema, body), "fast");
          for (const p of paths(body)) {
            const value = at(body, p);
            const near = typeof value === "number"
              ? [value - 1, value + 1, value + 0.5, -value]
              : [];
            for (const r of [...BOUNDARY, ...near, DELETE]) {
              if (agree(check, schema, replaced(body, p, r)) === "fast") fast++;
            }
          }
        }
        assert.ok(fast > 0);
      };
      sweep(commonBatch, TelemetryBatchSchema, batches);
      sweep(commonTrigger, TriggerActionRequestSchema, triggers);
    },
  );

  it("vectors/wire: whatever the checks answer, the vector calls valid", TIMEOUT, () => {
    const checks: Record<string, [Check, v.GenericSchema<unknown>]> = {
      TelemetryBatch: [commonBatch, TelemetryBatchSchema],
      TriggerActionRequest: [commonTrigger, TriggerActionRequestSchema],
    };
    let n = 0;
    for (const group of vectors.testGroups) {
      const pair = checks[group.message];
      if (pair === undefined) continue;
      for (const t of group.tests) {
        if (group.message === "TelemetryBatch" && !withinLimits(t.value)) continue;
        if (agree(pair[0], pair[1], t.value) === "fast") {
          assert.equal(t.result, "valid", `${group.message} tcId ${t.tcId}`);
          n++;
        }
      }
    }
    assert.ok(n >= 2, `${n} vectors answered by the checks`);
  });
});
