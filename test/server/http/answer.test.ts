// Light answers (adapters/server/http/answer.ts): a Response to whoever holds one, real at the
// service's edge unless the caller is the Node adapter, and written by that adapter byte for
// byte as the real Response would be.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  answer,
  answerParts,
  LIGHT,
  real,
  setAnswerHeaders,
} from "../../../adapters/server/http/answer.ts";
import { json } from "../../../adapters/server/http/respond.ts";

const TIMEOUT = { timeout: 20_000 };
const body = '{"ok":true,"name":"é ✓"}';

describe("light answers", () => {
  it(
    "behave as a Response: status, headers, body, clone; real once anything but status is read",
    TIMEOUT,
    async () => {
      const res = answer(201, body, { "content-type": "application/json" });
      assert.ok(res instanceof Response);
      assert.equal(res.status, 201);
      assert.equal(res.ok, true);
      assert.deepEqual(answerParts(res), {
        status: 201,
        headers: { "content-type": "application/json" },
        body,
      });
      assert.ok(setAnswerHeaders(res, { "x-request-id": "req_1" }));
      assert.equal(res.headers.get("x-request-id"), "req_1");
      assert.equal(answerParts(res), null, "reading the headers made it real");
      // Headers set after that go to the real response.
      assert.ok(setAnswerHeaders(res, { vary: "Origin" }));
      assert.equal(res.headers.get("vary"), "Origin");
      const copy = res.clone();
      assert.deepEqual(await res.json(), { ok: true, name: "é ✓" });
      assert.equal(res.bodyUsed, true);
      assert.equal(await copy.text(), body);
    },
  );

  it("real() gives a genuine Response (the runtime's own brand checks pass)", TIMEOUT, async () => {
    const res = real(json(404, { code: "ERR_NOT_FOUND" }, { "ds-nonce": "n" }));
    assert.equal(Object.getPrototypeOf(res), Response.prototype);
    assert.equal(await Response.prototype.text.call(res), '{"code":"ERR_NOT_FOUND"}');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(res.headers.get("ds-nonce"), "n");
    const plain = new Response("x");
    assert.equal(real(plain), plain);
    assert.equal(setAnswerHeaders(plain, { a: "b" }), false);
    assert.equal(answerParts(plain), null);
  });

  it(
    "service.fetch answers real Responses, light ones only to a caller that says LIGHT",
    TIMEOUT,
    async () => {
      const { createService } = await import("../../../adapters/server/mod.ts");
      const service = await createService({
        publicUrl: "http://localhost:8787",
        clients: [{ id: "a", secret: "secret-of-client-a-0123456789", allowedOrigins: [] }],
        log: null,
      });
      try {
        const plain = await service.fetch(new Request("http://localhost:8787/healthz"));
        assert.equal(Object.getPrototypeOf(plain), Response.prototype);
        assert.equal((await Response.prototype.json.call(plain)).status, "ok");
        assert.match(plain.headers.get("x-request-id") ?? "", /^req_/);
        const info = { remoteAddr: null, [LIGHT]: true };
        const light = await service.fetch(new Request("http://localhost:8787/nowhere"), info);
        const parts = answerParts(light);
        assert.ok(parts !== null);
        assert.equal(parts.status, 404);
        assert.match(parts.headers["x-request-id"] ?? "", /^req_/);
        assert.equal(JSON.parse(parts.body).code, "ERR_NOT_FOUND");
      } finally {
        await service.close();
      }
    },
  );

  it(
    "the Node adapter writes a light answer with its headers and UTF-8 Content-Length",
    { ...TIMEOUT, skip: typeof window !== "undefined" && "needs a server runtime (node:http)" },
    async () => {
      const { serve } = await import("../../../adapters/server/serve/node.ts");
      const server = await serve({
        port: 0,
        fetch: () => answer(418, body, { "content-type": "application/json", "x-a": "1" }),
      });
      try {
        const res = await fetch(server.url + "/");
        assert.equal(res.status, 418);
        assert.equal(res.headers.get("x-a"), "1");
        assert.equal(res.headers.get("content-type"), "application/json");
        assert.equal(
          res.headers.get("content-length"),
          String(new TextEncoder().encode(body).length),
        );
        assert.equal(await res.text(), body);
      } finally {
        await server.shutdown(1000);
      }
    },
  );
  it(
    "the Node adapter writes real Responses from strings, bytes, blobs and streams as they are",
    { ...TIMEOUT, skip: typeof window !== "undefined" && "needs a server runtime (node:http)" },
    async () => {
      const { serve } = await import("../../../adapters/server/serve/node.ts");
      const bytes = new TextEncoder().encode(body);
      const made: Record<string, () => Response> = {
        "/string": () => new Response(body, { status: 202, headers: { "x-a": "1" } }),
        "/bytes": () => new Response(bytes.slice()),
        "/blob": () => new Response(new Blob([bytes])),
        "/stream": () =>
          new Response(
            new ReadableStream({
              start(c) {
                c.enqueue(bytes.subarray(0, 5));
                c.enqueue(bytes.subarray(5));
                c.close();
              },
            }),
          ),
        // A body read already (here: by a clone's tee) is written from what is left to read.
        "/teed": () => {
          const r = new Response(body);
          void r.clone().text();
          return r;
        },
      };
      const server = await serve({
        port: 0,
        fetch: (req) => made[new URL(req.url).pathname]!(),
      });
      try {
        for (const path of Object.keys(made)) {
          const res = await fetch(server.url + path);
          assert.equal(res.status, path === "/string" ? 202 : 200, path);
          if (path === "/string") assert.equal(res.headers.get("x-a"), "1");
          if (path !== "/stream") {
            assert.equal(res.headers.get("content-length"), String(bytes.length), path);
          }
          assert.equal(await res.text(), body, path);
        }
      } finally {
        await server.shutdown(1000);
      }
    },
  );
});
