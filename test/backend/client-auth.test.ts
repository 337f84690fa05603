// Backend client: client credentials (SPEC §7.1) — token caching, renewal ahead of expiry,
// single flight, one renewal and one retry on 401.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rejectsWith, SESSION, setup } from "./client-support.ts";

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
