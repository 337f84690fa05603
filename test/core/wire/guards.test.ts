// The device's hand-written checks (core/wire/guards.ts, adapters/sdk/action-options.ts) accept exactly what the valibot
// schemas accept: on generated valid messages, on the same messages with one member (anywhere
// in the tree) replaced by a boundary or arbitrary value or removed, and on vectors/wire.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DELETE, paths, replaced } from "../../support/mutate.ts";
import * as v from "valibot";
import vectors from "../../../vectors/wire/messages.json" with { type: "json" };
import {
  ConfigResponseSchema,
  CreateSessionResponseSchema,
  RefreshResponseSchema,
} from "../../../core/wire/device.ts";
import { TelemetryAckSchema } from "../../../core/wire/telemetry.ts";
import { ActionType, flatAttributes, UserId } from "../../../core/wire/primitives.ts";
import { MachineOptionsSchema } from "../../../core/session/options-schema.ts";
import {
  ActionEventOptionsSchema,
  InitOptionsSchema,
} from "../../../adapters/sdk/options-schema.ts";
import { CLAIMS_SCHEMA } from "../../../core/wire/tokens.ts";
import { CLAIM_GUARDS } from "../../../core/wire/claim-guards.ts";
import { actionOptionsProblem, flatAttributesOf } from "../../../adapters/sdk/action-options.ts";
import {
  firstBad,
  type Guard,
  INIT_OPTIONS,
  isActionType,
  isConfigResponse,
  isCreateSessionResponse,
  isRefreshResponse,
  isTelemetryAck,
  isUserId,
  MACHINE_OPTIONS,
} from "../../../core/wire/guards.ts";

const RUNS = 300;

// Values at and around every bound the schemas have, plus shapes of the wrong type.
const BOUNDARY: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  59,
  60,
  99,
  100,
  1023,
  1024,
  3600,
  3601,
  60000,
  60001,
  0.49,
  0.95,
  0.96,
  0.1,
  0.11,
  2 ** 53 - 1,
  2 ** 53,
  253402300799,
  253402300800,
  999999999.99,
  1e9,
  NaN,
  Infinity,
  -Infinity,
  "",
  "a",
  "Z",
  "login",
  "Login",
  "a".repeat(64),
  "a".repeat(65),
  "x".repeat(128),
  "x".repeat(129),
  "u".repeat(256),
  "u".repeat(257),
  "a.b.c",
  "a.b",
  "a..b",
  "\u0000",
  "x\u007f",
  "EdDSA",
  "HS256",
  "USD",
  "usd",
  "http://localhost/",
  "not a url",
  "n0nce+/=~",
  "é",
  null,
  undefined,
  true,
  false,
  [],
  [1],
  {},
  { a: 1 },
  { "__proto__": 1 },
];
const replacement = fc.oneof(fc.constantFrom(...BOUNDARY), fc.anything());

/** A valid value, or the same with one member anywhere replaced or removed. */
function validAndMutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const mutated = valid.chain((x) =>
    fc.tuple(fc.constantFrom(...paths(x)), fc.oneof(replacement, fc.constant(DELETE)))
      .map(([p, r]) => replaced(x, p, p.length === 0 && r === DELETE ? undefined : r))
  );
  return fc.oneof(valid, mutated, mutated);
}
function agree(guard: Guard, schema: v.GenericSchema<unknown>, arb: fc.Arbitrary<unknown>) {
  let accepted = 0;
  fc.assert(
    fc.property(arb, (x) => {
      const want = v.is(schema, x);
      if (want) accepted++;
      assert.equal(guard(x), want, JSON.stringify(x));
    }),
    { numRuns: RUNS },
  );
  assert.ok(accepted > RUNS / 10, "the generator yields valid values too");
}

