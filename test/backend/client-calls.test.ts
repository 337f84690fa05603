// Backend client: the calls of SPEC §7.2–§7.6 against the stub service, camelCase in
// JavaScript and snake_case on the wire.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rejectsWith, SECURE, SESSION, setup } from "./client-support.ts";

describe("backend client: calls (SPEC §7.2–§7.6)", () => {
  it("triggerAction sends snake_case and answers camelCase", async () => {
    const { client, stub } = setup();
    const r = await client.triggerAction({
      securedSessionToken: SECURE,
      actionType: "transaction",
      correlationId: "order-17",
      claimedUserId: "5f2b",
      claimedUserIdType: "email",
      transactionData: { amount: 120.5, currency: "EUR" },
      customAttributes: { tier: "gold" },
      ip: "203.0.113.7",
      userAgent: "UA/1",
      getRecommendation: true,
    });
    const call = stub.state.calls.at(-1)!;
    assert.equal(call.query.get("get_recommendation"), "true");
    assert.deepEqual(JSON.parse(call.body), {
      action_type: "transaction",
      secured_session_token: SECURE,
      correlation_id: "order-17",
      claimed_user_id: "5f2b",
      claimed_user_id_type: "email",
      transaction_data: { amount: 120.5, currency: "EUR" },
      custom_attributes: { tier: "gold" },
      ip: "203.0.113.7",
      user_agent: "UA/1",
    });
    assert.match(r.actionId, /^a_/);
    assert.equal(r.recommendation?.recommendation.type, "ALLOW");
    assert.equal(r.recommendation?.riskScore, 25);
    assert.equal(r.recommendation?.context.actionType, "transaction");
    assert.deepEqual(r.recommendation?.context.signals, {
      deviceActions60s: 1,
      newDeviceForUser: true,
    });
  });

  it("triggerAction without getRecommendation sends no query and answers none", async () => {
    const { client, stub } = setup();
    const r = await client.triggerAction({ sessionToken: SESSION, actionType: "login" });
    assert.equal(stub.state.calls.at(-1)!.query.has("get_recommendation"), false);
    assert.equal(r.recommendation, undefined);
    const rec = await client.getRecommendation(r.actionToken);
    assert.equal(rec.id, r.actionId);
    assert.equal(rec.issuedAtMs, 1767225600123);
    assert.equal(rec.previewRule, null);
  });

  it("reportActionResult and clearUser send their bodies", async () => {
    const { client, stub } = setup();
    const { actionToken } = await client.triggerAction({
      sessionToken: SESSION,
      actionType: "login",
    });
    await client.reportActionResult({
      actionToken,
      result: "success",
      userId: "u-1",
      challengeType: "sms_otp",
    });
    assert.deepEqual(JSON.parse(stub.state.calls.at(-1)!.body), {
      action_token: actionToken,
      result: "success",
      user_id: "u-1",
      challenge_type: "sms_otp",
    });
    await client.clearUser({ securedSessionToken: SECURE, actionType: "logout" });
    assert.deepEqual(JSON.parse(stub.state.calls.at(-1)!.body), {
      secured_session_token: SECURE,
      action_type: "logout",
    });
    await client.clearUser({ sessionToken: SESSION });
    assert.deepEqual(JSON.parse(stub.state.calls.at(-1)!.body), { session_token: SESSION });
  });

  it("rules: create, list, get, update, delete", async () => {
    const { client, stub } = setup();
    const created = await client.createRule({
      name: "block-tor-exit",
      priority: 10,
      enabled: true,
      mode: "production",
      match: { ipCidrs: ["198.51.100.0/24"] },
      recommendation: "DENY",
    });
    assert.deepEqual(JSON.parse(stub.state.calls.at(-1)!.body).match, {
      ip_cidrs: ["198.51.100.0/24"],
    });
    assert.deepEqual(created.match, { ipCidrs: ["198.51.100.0/24"] });
    assert.deepEqual(await client.listRules(), [created]);
    assert.deepEqual(await client.getRule(created.id), created);
    const updated = await client.updateRule(created.id, {
      ...created,
      match: { actionTypes: ["withdraw"] },
    });
    assert.deepEqual(updated.match, { actionTypes: ["withdraw"] });
    assert.equal(stub.state.calls.at(-1)!.method, "PUT");
    await client.deleteRule(created.id);
    assert.deepEqual(await client.listRules(), []);
    await rejectsWith(client.getRule(created.id), "ERR_NOT_FOUND");
  });

  it("keeps the base URL's path prefix", async () => {
    const { client, stub } = setup({ baseUrl: "https://example.com/risk" }, { prefix: "/risk" });
    assert.deepEqual(await client.listRules(), []);
    assert.equal(stub.state.calls.at(-1)!.path, "/v1/backend/rules");
  });
});
