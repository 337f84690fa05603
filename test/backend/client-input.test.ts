// Backend client: every argument and option is validated (ERR_INVALID_INPUT) before anything
// is sent.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createBackendClient, DeviceSessionError } from "../../backend.ts";
import { rejectsWith, SECURE, SESSION, setup } from "./client-support.ts";

describe("backend client: argument validation (ERR_INVALID_INPUT, nothing sent)", () => {
  const bad: [string, unknown][] = [
    ["no token", { actionType: "login" }],
    ["both tokens", { sessionToken: SESSION, securedSessionToken: SECURE, actionType: "login" }],
    ["an invalid action type", { sessionToken: SESSION, actionType: "Login" }],
    ["a token that is not a JWS", { sessionToken: "nope", actionType: "login" }],
    ["claimedUserIdType alone", {
      sessionToken: SESSION,
      actionType: "login",
      claimedUserIdType: "email",
    }],
    ["a bad currency", {
      sessionToken: SESSION,
      actionType: "transaction",
      transactionData: { amount: 1, currency: "eur" },
    }],
    ["a non-positive amount", {
      sessionToken: SESSION,
      actionType: "transaction",
      transactionData: { amount: 0, currency: "EUR" },
    }],
    ["a nested custom attribute", {
      sessionToken: SESSION,
      actionType: "login",
      customAttributes: { a: { b: 1 } },
    }],
    ["an invalid ip", { sessionToken: SESSION, actionType: "login", ip: "300.1.1.1" }],
    ["a snake_case member (typo guard)", { session_token: SESSION, actionType: "login" }],
  ];
  for (const [what, input] of bad) {
    it(`triggerAction: ${what}`, async () => {
      const { client, stub } = setup();
      await rejectsWith(client.triggerAction(input as never), "ERR_INVALID_INPUT");
      assert.equal(stub.state.calls.length, 0);
    });
  }

  it("the other calls", async () => {
    const { client, stub } = setup();
    await rejectsWith(client.getRecommendation("x"), "ERR_INVALID_INPUT");
    await rejectsWith(
      client.reportActionResult({ actionToken: SESSION, result: "done" } as never),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(
      client.reportActionResult({
        actionToken: SESSION,
        result: "success",
        challengeType: "carrier_pigeon",
      } as never),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(
      client.clearUser({ securedSessionToken: SECURE } as never),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(
      client.clearUser({ sessionToken: SESSION, actionType: "login" } as never),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(client.getRule("r/../x"), "ERR_INVALID_INPUT");
    const rule = {
      name: "r",
      priority: 1,
      enabled: true,
      mode: "production",
      recommendation: "DENY",
    } as const;
    await rejectsWith(client.createRule({ ...rule, match: {} }), "ERR_INVALID_INPUT");
    await rejectsWith(
      client.createRule({ ...rule, match: { userIds: ["a"], deviceIds: ["d"] } }),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(
      client.createRule({ ...rule, match: { ipCidr: ["10.0.0.0/8"] } } as never),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(
      client.createRule({ ...rule, priority: 1001, match: { userIds: ["a"] } }),
      "ERR_INVALID_INPUT",
    );
    await rejectsWith(client.deleteRule(""), "ERR_INVALID_INPUT");
    assert.equal(stub.state.calls.length, 0);
  });

  it("createBackendClient checks its options", () => {
    const ok = { baseUrl: "https://risk.example.com", clientId: "demo", clientSecret: "x" };
    const bad: Record<string, unknown>[] = [
      { ...ok, baseUrl: "risk.example.com" },
      { ...ok, baseUrl: "ftp://risk.example.com" },
      { ...ok, baseUrl: "https://risk.example.com/?a=1" },
      { ...ok, clientId: "no spaces" },
      { ...ok, clientSecret: "" },
      { ...ok, timeoutMs: 0 },
      { ...ok, fetch: "fetch" },
      { ...ok, clientSceret: "typo" },
    ];
    for (const options of bad) {
      assert.throws(
        () => createBackendClient(options as never),
        (e) => e instanceof DeviceSessionError && e.code === "ERR_INVALID_INPUT",
        JSON.stringify(options),
      );
    }
    assert.ok(createBackendClient({ ...ok, baseUrl: new URL("http://localhost:8080") }));
  });
});