const b64 = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
const epochS = fc.integer({ min: 0, max: 253402300799 });
const posInt = fc.oneof(fc.integer({ min: 1, max: 1e6 }), fc.constant(2 ** 53 - 1));
const nonce = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,128}$/);
const jws = fc.tuple(b64(1, 40), b64(1, 40), b64(1, 40)).map((p) => p.join("."));
const userId = fc.string({ minLength: 1, maxLength: 256 }).filter((s) =>
  // deno-lint-ignore no-control-regex
  !/[\u0000-\u001f\u007f]/.test(s)
);
const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
  maxKeys: 2,
});
const withExtra = (r: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(r, extra).map(([a, e]) => ({ ...e, ...a }));

const config = withExtra(fc.record({
  ver: fc.constant(1),
  client_id: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
  time: epochS,
  nonce,
  issuer: fc.string({ minLength: 1, maxLength: 40 }),
  algorithms: fc.array(fc.constantFrom("EdDSA", "ES256"), { minLength: 1, maxLength: 3 }),
  token_lifetime_s: fc.integer({ min: 60, max: 3600 }),
  secure_token_max_s: fc.integer({ min: 1, max: 3600 }),
  session_absolute_s: posInt,
  session_idle_s: posInt,
  telemetry: fc.record({
    max_batch_events: posInt,
    max_batch_bytes: posInt,
    max_event_bytes: posInt,
  }),
}));
const tokenAnswer = {
  session_token: jws,
  token_expires_at: epochS,
  session_expires_at: epochS,
  user_id: fc.option(userId, { nil: null }),
  time: epochS,
  nonce,
};
const refresh = withExtra(fc.record(tokenAnswer));
const create = withExtra(fc.record({
  ...tokenAnswer,
  session_id: b64(1, 128),
  device_id: b64(1, 128),
  idle_timeout_s: posInt,
}));
const ack = withExtra(fc.record({
  acked_seq: fc.nat(),
  high_seq: fc.nat(),
  actions: fc.array(fc.record({ seq: posInt, action_id: b64(1, 30), action_token: jws }), {
    maxLength: 3,
  }),
  user_id: fc.option(userId, { nil: null }),
  time: fc.nat(),
}));

describe("device guards agree with the wire schemas", () => {
  it("ConfigResponse", () =>
    agree(isConfigResponse, ConfigResponseSchema, validAndMutated(config)));
  it("CreateSessionResponse", () =>
    agree(isCreateSessionResponse, CreateSessionResponseSchema, validAndMutated(create)));
  it("RefreshResponse", () =>
    agree(isRefreshResponse, RefreshResponseSchema, validAndMutated(refresh)));
  it("TelemetryAck", () => agree(isTelemetryAck, TelemetryAckSchema, validAndMutated(ack)));
  it("action type and user id", () => {
    const str = fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[a-z][a-z0-9_]{0,64}$/));
    agree(isActionType, ActionType, fc.oneof(str, replacement));
    agree(isUserId, UserId, fc.oneof(userId, str, replacement, fc.string({ maxLength: 300 })));
  });

  it("vectors/wire: the guards give each vector's result", () => {
    const guards: Record<string, [Guard, v.GenericSchema<unknown>]> = {
      ConfigResponse: [isConfigResponse, ConfigResponseSchema],
      CreateSessionResponse: [isCreateSessionResponse, CreateSessionResponseSchema],
      RefreshResponse: [isRefreshResponse, RefreshResponseSchema],
      TelemetryAck: [isTelemetryAck, TelemetryAckSchema],
    };
    let n = 0;
    for (const group of vectors.testGroups) {
      const pair = guards[group.message];
      if (pair === undefined) continue;
      for (const t of group.tests) {
        assert.equal(pair[0](t.value), t.result === "valid", `${group.message} tcId ${t.tcId}`);
        assert.equal(pair[0](t.value), v.is(pair[1], t.value), `${group.message} tcId ${t.tcId}`);
        n++;
      }
    }
    assert.ok(n >= 19, `${n} vectors checked`);
  });
});

