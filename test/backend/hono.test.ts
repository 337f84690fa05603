// The hono middleware with real secure session tokens (SPEC §5.4, §5.7.3): local verification,
// single use, action binding, where the token is found, and the error answers.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  createMemoryReplayStore,
  DeviceSessionError,
  type ReplayStore,
  secureTokenMiddleware,
  type SecureTokenMiddlewareOptions,
} from "../../backend.ts";
import {
  AUDIENCE,
  DEVICE_ID,
  ISSUER,
  SESSION_ID,
  type TokenFixture,
  tokenFixture,
} from "./tokens.ts";

let fx: TokenFixture;
before(async () => {
  fx = await tokenFixture();
});

function app(options: Partial<SecureTokenMiddlewareOptions> = {}) {
  const replayStore = options.replayStore ?? createMemoryReplayStore();
  const mw = (actionType: SecureTokenMiddlewareOptions["actionType"]) =>
    secureTokenMiddleware({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: fx.jwks,
      replayStore,
      ...options,
      actionType,
    });
  const a = new Hono();
  a.onError((e, c) => c.json({ unexpected: String(e) }, 500));
  a.post("/transfer", mw("transaction"), async (c) => {
    const { token, actionType, result } = c.get("deviceSession");
    const body = c.req.header("content-type") === "application/json" ? await c.req.json() : null;
    return c.json({
      token,
      actionType,
      deviceId: result.deviceId,
      sessionId: result.sessionId,
      body,
    });
  });
  a.post("/login", mw("login"), (c) => c.json({ ok: c.get("deviceSession").actionType }));
  a.post("/act/:type", mw((c) => c.req.param("type")), (c) => c.json({ ok: true }));
  return a;
}

const post = (a: Hono, path: string, token?: string, body?: unknown) =>
  a.request(path, {
    method: "POST",
    headers: {
      ...(token ? { "DS-Secure-Session-Token": token } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });

async function expectError(res: Response, status: number, code: string): Promise<void> {
  assert.equal(res.status, status);
  const body = await res.json() as { code: string; message: string };
  assert.equal(body.code, code);
  assert.equal(typeof body.message, "string");
}

describe("hono secureTokenMiddleware", () => {
  it("verifies the token and hands it to the handler", async () => {
    const a = app();
    const token = await fx.secure("transaction");
    const res = await post(a, "/transfer", token);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body, {
      token,
      actionType: "transaction",
      deviceId: DEVICE_ID,
      sessionId: SESSION_ID,
      body: null,
    });
  });

  it("consumes the jti once: a second presentation is 409 ERR_REPLAYED", async () => {
    const a = app();
    const token = await fx.secure("transaction");
    assert.equal((await post(a, "/transfer", token)).status, 200);
    await expectError(await post(a, "/transfer", token), 409, "ERR_REPLAYED");
  });

  it("another action is 403 ERR_ACTION_MISMATCH and does not burn the token", async () => {
    const a = app();
    const token = await fx.secure("login");
    await expectError(await post(a, "/transfer", token), 403, "ERR_ACTION_MISMATCH");
    assert.equal((await post(a, "/login", token)).status, 200);
  });

  it("no token is 401 ERR_UNAUTHENTICATED; garbage is 401 ERR_TOKEN_MALFORMED", async () => {
    const a = app();
    await expectError(await post(a, "/transfer"), 401, "ERR_UNAUTHENTICATED");
    await expectError(await post(a, "/transfer", "a.b.c"), 401, "ERR_TOKEN_MALFORMED");
  });

  it("an expired token is 401 ERR_TOKEN_EXPIRED", async () => {
    const a = app({ now: () => Math.floor(Date.now() / 1000) + 3600 });
    await expectError(
      await post(a, "/transfer", await fx.secure("transaction")),
      401,
      "ERR_TOKEN_EXPIRED",
    );
  });

  it("a token of another client is 401 ERR_INNER_TOKEN_INVALID, cause ERR_AUDIENCE_MISMATCH", async () => {
    const a = app({ audience: "other" });
    const res = await post(a, "/transfer", await fx.secure("transaction"));
    assert.equal(res.status, 401);
    const body = await res.json() as { code: string; details: { cause: string } };
    assert.equal(body.code, "ERR_INNER_TOKEN_INVALID");
    assert.equal(body.details.cause, "ERR_AUDIENCE_MISMATCH");
  });

  it("reads a JSON body field, and the handler can read the body again", async () => {
    const a = app({ field: "secureToken" });
    const token = await fx.secure("transaction");
    const res = await post(a, "/transfer", undefined, { secureToken: token, amount: 5 });
    assert.equal(res.status, 200);
    const body = await res.json() as { body: unknown };
    assert.deepEqual(body.body, { secureToken: token, amount: 5 });
    await expectError(await post(a, "/transfer", undefined, "{nope"), 400, "ERR_INVALID_BODY");
    await expectError(
      await post(a, "/transfer", undefined, { other: 1 }),
      401,
      "ERR_UNAUTHENTICATED",
    );
  });

  it("header and field together: the header first, then the body", async () => {
    const a = app({ header: "X-Risk-Token", field: "secureToken" });
    const t1 = await fx.secure("transaction");
    const t2 = await fx.secure("transaction");
    const viaHeader = await a.request("/transfer", {
      method: "POST",
      headers: { "x-risk-token": t1 },
    });
    assert.equal(viaHeader.status, 200);
    assert.equal((await post(a, "/transfer", undefined, { secureToken: t2 })).status, 200);
  });

  it("the action type can come from the request", async () => {
    const a = app();
    assert.equal((await post(a, "/act/withdraw", await fx.secure("withdraw"))).status, 200);
    await expectError(
      await post(a, "/act/Withdraw", await fx.secure("withdraw")),
      400,
      "ERR_INVALID_INPUT",
    );
  });

  it("a store failure is not a verdict: it goes to the app's error handler", async () => {
    const broken: ReplayStore = { consume: () => Promise.reject(new TypeError("redis down")) };
    const res = await post(
      app({ replayStore: broken }),
      "/transfer",
      await fx.secure("transaction"),
    );
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { unexpected: "TypeError: redis down" });
  });

  it("checks its options when built", () => {
    const ok = {
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: { keys: [] },
      replayStore: createMemoryReplayStore(),
      actionType: "login",
    };
    for (
      const bad of [
        { ...ok, actionType: "Login" },
        { ...ok, replayStore: {} },
        { ...ok, audience: "bad id" },
        { ...ok, header: "bad header" },
        { ...ok, clockTolerance: 301 },
        { ...ok, jwks: undefined },
      ]
    ) {
      assert.throws(
        () => secureTokenMiddleware(bad as never),
        (e) => e instanceof DeviceSessionError && e.code === "ERR_INVALID_INPUT",
        JSON.stringify(bad),
      );
    }
  });
});
