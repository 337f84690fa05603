// Device API on the runtime's real server (SPEC §6): config, session create and refresh with
// device proofs and nonces, CORS, and every error path.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Device as DeviceT, Harness } from "../support/harness.ts";

describe("device API (SPEC §6)", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  let h: Harness;
  let m: typeof import("../support/harness.ts");
  before(async () => {
    m = await import("../support/harness.ts");
    h = await m.startHarness();
  });
  after(() => h.close());
  const device = (clientId = "a", alg: "EdDSA" | "ES256" = "EdDSA"): Promise<DeviceT> =>
    m.Device.create(h, clientId, alg);

  describe("GET /v1/device/config (§6.1)", () => {
    it("answers the configuration with time and a fresh nonce (body and DS-Nonce)", async () => {
      const r = await h.fetch("/v1/device/config?client_id=a");
      const { status, json, headers } = await m.read(r);
      assert.equal(status, 200);
      assert.equal(json.ver, 1);
      assert.equal(json.client_id, "a");
      assert.equal(json.issuer, h.url);
      assert.deepEqual(json.algorithms, ["EdDSA", "ES256"]);
      assert.equal(json.token_lifetime_s, 900);
      assert.equal(json.secure_token_max_s, 3600);
      assert.equal(json.session_absolute_s, 86400);
      assert.equal(json.session_idle_s, 1800);
      assert.deepEqual(json.telemetry, {
        max_batch_events: 100,
        max_batch_bytes: 61440,
        max_event_bytes: 4096,
      });
      assert.equal(typeof json.nonce, "string");
      assert.equal(headers.get("ds-nonce"), json.nonce);
      assert.ok(Math.abs((json.time as number) - h.nowS()) <= 1);
      assert.equal(headers.get("cache-control"), "no-store");
    });

    it("validates the core/wire ConfigResponse schema", async () => {
      const { ConfigResponseSchema } = await import("../../../core/wire/device.ts");
      const v = await import("valibot");
      const { json } = await m.read(await h.fetch("/v1/device/config?client_id=b"));
      assert.ok(v.is(ConfigResponseSchema, json));
    });

    it("unknown client → 404 ERR_CLIENT_UNKNOWN; missing or invalid client_id → 400 ERR_INVALID_QUERY", async () => {
      const cases: [string, number, string][] = [
        ["/v1/device/config?client_id=zzz", 404, "ERR_CLIENT_UNKNOWN"],
        ["/v1/device/config", 400, "ERR_INVALID_QUERY"],
        ["/v1/device/config?client_id=a%20b", 400, "ERR_INVALID_QUERY"],
        [`/v1/device/config?client_id=${"x".repeat(129)}`, 400, "ERR_INVALID_QUERY"],
      ];
      for (const [path, status, code] of cases) {
        const { status: s, json } = await m.read(await h.fetch(path));
        assert.equal(s, status, path);
        assert.equal(json.code, code, path);
        assert.equal(typeof json.message, "string");
        assert.equal(typeof json.time, "number");
      }
    });

    it("POST → 405 with Allow; unknown path → 404 ERR_NOT_FOUND", async () => {
      const r = await h.fetch("/v1/device/config?client_id=a", { method: "POST" });
      assert.equal(r.status, 405);
      assert.match(r.headers.get("allow") ?? "", /GET/);
      assert.equal((await r.json()).code, "ERR_METHOD_NOT_ALLOWED");
      const n = await h.fetch("/v1/device/nothing");
      assert.equal(n.status, 404);
      assert.equal((await n.json()).code, "ERR_NOT_FOUND");
    });
  });

  describe("POST /v1/device/sessions (§6.2)", () => {
    it("creates a session (Ed25519 and ES256 device keys) and answers 201 with a verifiable token", async () => {
      const { verifySessionToken } = await import("../../../verify.ts");
      for (const alg of ["EdDSA", "ES256"] as const) {
        const d = await device("a", alg);
        const r = await d.createRaw({
          user_id: "u-1",
          attributes: { platform: "browser", automation: false },
        });
        const { status, json, headers } = await m.read(r);
        assert.equal(status, 201, JSON.stringify(json));
        assert.match(json.session_id as string, /^s_[A-Za-z0-9_-]{22}$/);
        assert.match(json.device_id as string, /^d_[A-Za-z0-9_-]{22}$/);
        assert.equal(json.user_id, "u-1");
        assert.equal(json.idle_timeout_s, 1800);
        assert.equal(json.token_expires_at, (json.time as number) + 900);
        assert.equal(json.session_expires_at, (json.time as number) + 86400);
        assert.equal(headers.get("ds-nonce"), json.nonce);
        const jwks = await (await h.fetch("/.well-known/jwks.json")).json();
        const s = await verifySessionToken(json.session_token as string, {
          issuer: h.url,
          audience: "a",
          jwks,
        });
        assert.equal(s.sessionId, json.session_id);
        assert.equal(s.deviceId, json.device_id);
        assert.equal(s.jkt, d.key.jkt);
      }
    });

    it("keeps a known device id for its own key only; another key gets a new id; an unknown id gets a new one", async () => {
      const d1 = await device();
      await d1.createSession();
      // Same device id, same key → kept.
      const same = await m.read(await d1.createRaw({ device_id: d1.deviceId }));
      assert.equal(same.json.device_id, d1.deviceId);
      // Same device id, another key → a new device (the id is bound to its key, §6.2).
      const other = await device();
      const changed = await m.read(
        await other.createRaw({ device_id: d1.deviceId, key_event: "lost" }),
      );
      assert.equal(changed.status, 201);
      assert.notEqual(changed.json.device_id, d1.deviceId);
      // Unknown id → a fresh one.
      const fresh = await m.read(await other.createRaw({ device_id: "d_unknownunknownunknown0" }));
      assert.notEqual(fresh.json.device_id, "d_unknownunknownunknown0");
      // Another client's device id is unknown to this client (isolation).
      const b = await device("b");
      const cross = await m.read(await b.createRaw({ device_id: d1.deviceId }));
      assert.equal(cross.status, 201);
      assert.notEqual(cross.json.device_id, d1.deviceId);
    });

    it("rejects bad bodies with 400 ERR_INVALID_BODY", async () => {
      const d = await device();
      const bodies: Record<string, unknown>[] = [
        { key_assurance: "sometimes" },
        { key_event: "stolen" },
        { client_id: 7 },
        { user_id: "" },
        { user_id: "a\u0000b" },
        { device_id: "has space" },
        { attributes: { nested: { x: 1 } } },
        { attributes: [1, 2] },
      ];
      for (const body of bodies) {
        const { status, json } = await m.read(await d.createRaw(body));
        assert.equal(status, 400, JSON.stringify(body));
        assert.equal(json.code, "ERR_INVALID_BODY");
      }
    });

    it("maps proof failures to their SPEC §5.2 codes", async () => {
      const d = await device();
      await d.config();
      const path = "/v1/device/sessions";
      const other = await device();
      const cases: [string, () => Promise<string>, string][] = [
        ["wrong htu", () => d.proof("/v1/device/sessionz"), "ERR_PROOF_TARGET_MISMATCH"],
        ["wrong htm", () => d.proof(path, { htm: "PUT" }), "ERR_PROOF_TARGET_MISMATCH"],
        ["stale iat", () => d.proof(path, { iat: h.nowS() - 61 }), "ERR_TOKEN_EXPIRED"],
        ["future iat", () => d.proof(path, { iat: h.nowS() + 11 }), "ERR_TOKEN_NOT_YET_VALID"],
        [
          "unknown nonce",
          () => d.proof(path, { nonce: "zzzz.AAAAAAAAAAAAAAAAAAAAAA" }),
          "ERR_NONCE_INVALID",
        ],
        ["not a JWS", () => Promise.resolve("not-a-token"), "ERR_TOKEN_MALFORMED"],
        [
          "a session token as proof",
          () => Promise.resolve(d.sessionToken || "a.b.c"),
          "ERR_TOKEN_MALFORMED",
        ],
        ["tampered signature", async () => {
          const p = await other.proof(path, { nonce: d.nonce });
          return p.slice(0, -4) + (p.endsWith("AAAA") ? "BBBB" : "AAAA");
        }, "ERR_SIGNATURE_INVALID"],
      ];
      for (const [label, make, code] of cases) {
        const { status, json } = await m.read(await d.createRaw({}, await make()));
        assert.equal(status, 401, label);
        assert.equal(json.code, code, label);
      }
      const missing = await h.fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: "a", key_assurance: "ephemeral", key_event: "none" }),
      });
      assert.equal(missing.status, 401);
      assert.equal((await missing.json()).code, "ERR_TOKEN_MALFORMED");
    });

    it("a stale nonce answers ERR_NONCE_INVALID with a fresh nonce in details and DS-Nonce", async () => {
      const d = await device();
      await d.config();
      const old = d.nonce;
      h.advance(301_000);
      try {
        const r = await m.read(
          await d.createRaw({}, await d.proof("/v1/device/sessions", { nonce: old })),
        );
        assert.equal(r.status, 401);
        assert.equal(r.json.code, "ERR_NONCE_INVALID");
        const fresh = (r.json.details as { nonce: string }).nonce;
        assert.equal(r.headers.get("ds-nonce"), fresh);
        // Retrying with it succeeds.
        const ok = await d.createRaw({}, await d.proof("/v1/device/sessions", { nonce: fresh }));
        assert.equal(ok.status, 201);
      } finally {
        h.advance(-301_000);
      }
    });

    it("a proof is single-use: the same proof twice → ERR_REPLAYED", async () => {
      const d = await device();
      await d.config();
      const proof = await d.proof("/v1/device/sessions");
      assert.equal((await d.createRaw({}, proof)).status, 201);
      const again = await m.read(await d.createRaw({}, proof));
      assert.equal(again.status, 409);
      assert.equal(again.json.code, "ERR_REPLAYED");
    });

    it("unknown client → 404; wrong content type → 415; oversize → 413", async () => {
      const d = await device("nobody");
      const { json } = await m.read(
        await m.Device.create(h).then(async (x) => {
          await x.config();
          return x.createRaw({ client_id: "nobody" });
        }),
      );
      assert.equal(json.code, "ERR_CLIENT_UNKNOWN");
      void d;
      const ct = await h.fetch("/v1/device/sessions", {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: "<x/>",
      });
      assert.equal(ct.status, 415);
      assert.equal((await ct.json()).code, "ERR_UNSUPPORTED_MEDIA_TYPE");
      const big = await h.fetch("/v1/device/sessions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(70_000) }),
      });
      assert.equal(big.status, 413);
      assert.equal((await big.json()).code, "ERR_BODY_TOO_LARGE");
    });
  });

  describe("POST /v1/device/sessions/{id}/refresh (§6.3)", () => {
    it("answers a new token for the same session, bound to the same key", async () => {
      const d = await device();
      const created = await d.createSession({ user_id: "u-7" });
      const { status, json } = await m.read(await d.refreshRaw());
      assert.equal(status, 200, JSON.stringify(json));
      assert.notEqual(json.session_token, created.session_token);
      assert.equal(json.session_expires_at, created.session_expires_at);
      assert.equal(json.user_id, "u-7");
      assert.equal(typeof json.nonce, "string");
      const { RefreshResponseSchema } = await import("../../../core/wire/device.ts");
      assert.ok((await import("valibot")).is(RefreshResponseSchema, json));
    });

    it("another key → 401 ERR_KEY_MISMATCH; unknown session → 404; ended → 410", async () => {
      const d = await device();
      await d.createSession();
      const other = await device();
      const path = `/v1/device/sessions/${d.sessionId}/refresh`;
      const mismatch = await m.read(
        await d.refreshRaw({ proof: await d.proof(path, { key: other.key }) }),
      );
      assert.equal(mismatch.status, 401);
      assert.equal(mismatch.json.code, "ERR_KEY_MISMATCH");
      const unknownPath = "/v1/device/sessions/s_doesnotexistdoesnotexi/refresh";
      const unknown = await m.read(
        await d.refreshRaw({
          sessionId: "s_doesnotexistdoesnotexi",
          proof: await d.proof(unknownPath),
        }),
      );
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.code, "ERR_SESSION_UNKNOWN");
      // Idle lifetime: 1800 s without requests.
      h.advance(1801_000);
      try {
        await d.config();
        const ended = await m.read(await d.refreshRaw());
        assert.equal(ended.status, 410);
        assert.equal(ended.json.code, "ERR_SESSION_ENDED");
      } finally {
        h.advance(-1801_000);
      }
    });

    it("ends at the absolute lifetime even while active", async () => {
      const d = await device();
      await d.createSession();
      const step = 1700_000;
      let moved = 0;
      try {
        // Refresh every 1700 s (never idle) until past 86400 s.
        while (moved + step < 86_400_000) {
          h.advance(step);
          moved += step;
          await d.config();
          assert.equal((await d.refreshRaw()).status, 200, `at ${moved / 1000} s`);
        }
        h.advance(86_400_000 - moved);
        moved = 86_400_000;
        await d.config();
        const ended = await m.read(await d.refreshRaw());
        assert.equal(ended.status, 410);
      } finally {
        h.advance(-moved);
      }
    });

    it("a refresh body that is not a JSON object → 400; the proof must name this path", async () => {
      const d = await device();
      await d.createSession();
      const path = `/v1/device/sessions/${d.sessionId}/refresh`;
      const bad = await h.fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", "ds-proof": await d.proof(path) },
        body: "[1]",
      });
      assert.equal(bad.status, 400);
      const wrongPath = await m.read(
        await d.refreshRaw({ proof: await d.proof("/v1/device/sessions") }),
      );
      assert.equal(wrongPath.json.code, "ERR_PROOF_TARGET_MISMATCH");
    });
  });

  describe("CORS (§6.0)", () => {
    it("answers preflights for an allowed origin and refuses others", async () => {
      const ok = await h.fetch("/v1/device/sessions", {
        method: "OPTIONS",
        headers: {
          origin: "https://a.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, ds-proof",
        },
      });
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://a.example");
      assert.match(ok.headers.get("access-control-allow-headers") ?? "", /ds-proof/);
      const no = await h.fetch("/v1/device/sessions", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example" },
      });
      assert.equal(no.status, 403);
      assert.equal(no.headers.get("access-control-allow-origin"), null);
    });

    it("lets a client's own origin read answers (exposing DS-Nonce) and forbids other origins", async () => {
      const ok = await h.fetch("/v1/device/config?client_id=a", {
        headers: { origin: "https://a.example" },
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://a.example");
      assert.match(ok.headers.get("access-control-expose-headers") ?? "", /ds-nonce/);
      const cross = await h.fetch("/v1/device/config?client_id=a", {
        headers: { origin: "https://b.example" },
      });
      assert.equal(cross.status, 403);
      assert.equal((await cross.json()).code, "ERR_FORBIDDEN");
      assert.equal(cross.headers.get("access-control-allow-origin"), null);
    });
  });
});