const flat = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 64 }),
  fc.oneof(fc.string({ maxLength: 1024 }), fc.double({ noNaN: true }), fc.boolean()),
  { maxKeys: 52 },
);
const machineOptions = {
  clientId: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
  serverPath: fc.oneof(fc.webUrl(), fc.constantFrom("http://localhost:8787", "/rel", "x:")),
  enableSessionToken: fc.boolean(),
  enabled: fc.boolean(),
  refreshAt: fc.double({ min: 0.5, max: 0.95, noNaN: true }),
  refreshJitter: fc.double({ min: 0, max: 0.1, noNaN: true }),
  tokenWaitMs: fc.integer({ min: 100, max: 60000 }),
  backoffCapMs: fc.integer({ min: 1000, max: 300000 }),
  flushBytes: fc.integer({ min: 1024, max: 61440 }),
  maxQueueBytes: fc.integer({ min: 4096, max: 16777216 }),
};
const required = { requiredKeys: ["clientId", "serverPath"] as never[] };
const machine = withExtra(fc.record(machineOptions, required));
const init = fc.record({
  ...machineOptions,
  userId,
  requestTimeoutMs: fc.integer({ min: 100, max: 120000 }),
}, required);
const action = fc.record({
  correlationId: fc.string({ minLength: 1, maxLength: 256 }),
  claimedUserId: userId,
  claimedUserIdType: fc.constantFrom("email", "phone_number", "other"),
  transactionData: withExtra(fc.record({
    amount: fc.double({ min: 0.01, max: 999999999.99, noNaN: true }),
    currency: fc.stringMatching(/^[A-Z]{3}$/),
  })),
  customAttributes: flat,
}, { requiredKeys: [] });

describe("option checks agree with the option schemas", () => {
  it("machine and init options", () => {
    agree(
      (x) => firstBad(MACHINE_OPTIONS, x) === null,
      MachineOptionsSchema,
      validAndMutated(machine),
    );
    agree((x) => firstBad(INIT_OPTIONS, x) === null, InitOptionsSchema, validAndMutated(init));
  });
  it("action event options", () => {
    agree(
      (x) => actionOptionsProblem(x) === null,
      ActionEventOptionsSchema,
      validAndMutated(action),
    );
  });
  it("flat attributes, including their output", () => {
    const schema = flatAttributes(50, 2048);
    fc.assert(
      fc.property(validAndMutated(flat), (x) => {
        const r = v.safeParse(schema, x);
        assert.deepEqual(flatAttributesOf(x, 50, 2048), r.success ? r.output : null);
      }),
      { numRuns: RUNS },
    );
  });
});

const jti = b64(16, 40);
const times = { iat: epochS, exp: epochS, jti, ver: fc.constant(1) };
const issuer = fc.string({ minLength: 1, maxLength: 40 });
const actionType = fc.stringMatching(/^[a-z][a-z0-9_]{0,63}$/);
const claims: Record<keyof typeof CLAIMS_SCHEMA, fc.Arbitrary<Record<string, unknown>>> = {
  proof: fc.record({
    htm: fc.constantFrom("GET", "POST", "PATCH"),
    htu: fc.webUrl(),
    iat: epochS,
    jti,
    nonce,
    ver: fc.constant(1),
  }),
  session: fc.record({
    iss: issuer,
    aud: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
    sub: b64(1, 128),
    did: b64(1, 128),
    cnf: withExtra(fc.record({ jkt: b64(43, 43) })),
    ...times,
  }),
  secure: fc.record({ tok: jws, act: actionType, ...times }),
  action: fc.record({
    iss: issuer,
    aud: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
    sub: b64(1, 64),
    aid: b64(1, 64),
    act: actionType,
    ...times,
  }),
  access: fc.record({
    iss: issuer,
    aud: issuer,
    sub: fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/),
    scope: fc.stringMatching(/^[a-z_]+( [a-z_]+)*$/),
    ...times,
  }),
};

describe("the verifier's claim guards agree with the claims schemas", () => {
  for (const kind of Object.keys(claims) as (keyof typeof claims)[]) {
    it(kind, () =>
      agree(
        (x) => firstBad(CLAIM_GUARDS[kind]!, x) === null,
        CLAIMS_SCHEMA[kind] as v.GenericSchema<unknown>,
        validAndMutated(withExtra(claims[kind])),
      ));
  }
});
