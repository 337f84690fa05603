// The connect/express-style middleware with real secure session tokens: with plain request and
// response objects (every environment), and behind a real node:http server (server runtimes).
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type ConnectRequest,
  createMemoryReplayStore,
  DeviceSessionError,
  secureTokenConnectMiddleware,
  type SecureTokenConnectOptions,
} from "../../backend.ts";
import { AUDIENCE, DEVICE_ID, ISSUER, type TokenFixture, tokenFixture } from "./tokens.ts";

let fx: TokenFixture;
before(async () => {
  fx = await tokenFixture();
});

const serverOnly = { skip: typeof window !== "undefined" && "needs a server runtime" };

function middleware(options: Partial<SecureTokenConnectOptions> = {}) {
  return secureTokenConnectMiddleware({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: fx.jwks,
    replayStore: createMemoryReplayStore(),
    actionType: "transaction",
    ...options,
  });
}

/** Runs the middleware on a fake request: the answer, or `next`'s argument. */
async function run(
  mw: ReturnType<typeof middleware>,
  req: ConnectRequest,
): Promise<{ next: boolean; error?: unknown; status?: number; body?: Record<string, unknown> }> {
  const res = { statusCode: 200, headers: {} as Record<string, string>, text: "" };
  let nextCalled = false;
  let error: unknown;
  await mw(req, {
    get statusCode() {
      return res.statusCode;
    },
    set statusCode(s: number) {
      res.statusCode = s;
    },
    setHeader: (n: string, value: string) => (res.headers[n] = value),
    end: (text: string) => (res.text = text),
  }, (e?: unknown) => {
    nextCalled = true;
    error = e;
  });
  if (nextCalled) return { next: true, error };
  assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
  return { next: false, status: res.statusCode, body: JSON.parse(res.text) };
}

function streamOf(...chunks: (string | Uint8Array)[]): ConnectRequest {
  return {
    headers: { "content-type": "application/json" },
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) yield c;
    },
  };
}

describe("connect-style secureTokenConnectMiddleware", () => {
  it("verifies the header token, sets req.deviceSession, calls next()", async () => {
    const mw = middleware();
    const token = await fx.secure("transaction");
    const req: ConnectRequest = { headers: { "ds-secure-session-token": token } };
    assert.deepEqual(await run(mw, req), { next: true, error: undefined });
    assert.equal(req.deviceSession?.token, token);
    assert.equal(req.deviceSession?.result.deviceId, DEVICE_ID);
    const again = await run(mw, { headers: { "ds-secure-session-token": token } });
    assert.equal(again.status, 409);
    assert.equal(again.body?.code, "ERR_REPLAYED");
  });

  it("answers 401 without a token and 403 for another action", async () => {
    const mw = middleware();
    assert.equal((await run(mw, { headers: {} })).body?.code, "ERR_UNAUTHENTICATED");
    const r = await run(mw, { headers: { "ds-secure-session-token": await fx.secure("login") } });
    assert.equal(r.status, 403);
    assert.equal(r.body?.code, "ERR_ACTION_MISMATCH");
  });

  it("uses a body parsed earlier (express.json())", async () => {
    const mw = middleware({ field: "secureToken" });
    const req: ConnectRequest = {
      headers: {},
      body: { secureToken: await fx.secure("transaction") },
    };
    assert.equal((await run(mw, req)).next, true);
  });

  it("reads the JSON body from the stream when no parser ran, and leaves it in req.body", async () => {
    const mw = middleware({ field: "secureToken" });
    const json = JSON.stringify({ secureToken: await fx.secure("transaction"), amount: 3 });
    const req = streamOf(json.slice(0, 10), new TextEncoder().encode(json.slice(10)));
    assert.equal((await run(mw, req)).next, true);
    assert.equal((req.body as { amount: number }).amount, 3);
  });

  it("rejects a body that is not JSON (400) or too large (413)", async () => {
    const mw = middleware({ field: "secureToken", maxBodyBytes: 64 });
    assert.equal((await run(mw, streamOf("{nope"))).body?.code, "ERR_INVALID_BODY");
    const big = await run(mw, streamOf(JSON.stringify({ secureToken: "x".repeat(100) })));
    assert.equal(big.status, 413);
    assert.equal(big.body?.code, "ERR_BODY_TOO_LARGE");
  });

  it("the action type can come from the request", async () => {
    type Req = ConnectRequest & { params: { type: string } };
    const mw = secureTokenConnectMiddleware<Req>({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: fx.jwks,
      replayStore: createMemoryReplayStore(),
      actionType: (req) => req.params.type,
    });
    const req: Req = {
      headers: { "ds-secure-session-token": await fx.secure("withdraw") },
      params: { type: "withdraw" },
    };
    let nexted = false;
    await mw(req, { statusCode: 0, setHeader: () => {}, end: () => {} }, () => (nexted = true));
    assert.ok(nexted);
  });

  it("hands an unexpected failure to next(error)", async () => {
    const mw = middleware({
      replayStore: { consume: () => Promise.reject(new TypeError("down")) },
    });
    const r = await run(mw, {
      headers: { "ds-secure-session-token": await fx.secure("transaction") },
    });
    assert.ok(r.next && r.error instanceof TypeError);
  });

  it("checks its options when built", () => {
    assert.throws(
      () => middleware({ maxBodyBytes: 0 }),
      (e) => e instanceof DeviceSessionError && e.code === "ERR_INVALID_INPUT",
    );
    assert.throws(
      () => middleware({ field: "" }),
      (e) => e instanceof DeviceSessionError && e.code === "ERR_INVALID_INPUT",
    );
  });

  it("behind a real node:http server", serverOnly, async () => {
    const { createServer } = await import("node:http");
    const mw = middleware({ field: "secureToken" });
    const server = createServer((req, res) => {
      void mw(req as ConnectRequest, res, (e) => {
        res.statusCode = e ? 500 : 200;
        res.end(
          JSON.stringify({ deviceId: (req as ConnectRequest).deviceSession?.result.deviceId }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/`;
      const token = await fx.secure("transaction");
      const send = () =>
        fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ secureToken: token }),
        });
      const ok = await send();
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { deviceId: DEVICE_ID });
      const replay = await send();
      assert.equal(replay.status, 409);
      assert.equal(((await replay.json()) as { code: string }).code, "ERR_REPLAYED");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
