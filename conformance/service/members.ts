/**
 * Service checks of body members one at a time (SPEC §6.6, §7.2, §8.1, §8.3): a telemetry batch
 * and an action trigger that are valid but for one member — of the wrong type, one past its
 * range, missing where REQUIRED, or an event out of order — are 400 `ERR_INVALID_BODY`; the same
 * members at the edge of their range are taken. A service may check the common bodies with a
 * faster path than its schema; each way such a path can be looser than the schema shows here.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { Device, event } from "./actors.ts";
import type { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";

type Body = Record<string, unknown>;
/** A name and a change of a valid body (the change may delete a member). */
type Variant = readonly [what: string, change: (b: Body) => void];

/** Largest epoch milliseconds SPEC §1.1 allows (9999-12-31T23:59:59.999Z). */
const MAX_MS = 253402300799999;
const UNSAFE = Number.MAX_SAFE_INTEGER + 1;

const set = (path: string, value: unknown): Variant => [
  `${path} = ${JSON.stringify(value)?.slice(0, 40)}`,
  (b) => put(b, path.split("."), value),
];
/** Sets (or deletes, for `undefined`) the member at `keys`. */
function put(o: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  const [k, ...rest] = keys as [string, ...string[]];
  if (rest.length > 0) put(o[k] as Record<string, unknown>, rest, value);
  else if (value === undefined) delete o[k];
  else o[k] = value;
}
const drop = (path: string): Variant => [`without ${path}`, set(path, undefined)[1]];

/** Appends to the batch's one event a copy whose seq is `step` past it. */
function second(b: Body, step: number): void {
  const events = b.events as Body[];
  events.push({ ...events[0]!, seq: (events[0]!.seq as number) + step });
}

/** Batch changes that leave it invalid (SPEC §6.6's batch row, §8.1, §8.3, §1.1). */
const BAD_BATCH: readonly Variant[] = [
  set("ver", 2),
  set("ver", "1"),
  drop("ver"),
  set("client_id", 5),
  set("client_id", ""),
  set("client_id", "c".repeat(129)),
  drop("client_id"),
  set("session_id", 5),
  set("session_id", "s.x"),
  set("session_id", "s".repeat(129)),
  drop("session_id"),
  set("session_token", null),
  drop("session_token"),
  set("events", {}),
  set("events", 5),
  set("events", null),
  drop("events"),
  set("dropped", null),
  set("dropped", []),
  drop("dropped"),
  set("dropped.total", -1),
  set("dropped.total", 1.5),
  set("dropped.total", "1"),
  set("dropped.total", UNSAFE),
  drop("dropped.total"),
  set("dropped.by_priority", 5),
  drop("dropped.by_priority"),
  set("dropped.by_priority", { "1": -1 }),
  set("dropped.by_priority", { "2": 1.5 }),
  set("dropped.by_priority", { "3": "1" }),
  set("dropped.by_priority", { "1": null }),
  set("sent_at_ms", -1),
  set("sent_at_ms", 1.5),
  set("sent_at_ms", "1"),
  set("sent_at_ms", MAX_MS + 1),
  drop("sent_at_ms"),
  set("events.0", null),
  set("events.0", 5),
  set("events.0", []),
  set("events.0.seq", 0),
  set("events.0.seq", 1.5),
  set("events.0.seq", "1"),
  set("events.0.seq", UNSAFE),
  drop("events.0.seq"),
  set("events.0.time_ms", -1),
  set("events.0.time_ms", 1.5),
  set("events.0.time_ms", "1"),
  set("events.0.time_ms", MAX_MS + 1),
  drop("events.0.time_ms"),
  set("events.0.type", "click"),
  set("events.0.type", 5),
  drop("events.0.type"),
  set("events.0.data", null),
  set("events.0.data", []),
  set("events.0.data", "x"),
  drop("events.0.data"),
  ["a second event of the same seq", (b) => second(b, 0)],
  ["a second event of a lower seq", (b) => second(b, -1)],
  set("events.0.type", "identify"),
  set("events.0.type", "action"),
];

/** Batch changes at the edge of each range, still valid. */
const EDGE_BATCH: readonly Variant[] = [
  set("events.0.time_ms", 0),
  set("events.0.time_ms", MAX_MS),
  set("sent_at_ms", 0),
  set("sent_at_ms", MAX_MS),
  set("dropped", { total: 3, by_priority: { "1": 3 } }),
  set("dropped.by_priority", { "1": 0, "2": 0, "3": 0, "4": -1, x: "y" }),
  set("extra", { any: ["thing"] }),
  set("events.0.extra", 1),
  set("events.0.data", { kind: "load", path: "/é".repeat(1000) }),
  ["a second event of the next seq", (b) => second(b, 1)],
];

