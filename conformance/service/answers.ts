/**
 * Service checks of exact answer contents: the form of generated identifiers (SPEC §1.4), the
 * correlation id an action's recommendation echoes (§7.2, §10.1), the field a rule conflict
 * names (§7.6) and a refresh without a body (§6.6).
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import { Device } from "./actors.ts";
import type { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";
import type { Exchange } from "./http.ts";
import type { ScoringKit } from "./scoring.ts";

/** 22 base64url characters encoding 128 bits: the last one carries 2 bits and 4 zero bits. */
const RANDOM = "[A-Za-z0-9_-]{21}[AQgw]";

/** Fails unless `id` is `prefix` and 22 base64url characters of 128 bits (and then `rest`). */
function expectId(t: Assert, id: unknown, prefix: string, what: string, rest = ""): void {
  t.ok(
    typeof id === "string" && new RegExp(`^${prefix}${RANDOM}${rest}$`).test(id),
    `${what}: ${prefix} and 22 base64url characters of 128 bits, got ${JSON.stringify(id)}`,
  );
}

/** A backend action for `d` with `extra` members, answered 201 with its recommendation. */
async function trigger(t: Assert, be: Backend, d: Device, extra: Record<string, unknown>) {
  const x: Exchange = await be.call("POST", "/v1/backend/actions?get_recommendation=true", {
    action_type: "transaction",
    session_token: d.sessionToken,
    ...extra,
  });
  return expectStatus(t, x, 201, "trigger action");
}

/**
 * Runs the answer checks.
 *
 * @example
 * ```ts
 * import { scoringKit } from "./scoring.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await answerChecks(ctx, await scoringKit(ctx));
 * ```
 */
export async function answerChecks(c: ServiceContext, kit: ScoringKit): Promise<void> {
  const { run, http } = c;

  await run.check(C["svc.session.id-format"], async (t) => {
    const d = await Device.create(http);
    const s = await d.createSession();
    expectId(t, s.session_id, "s_", "session_id");
    expectId(t, s.device_id, "d_", "device_id");
    const be = await kit.backend(t);
    const a = await trigger(t, be, d, {});
    // An action id may carry more after its own 22 characters (the reference: the session id).
    expectId(t, a.action_id, "a_", "action_id", "[A-Za-z0-9_-]*");
    const rule = {
      name: `conformance-${kit.tag}-id`,
      priority: 1000,
      enabled: false,
      mode: "preview",
      match: { device_ids: [d.deviceId] },
      recommendation: "DENY",
    };
    const x = await be.call("POST", "/v1/backend/rules", rule);
    if (x.status === 409) t.skip("priority 1000 is taken: no rule id to look at");
    const id = expectStatus(t, x, 201, "create rule").id;
    await be.call("DELETE", `/v1/backend/rules/${encodeURIComponent(String(id))}`);
    expectId(t, id, "r_", "rule id");
  });

  await run.check(C["svc.backend.correlation-id"], async (t) => {
    const be = await kit.backend(t);
    const d = await kit.session();
    const corr = `order-${kit.tag}`;
    const ctx = (b: Record<string, unknown>) =>
      ((b.recommendation ?? {}) as { context?: Record<string, unknown> }).context ?? {};
    const withId = ctx(await trigger(t, be, d, { correlation_id: corr }));
    t.equal(withId.correlation_id, corr, "context.correlation_id of an action that sent one");
    const without = ctx(await trigger(t, be, d, {}));
    t.equal(without.correlation_id ?? null, null, "context.correlation_id of an action without");
  });

  await run.check(C["svc.rules.conflict-field"], async (t) => {
    const be = await kit.backend(t);
    const x = expectStatus(t, await be.call("GET", "/v1/backend/rules"), 200, "list rules");
    const used = ((x.rules ?? []) as { priority: number }[]).map((r) => r.priority);
    const free = [...Array(100).keys()].map((i) => 901 + i).find((p) => !used.includes(p));
    if (free === undefined) t.skip("the client has no free rule priorities in 901–1000");
    const rule = {
      name: `conformance-${kit.tag}-dup`,
      priority: free,
      enabled: false,
      mode: "preview",
      match: { user_ids: [`conformance-${kit.tag}`] },
      recommendation: "DENY",
    };
    const id = String(
      expectStatus(t, await be.call("POST", "/v1/backend/rules", rule), 201, "create rule").id,
    );
    try {
      const dup = await be.call("POST", "/v1/backend/rules", { ...rule, name: "dup" });
      expectError(t, dup, 409, "ERR_CONFLICT", "a rule of a taken priority");
      const details = ((dup.json ?? {}) as { details?: { field?: unknown } }).details;
      t.equal(details?.field, "priority", "details.field of a taken priority");
    } finally {
      await be.call("DELETE", `/v1/backend/rules/${encodeURIComponent(id)}`);
    }
  });

  await run.check(C["svc.refresh.empty-body"], async (t) => {
    const d = await Device.create(http);
    await d.createSession();
    const path = d.refreshPath();
    const x = await http.call("POST", path, { headers: { "ds-proof": await d.proof(path) } });
    expectStatus(t, x, 200, "a refresh without a body or Content-Type");
  });
}
