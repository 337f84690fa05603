// The backend client against a local stub of the service (no network): client credentials,
// token caching, renewal, single flight, retry on 401, camelCase ↔ snake_case, error mapping.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createBackendClient, DeviceSessionError, TokenError } from "../../backend.ts";
import type { BackendClientOptions, BackendRuleInput } from "../../backend.ts";
import { CLIENT_ID, CLIENT_SECRET, createStubService } from "./stub-service.ts";

const SESSION = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJzXzEifQ.c2ln";
const SECURE = "eyJhbGciOiJFZERTQSJ9.eyJhY3QiOiJsb2dpbiJ9.c2ln";

function setup(extra: Partial<BackendClientOptions> = {}, stubOptions = {}) {
  const stub = createStubService(stubOptions);
  let now = 1_767_225_600_000;
  const client = createBackendClient({
    baseUrl: "https://risk.example.com",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    fetch: stub.fetch,
    now: () => now,
    ...extra,
  });
  return { client, stub, advance: (ms: number) => (now += ms) };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<DeviceSessionError> {
  let caught: unknown;
  await assert.rejects(p, (e) => {
    caught = e;
    return e instanceof DeviceSessionError && e.code === code;
  });
  return caught as DeviceSessionError;
}

describe("backend client: access token (SPEC §7.1)", () => {
  it("asks with HTTP Basic and a form body, then reuses the token", async () => {
    const { client, stub } = setup();
    await client.triggerAction({ sessionToken: SESSION, actionType: "login" });
    await client.triggerAction({ sessionToken: SESSION, actionType: "login" });
    assert.equal(stub.state.tokenRequests, 1);
    assert.equal(client.tokenRequests, 1);
    const [tokenCall, a1, a2] = stub.state.calls;
    assert.equal(tokenCall!.path, "/v1/oauth/token");
    assert.match(tokenCall!.headers.get("authorization")!, /^Basic /);
    assert.equal(tokenCall!.headers.get("content-type"), "application/x-www-form-urlencoded");
    assert.equal(tokenCall!.body, "grant_type=client_credentials");
    assert.equal(a1!.headers.get("authorization"), a2!.headers.get("authorization"));
  });

  it("renews ahead of expiry (default 60 s before)", async () => {
    const { client, stub, advance } = setup();
    await client.listRules();
    advance(3539_000);
    await client.listRules();
    assert.equal(stub.state.tokenRequests, 1);
    advance(2_000); // 3541 s: inside the 60 s margin
    await client.listRules();
    assert.equal(stub.state.tokenRequests, 2);
  });

  it("keeps a short-lived token for half its life at least", async () => {
    const { client, stub, advance } = setup({}, { expiresIn: 30 });
    await client.listRules();
    advance(14_000);
    await client.listRules();
    assert.equal(stub.state.tokenRequests, 1);
    advance(2_000);
    await client.listRules();
    assert.equal(stub.state.tokenRequests, 2);
  });

  it("single flight: concurrent calls share one token request", async () => {
    const { client, stub } = setup();
    stub.state.tokenDelayMs = 20;
    await Promise.all(Array.from({ length: 8 }, () => client.listRules()));
    assert.equal(stub.state.tokenRequests, 1);
  });

  it("on 401 ERR_UNAUTHENTICATED renews once and retries once", async () => {
    const { client, stub } = setup();
    await client.listRules();
    stub.state.revoke();
    await Promise.all([client.listRules(), client.listRules(), client.listRules()]);
    assert.equal(stub.state.tokenRequests, 2, "one renewal shared by the three retries");
  });

  it("a 401 after the retry is the caller's ERR_UNAUTHENTICATED (no loop)", async () => {
    const { client, stub } = setup();
    stub.state.intercept = (c) =>
      c.path === "/v1/backend/rules"
        ? new Response(JSON.stringify({ code: "ERR_UNAUTHENTICATED", message: "no", time: 1 }), {
          status: 401,
        })
        : undefined;
    const e = await rejectsWith(client.listRules(), "ERR_UNAUTHENTICATED");
    assert.equal(e.status, 401);
    assert.equal(stub.state.tokenRequests, 2);
    assert.equal(stub.state.calls.filter((c) => c.path === "/v1/backend/rules").length, 2);
  });

  it("wrong credentials: ERR_UNAUTHENTICATED from the token endpoint, sent once", async () => {
    const { client, stub } = setup({ clientSecret: "wrong" });
    await rejectsWith(client.listRules(), "ERR_UNAUTHENTICATED");
    assert.equal(stub.state.tokenRequests, 1);
    assert.equal(stub.state.calls.length, 1);
  });

  it("a failed token request is not cached: the next call asks again", async () => {
    const { client, stub } = setup();
    let fail = true;
    stub.state.intercept = () => (fail ? Promise.reject(new TypeError("refused")) : undefined);
    await rejectsWith(client.listRules(), "ERR_NETWORK");
    fail = false;
    assert.deepEqual(await client.listRules(), []);
  });
});

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

describe("backend client: errors (SPEC §6.5, §11)", () => {
  it("a service error body becomes the typed error of its code, with details", async () => {
    const { client } = setup();
    await client.triggerAction({ securedSessionToken: SECURE, actionType: "login" });
    const e = await rejectsWith(
      client.triggerAction({ securedSessionToken: SECURE, actionType: "login" }),
      "ERR_REPLAYED",
    );
    assert.ok(e instanceof TokenError);
    assert.equal(e.status, 409);
  });

  it("keeps details and Retry-After", async () => {
    const { client, stub } = setup();
    stub.state.intercept = (c) =>
      c.path === "/v1/backend/rules"
        ? new Response(
          JSON.stringify({
            code: "ERR_RATE_LIMITED",
            message: "slow down",
            time: 1,
            details: { retry_after_s: 7 },
          }),
          { status: 429, headers: { "retry-after": "7" } },
        )
        : undefined;
    const e = await rejectsWith(client.listRules(), "ERR_RATE_LIMITED");
    assert.equal(e.message, "slow down");
    assert.deepEqual(e.details, { retry_after_s: 7, retryAfter: 7 });
  });

  const rule: BackendRuleInput = {
    name: "n",
    priority: 1,
    enabled: true,
    mode: "preview",
    match: { userIds: ["u"] },
    recommendation: "TRUST",
  };
  type Client = ReturnType<typeof setup>["client"];
  const list = (c: Client) => c.listRules();
  const outside: [string, () => Response, (c: Client) => Promise<unknown>][] = [
    [
      "an HTML 502 from a proxy",
      () => new Response("<html>bad gateway</html>", { status: 502 }),
      list,
    ],
    [
      "an error body with a code outside the catalog",
      () => Response.json({ code: "ERR_MADE_UP", message: "x", time: 1 }, { status: 400 }),
      list,
    ],
    ["200 where the protocol says 201", () => Response.json(rule), (c) => c.createRule(rule)],
    ["a success body that is not JSON", () => new Response("ok", { status: 200 }), list],
    ["a success body of the wrong shape", () => Response.json({ rules: [{ id: 1 }] }), list],
    ["a 3xx", () => new Response(null, { status: 302, headers: { location: "/" } }), list],
  ];
  for (const [what, answer, call] of outside) {
    it(`ERR_SERVICE for ${what}`, async () => {
      const { client, stub } = setup();
      stub.state.intercept = (c) => c.path === "/v1/backend/rules" ? answer() : undefined;
      const e = await rejectsWith(call(client), "ERR_SERVICE");
      assert.equal(typeof e.details?.status, "number");
    });
  }

  it("ERR_SERVICE for a missing recommendation that was asked for", async () => {
    const { client, stub } = setup();
    stub.state.intercept = (c) =>
      c.path === "/v1/backend/actions"
        ? Response.json({ action_id: "a_1", action_token: "a.b.c" }, { status: 201 })
        : undefined;
    await rejectsWith(
      client.triggerAction({ sessionToken: SESSION, actionType: "login", getRecommendation: true }),
      "ERR_SERVICE",
    );
  });

  it("ERR_NETWORK when fetch fails, with the cause", async () => {
    const { client } = setup({ fetch: () => Promise.reject(new TypeError("connection refused")) });
    const e = await rejectsWith(client.listRules(), "ERR_NETWORK");
    assert.ok(e.cause instanceof TypeError);
  });

  it("ERR_TIMEOUT when the service does not answer in time (the request is aborted)", async () => {
    let aborted = false;
    const hang = (_: string, init: RequestInit) =>
      new Promise<Response>((_, reject) => {
        init.signal!.addEventListener("abort", () => {
          aborted = true;
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    const { client } = setup({ fetch: hang, timeoutMs: 20 });
    await rejectsWith(client.listRules(), "ERR_TIMEOUT");
    assert.ok(aborted);
  });
});

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
