// Backend client: the typed errors (SPEC §6.5, §11) — service error bodies, answers outside
// the protocol (ERR_SERVICE), transport failures (ERR_NETWORK) and timeouts (ERR_TIMEOUT).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TokenError } from "../../backend.ts";
import type { BackendRuleInput } from "../../backend.ts";
import { rejectsWith, SECURE, SESSION, setup } from "./client-support.ts";

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