const ACTION_TYPE_64 = `a${"b".repeat(63)}`;
/** Trigger changes that leave it invalid (SPEC §6.6's trigger row, §7.2, §1.5, §1.6). */
const BAD_TRIGGER: readonly Variant[] = [
  drop("action_type"),
  set("action_type", 5),
  set("action_type", "Login"),
  set("action_type", `${ACTION_TYPE_64}c`),
  set("action_type", ""),
  set("session_token", 5),
  set("session_token", "abc"),
  drop("session_token"),
  set("secured_session_token", "aaaa.bbbb.cccc"),
  set("ip", 5),
  set("ip", "300.1.1.1"),
  set("ip", "not an ip"),
  set("user_agent", 5),
  set("user_agent", "u".repeat(1025)),
  set("correlation_id", ""),
  set("correlation_id", 5),
  set("correlation_id", "c".repeat(257)),
  set("claimed_user_id", ""),
  set("claimed_user_id", 5),
  set("claimed_user_id", "a\u0000b"),
  set("claimed_user_id", "u".repeat(257)),
  set("claimed_user_id_type", "mail"),
  set("claimed_user_id_type", 5),
  ["claimed_user_id_type without claimed_user_id", (b) => {
    delete b.claimed_user_id;
  }],
  set("transaction_data", 5),
  set("transaction_data", { amount: 0, currency: "EUR" }),
  set("transaction_data", { amount: -1, currency: "EUR" }),
  set("transaction_data", { amount: "1", currency: "EUR" }),
  set("transaction_data", { amount: 1000000000, currency: "EUR" }),
  set("transaction_data", { amount: 1, currency: "eur" }),
  set("transaction_data", { amount: 1 }),
  set("transaction_data", { amount: 1, currency: "EUR", note: "é".repeat(1020) }),
  set("custom_attributes", 5),
  set("custom_attributes", []),
  set("custom_attributes", { nested: { a: 1 } }),
  set("custom_attributes", Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))),
  set("custom_attributes", { long: "é".repeat(1020) }),
  set("custom_attributes", { long: "u".repeat(1025) }),
];

/** Trigger changes at the edge of each range, still valid. */
const EDGE_TRIGGER: readonly Variant[] = [
  set("action_type", ACTION_TYPE_64),
  set("user_agent", "é".repeat(1024)),
  set("correlation_id", "é".repeat(256)),
  set("claimed_user_id", "é".repeat(256)),
  set("ip", "2001:db8::1"),
  drop("claimed_user_id_type"),
  set("transaction_data", { amount: 999999999.99, currency: "EUR" }),
  set("custom_attributes", Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))),
  set("custom_attributes", { long: "é".repeat(1015) }),
  set("extra", { any: ["thing"] }),
];

/** Sends every variant of `base`, expecting `ok` for the edges and 400 for the rest. */
async function variants(
  t: Assert,
  base: () => Body,
  send: (b: unknown) => Promise<import("./http.ts").Exchange>,
  bad: readonly Variant[],
  edge: readonly Variant[],
  ok: number,
): Promise<void> {
  for (const [what, change] of bad) {
    const b = base();
    change(b);
    expectError(t, await send(b), 400, "ERR_INVALID_BODY", what);
  }
  for (const [what, change] of edge) {
    const b = base();
    change(b);
    expectStatus(t, await send(b), ok, `at the edge: ${what}`);
  }
  // Not an object at all (SPEC §6.6).
  for (const b of [null, [], 5, "x"]) {
    expectError(t, await send(b), 400, "ERR_INVALID_BODY", `the body ${JSON.stringify(b)}`);
  }
}

/**
 * Runs the member checks; the trigger needs an access token.
 *
 * @example
 * ```ts
 * import type { Backend } from "./backend-actor.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * declare const backend: Backend | null;
 * await memberChecks(ctx, backend);
 * ```
 */
export async function memberChecks(c: ServiceContext, backend: Backend | null): Promise<void> {
  const { run, http } = c;
  let d: Device | null = null;
  await run.check(C["svc.telemetry.member-invalid"], async (t) => {
    d = await Device.create(http);
    await d.createSession();
    const dev = d;
    let seq = 1;
    // One event, so every event of the batch is wrong in the same way; fresh seqs, since an
    // edge batch is stored and the next must not be a duplicate.
    const base = (): Body => {
      seq += 2;
      return JSON.parse(dev.batchText([event(seq, "page", { kind: "show" })]));
    };
    const send = (b: unknown) => dev.telemetryText(JSON.stringify(b));
    await variants(t, base, send, BAD_BATCH, EDGE_BATCH, 200);
  });
  await run.check(C["svc.backend.action-member-invalid"], async (t) => {
    const b = t.need(backend, "an access token (svc.backend.token)");
    const dev = t.need(d as Device | null, "a session (svc.telemetry.member-invalid)");
    // Without transaction_data and custom_attributes unless a variant sets one: each alone, so a
    // fast path that handles one of them and not the other shows.
    const base = (): Body => ({
      action_type: "login",
      session_token: dev.sessionToken,
      ip: "203.0.113.7",
      user_agent: "conformance",
      correlation_id: "members",
      claimed_user_id: "user-1",
      claimed_user_id_type: "email",
    });
    const send = (x: unknown) => b.call("POST", "/v1/backend/actions", x);
    await variants(t, base, send, BAD_TRIGGER, EDGE_TRIGGER, 201);
  });
  await run.check(C["svc.backend.action-proto-member"], async (t) => {
    const b = t.need(backend, "an access token (svc.backend.token)");
    const dev = t.need(d as Device | null, "a session (svc.telemetry.member-invalid)");
    // A computed key: an own member named __proto__ in the JSON text, as a client may send it.
    const polluted = { correlation_id: "polluted", claimed_user_id: "polluted" };
    const x = await b.call("POST", "/v1/backend/actions?get_recommendation=true", {
      action_type: "login",
      session_token: dev.sessionToken,
      ["__proto__"]: polluted,
    });
    const res = expectStatus(t, x, 201, "a trigger with a __proto__ member");
    const ctx = ((res.recommendation ?? {}) as { context?: Record<string, unknown> }).context ?? {};
    t.equal(ctx.correlation_id ?? null, null, "context.correlation_id (only __proto__ held one)");
    t.ok(
      !JSON.stringify(res).includes("polluted"),
      "nothing of the __proto__ member in the answer",
    );
  });
}
