// Rules CRUD and their effect on recommendations, on the runtime's real server (SPEC §7.6,
// §10.2 step 1), and isolation between clients.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Backend as BackendT, Harness } from "../support/harness.ts";

describe("rules (SPEC §7.6, §10.2)", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  let h: Harness;
  let m: typeof import("../support/harness.ts");
  let a: BackendT;
  let b: BackendT;
  before(async () => {
    m = await import("../support/harness.ts");
    h = await m.startHarness();
    a = await m.Backend.create(h, "a");
    b = await m.Backend.create(h, "b");
  });
  after(() => h.close());
  const rule = (o: Record<string, unknown> = {}) => ({
    name: "r",
    priority: 10,
    enabled: true,
    mode: "production",
    match: { ip_cidrs: ["198.51.100.0/24"] },
    recommendation: "DENY",
    ...o,
  });

  it("creates, reads, lists, replaces and deletes a rule", async () => {
    const c = await m.read(
      await a.call(
        "POST",
        "/v1/backend/rules",
        rule({ name: "block", priority: 100, id: "ignored" }),
      ),
    );
    assert.equal(c.status, 201, JSON.stringify(c.json));
    const id = c.json.id as string;
    assert.match(id, /^r_/);
    const { RuleSchema } = await import("../../../core/wire/backend.ts");
    assert.ok((await import("valibot")).is(RuleSchema, c.json));
    const got = await m.read(await a.call("GET", `/v1/backend/rules/${id}`));
    assert.deepEqual(got.json, c.json);
    const list = await m.read(await a.call("GET", "/v1/backend/rules"));
    assert.ok((list.json.rules as { id: string }[]).some((r) => r.id === id));
    const put = await m.read(
      await a.call(
        "PUT",
        `/v1/backend/rules/${id}`,
        rule({ name: "block2", priority: 101, recommendation: "CHALLENGE" }),
      ),
    );
    assert.equal(put.status, 200);
    assert.equal(put.json.name, "block2");
    assert.equal(put.json.id, id);
    const del = await a.call("DELETE", `/v1/backend/rules/${id}`);
    assert.equal(del.status, 204);
    assert.equal(
      (await m.read(await a.call("GET", `/v1/backend/rules/${id}`))).json.code,
      "ERR_RULE_UNKNOWN",
    );
    assert.equal((await a.call("DELETE", `/v1/backend/rules/${id}`)).status, 404);
    assert.equal(
      (await m.read(await a.call("PUT", `/v1/backend/rules/${id}`, rule({ priority: 102 }))))
        .status,
      404,
    );
  });

  it("priorities are unique per client (409 ERR_CONFLICT), not across clients", async () => {
    const first = await m.read(await a.call("POST", "/v1/backend/rules", rule({ priority: 200 })));
    assert.equal(first.status, 201);
    const dup = await m.read(await a.call("POST", "/v1/backend/rules", rule({ priority: 200 })));
    assert.equal(dup.status, 409);
    assert.equal(dup.json.code, "ERR_CONFLICT");
    assert.equal((await b.call("POST", "/v1/backend/rules", rule({ priority: 200 }))).status, 201);
    const other = await m.read(await a.call("POST", "/v1/backend/rules", rule({ priority: 201 })));
    const clash = await m.read(
      await a.call("PUT", `/v1/backend/rules/${other.json.id}`, rule({ priority: 200 })),
    );
    assert.equal(clash.status, 409);
    // Keeping one's own priority on update is fine.
    assert.equal(
      (await a.call(
        "PUT",
        `/v1/backend/rules/${other.json.id}`,
        rule({ priority: 201, name: "x" }),
      )).status,
      200,
    );
  });

  it("another client's rule does not exist here", async () => {
    const mine = await m.read(await a.call("POST", "/v1/backend/rules", rule({ priority: 300 })));
    const id = mine.json.id as string;
    assert.equal((await b.call("GET", `/v1/backend/rules/${id}`)).status, 404);
    assert.equal(
      (await b.call("PUT", `/v1/backend/rules/${id}`, rule({ priority: 300 }))).status,
      404,
    );
    assert.equal((await b.call("DELETE", `/v1/backend/rules/${id}`)).status, 404);
    const listB = await m.read(await b.call("GET", "/v1/backend/rules"));
    assert.ok(!(listB.json.rules as { id: string }[]).some((r) => r.id === id));
    assert.equal((await a.call("GET", `/v1/backend/rules/${id}`)).status, 200);
  });

  it("rejects invalid rules with 400", async () => {
    const invalid = [
      rule({ priority: 0 }),
      rule({ priority: 1001 }),
      rule({ priority: 1.5 }),
      rule({ mode: "shadow" }),
      rule({ recommendation: "MAYBE" }),
      rule({ match: {} }),
      rule({ match: { ip_cidrs: ["10.0.0.0/8"], device_ids: ["d_x"] } }),
      rule({ match: { ip_cidrs: [] } }),
      rule({ match: { ip_cidrs: ["10.0.0.0/33"] } }),
      rule({ match: { ip_cidrs: ["10.0.0.0"] } }),
      rule({ match: { ip_cidrs: ["2001:db8::/129"] } }),
      rule({ match: { ip_cidrs: ["1:2:3:4:5:6:7:8:9/64"] } }),
      rule({ match: { colors: ["red"] } }),
      rule({ name: "" }),
    ];
    for (const body of invalid) {
      const r = await m.read(await a.call("POST", "/v1/backend/rules", body));
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.code, "ERR_INVALID_BODY");
    }
  });

  it("a production rule decides; a preview rule before it is reported; disabled rules are skipped", async () => {
    const h2 = await m.startHarness();
    try {
      const be = await m.Backend.create(h2);
      const d = await m.Device.create(h2);
      await d.createSession();
      const post = async (o: Record<string, unknown>) =>
        (await m.read(await be.call("POST", "/v1/backend/rules", rule(o)))).json;
      await post({
        name: "off",
        priority: 1,
        enabled: false,
        match: { device_ids: [d.deviceId] },
        recommendation: "TRUST",
      });
      const preview = await post({
        name: "watch",
        priority: 2,
        mode: "preview",
        match: { action_types: ["login"] },
        recommendation: "CHALLENGE",
      });
      await post({
        name: "ipv6-block",
        priority: 3,
        match: { ip_cidrs: ["2001:db8::/32"] },
        recommendation: "DENY",
      });
      await post({
        name: "mapped",
        priority: 4,
        match: { ip_cidrs: ["203.0.113.0/24"] },
        recommendation: "ALLOW",
      });
      const trigger = async (ip?: string) =>
        (await be.trigger({
          action_type: "login",
          session_token: d.sessionToken,
          ...(ip ? { ip } : {}),
        }, "?get_recommendation=true")).json.recommendation as Record<string, unknown>;
      const v6 = await trigger("2001:db8:0:1::7");
      assert.equal((v6.recommendation as { type: string }).type, "DENY");
      assert.ok((v6.reasons as string[]).at(-1) === "RULE_DENY");
      assert.deepEqual(v6.preview_rule, {
        id: preview.id,
        name: "watch",
        recommendation: "CHALLENGE",
      });
      const v4 = await trigger("::ffff:203.0.113.9");
      assert.equal((v4.recommendation as { type: string }).type, "ALLOW");
      assert.equal((v4.context as { ip: string }).ip, "203.0.113.9");
      const none = await trigger("192.0.2.1");
      assert.equal((none.recommendation as { type: string }).type, "ALLOW"); // from the score
      assert.ok(!(none.reasons as string[]).some((r) => r.startsWith("RULE_")));
      assert.deepEqual(none.preview_rule, {
        id: preview.id,
        name: "watch",
        recommendation: "CHALLENGE",
      });
      // Rules apply at evaluation time: a rule added later changes an earlier action's answer.
      const t = await be.trigger({ action_type: "checkout", session_token: d.sessionToken });
      await post({
        name: "device",
        priority: 5,
        match: { device_ids: [d.deviceId] },
        recommendation: "CHALLENGE",
      });
      const later = await be.recommendation(t.json.action_token as string);
      assert.equal((later.json.recommendation as { type: string }).type, "CHALLENGE");
    } finally {
      await h2.close();
    }
  });
});
