// The test-control extension (SPEC Appendix A) on the runtime's real server: absent in normal
// mode (404, not in discovery); in test mode authenticated, scoped to the client, moving the
// service clock for everything (tokens, session ends), rotating the key, reporting facts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";

const SKIP = typeof window !== "undefined" && "needs a server runtime";
const HARNESS = "../support/harness.ts";
type H = typeof import("../support/harness.ts");

describe("test control (SPEC Appendix A)", { skip: SKIP }, () => {
  it("normal mode: every route is 404 ERR_NOT_FOUND and discovery does not name it", async () => {
    const { startHarness, Backend } = await import(HARNESS) as H;
    const h = await startHarness();
    try {
      const disc = await (await h.fetch("/.well-known/device-session")).json();
      assert.equal(disc.test_control, undefined);
      const b = await Backend.create(h);
      for (
        const [method, path] of [
          ["POST", "/v1/test/clock"],
          ["POST", "/v1/test/keys/rotate"],
          ["GET", "/v1/test/client"],
          ["GET", "/v1/test/sessions/s_AAAAAAAAAAAAAAAAAAAAAA"],
        ] as const
      ) {
        const r = await b.call(method, path, method === "POST" ? { advance_s: 60 } : undefined);
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal((await r.json()).code, "ERR_NOT_FOUND");
      }
    } finally {
      await h.close();
    }
  });

  it("test mode: authenticated, per client; the clock ends sessions; rotation; facts", async () => {
    const { startHarness, Backend, Device, ev } = await import(HARNESS) as H;
    const h = await startHarness({ testControl: true });
    try {
      const disc = await (await h.fetch("/.well-known/device-session")).json();
      assert.equal(disc.test_control, `${h.url}/v1/test/`);
      const anon = await h.fetch("/v1/test/clock", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"advance_s":60}',
      });
      assert.equal(anon.status, 401, "no access token");
      assert.equal((await anon.json()).code, "ERR_UNAUTHENTICATED");
      const a = await Backend.create(h, "a");
      const b = await Backend.create(h, "b");
      const d = await Device.create(h, "a");
      await d.createSession();
      await d.telemetry([ev(1, "interaction", { kind: "click" }), ev(2, "page", { kind: "show" })]);
      const facts = await (await a.call("GET", `/v1/test/sessions/${d.sessionId}`)).json();
      assert.equal(facts.status, "active");
      assert.equal(facts.interactions, 1);
      const other = await b.call("GET", `/v1/test/sessions/${d.sessionId}`);
      assert.equal(other.status, 404, "another client's session does not exist for b");
      assert.equal((await other.json()).code, "ERR_SESSION_UNKNOWN");
      const bad = await a.call("POST", "/v1/test/clock", { advance_s: 0 });
      assert.equal(bad.status, 400);
      const before = h.service.now();
      const moved = await (await a.call("POST", "/v1/test/clock", { advance_s: 1801 })).json();
      assert.ok(moved.offset_s === 1801 && h.service.now() - before >= 1801_000);
      await d.config(); // a nonce of the moved clock, and a proof stamped with service time
      const path = `/v1/device/sessions/${d.sessionId}/refresh`;
      const proof = await d.proof(path, { iat: Math.floor(h.service.now() / 1000) });
      const ended = await d.refreshRaw({ proof });
      assert.equal(ended.status, 410, "idle 1801 s: the session ended");
      assert.equal((await ended.json()).code, "ERR_SESSION_ENDED");
      const facts2 = await (await a.call("GET", `/v1/test/sessions/${d.sessionId}`)).json();
      assert.equal(facts2.status, "ended");
      const kid = h.service.keys.current.kid;
      const rotated = await (await a.call("POST", "/v1/test/keys/rotate", {})).json();
      assert.equal(rotated.previous_kid, kid);
      assert.notEqual(rotated.kid, kid);
      const jwks = await (await h.fetch("/.well-known/jwks.json")).json();
      assert.deepEqual(
        jwks.keys.map((k: { kid: string }) => k.kid).sort(),
        [kid, rotated.kid].sort(),
      );
      const client = await (await b.call("GET", "/v1/test/client")).json();
      assert.deepEqual(
        [client.client_id, client.allowed_origins, client.policy.bands],
        ["b", ["https://b.example"], { deny: 80, challenge: 50, trust: 10 }],
      );
    } finally {
      await h.close();
    }
  });
});
