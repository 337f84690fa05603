// The two backend examples, end to end against the stub service with real secure tokens:
// verify locally → triggerAction with the same token → recommendation → TRUST/ALLOW/CHALLENGE/DENY.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createBackendClient } from "../../backend.ts";
import { createApp } from "../../examples/backend-hono/app.ts";
import { CLIENT_ID, CLIENT_SECRET, createStubService } from "./stub-service.ts";
import { AUDIENCE, ISSUER, type TokenFixture, tokenFixture } from "./tokens.ts";

let fx: TokenFixture;
before(async () => {
  fx = await tokenFixture();
});

const serverOnly = { skip: typeof window !== "undefined" && "needs a server runtime" };

function world() {
  const stub = createStubService();
  const backend = createBackendClient({
    baseUrl: "https://risk.example.com",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    fetch: stub.fetch,
  });
  return { stub, backend, options: { backend, issuer: ISSUER, clientId: AUDIENCE, jwks: fx.jwks } };
}

describe("examples/backend-hono", () => {
  const transfer = async (app: ReturnType<typeof createApp>, amount: number, token?: string) =>
    app.request("/api/transfer", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "DS-Secure-Session-Token": token ?? await fx.secure("transaction"),
      },
      body: JSON.stringify({ amount, currency: "EUR" }),
    });

  for (
    const [type, status, outcome] of [
      ["TRUST", 200, "done"],
      ["ALLOW", 200, "done"],
      ["CHALLENGE", 202, "challenge"],
      ["DENY", 403, "denied"],
    ] as const
  ) {
    it(`${type} → ${status} ${outcome}`, async () => {
      const { stub, options } = world();
      stub.state.recommendationType = type;
      const res = await transfer(createApp(options), 120);
      assert.equal(res.status, status);
      assert.equal(((await res.json()) as { status: string }).status, outcome);
      const trigger = stub.state.calls.find((c) => c.path === "/v1/backend/actions")!;
      const body = JSON.parse(trigger.body);
      assert.equal(body.action_type, "transaction");
      assert.ok(body.secured_session_token, "the verified token is forwarded");
    });
  }

  it("a challenge is reported back with its result", async () => {
    const { stub, options } = world();
    stub.state.recommendationType = "CHALLENGE";
    const app = createApp(options);
    const { actionToken } = await (await transfer(app, 120)).json() as { actionToken: string };
    const res = await app.request("/api/transfer/challenge", {
      method: "POST",
      body: JSON.stringify({ actionToken, passed: true }),
    });
    assert.equal(res.status, 200);
    const report = stub.state.calls.at(-1)!;
    assert.equal(report.path, "/v1/backend/actions/result");
    assert.deepEqual(JSON.parse(report.body), {
      action_token: actionToken,
      result: "success",
      challenge_type: "sms_otp",
    });
  });

  it("a replayed token stops at the backend (409), never reaching the service", async () => {
    const { stub, options } = world();
    const app = createApp(options);
    const token = await fx.secure("transaction");
    assert.equal((await transfer(app, 10, token)).status, 200);
    const before = stub.state.calls.length;
    const res = await transfer(app, 10, token);
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { code: string }).code, "ERR_REPLAYED");
    assert.equal(stub.state.calls.length, before);
  });

  it("an invalid amount is the client's 400 ERR_INVALID_INPUT", async () => {
    const { options } = world();
    const res = await transfer(createApp(options), -5);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, "ERR_INVALID_INPUT");
  });

  it("service down: fail open (small amounts pass, large ones are challenged)", async () => {
    const { stub, options } = world();
    stub.state.intercept = () => Promise.reject(new TypeError("connection refused"));
    const app = createApp(options);
    assert.equal(((await (await transfer(app, 50)).json()) as { status: string }).status, "done");
    const big = await transfer(app, 500);
    assert.equal(big.status, 202);
    assert.deepEqual(await big.json(), { status: "challenge", actionToken: null });
  });
});

describe("examples/backend-express-style", serverOnly, () => {
  async function serve(type: string) {
    const { createServer } = await import("node:http");
    const { createHandler } = await import("../../examples/backend-express-style/app.ts");
    const { stub, options } = world();
    stub.state.recommendationType = type;
    const server = createServer(
      createHandler({ ...options, checkPassword: (_u, p) => p === "password" }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const login = async (password: string) =>
      fetch(`http://127.0.0.1:${port}/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "u-1", password, secureToken: await fx.secure("login") }),
      });
    return { stub, login, close: () => new Promise((r) => server.close(r)) };
  }

  it("ALLOW: logs in and reports success with the user id", async () => {
    const s = await serve("ALLOW");
    try {
      const res = await s.login("password");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: "logged-in" });
      const report = JSON.parse(s.stub.state.calls.at(-1)!.body);
      assert.equal(report.result, "success");
      assert.equal(report.user_id, "u-1");
      assert.equal((await s.login("nope")).status, 401);
      assert.equal(JSON.parse(s.stub.state.calls.at(-1)!.body).result, "failure");
    } finally {
      await s.close();
    }
  });

  it("DENY: 403, CHALLENGE: 202", async () => {
    for (const [type, status] of [["DENY", 403], ["CHALLENGE", 202]] as const) {
      const s = await serve(type);
      try {
        assert.equal((await s.login("password")).status, status);
      } finally {
        await s.close();
      }
    }
  });
});
