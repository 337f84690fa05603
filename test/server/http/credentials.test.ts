// Backend API on the runtime's real server (SPEC §7.0, §7.1, §7.9): client credentials,
// access-token authentication, rate limits, JWKS and discovery.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Backend as BackendT, Device as DeviceT, Harness } from "../support/harness.ts";

describe("backend API: credentials and public documents (SPEC §7.0, §7.1, §7.9)", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  let h: Harness;
  let m: typeof import("../support/harness.ts");
  let backend: BackendT;
  before(async () => {
    m = await import("../support/harness.ts");
    h = await m.startHarness();
    backend = await m.Backend.create(h);
  });
  after(() => h.close());
  const session = async (clientId = "a", body: Record<string, unknown> = {}): Promise<DeviceT> => {
    const d = await m.Device.create(h, clientId);
    await d.createSession(body);
    return d;
  };
  const form = (body: string, headers: Record<string, string> = {}) =>
    h.fetch("/v1/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    });

  describe("POST /v1/oauth/token (§7.1)", () => {
    it("issues an access token for Basic or form credentials", async () => {
      const basic = await m.read(
        await form("grant_type=client_credentials", {
          authorization: `Basic ${btoa(`a:${m.SECRET_A}`)}`,
        }),
      );
      assert.equal(basic.status, 200);
      assert.equal(basic.json.token_type, "Bearer");
      assert.equal(basic.json.expires_in, 3600);
      assert.equal(basic.json.scope, "backend");
      assert.equal(basic.headers.get("cache-control"), "no-store");
      const viaForm = await m.read(
        await form(`grant_type=client_credentials&client_id=b&client_secret=${m.SECRET_B}`),
      );
      assert.equal(viaForm.status, 200);
      const { verifyAccessToken } = await import("../../../verify.ts");
      const jwks = await (await h.fetch("/.well-known/jwks.json")).json();
      const access = await verifyAccessToken(viaForm.json.access_token as string, {
        issuer: h.url,
        jwks,
      });
      assert.equal(access.clientId, "b");
    });

    it("unknown client and wrong secret are the same 401; bad grant → 400; both methods → 400", async () => {
      for (
        const body of [
          `grant_type=client_credentials&client_id=a&client_secret=wrong`,
          `grant_type=client_credentials&client_id=zz&client_secret=${m.SECRET_A}`,
          "grant_type=client_credentials",
        ]
      ) {
        const r = await m.read(await form(body));
        assert.equal(r.status, 401, body);
        assert.equal(r.json.code, "ERR_UNAUTHENTICATED");
        assert.equal(
          r.json.message === "invalid client credentials" ||
            r.json.message === "client credentials are required",
          true,
        );
        assert.match(r.headers.get("www-authenticate") ?? "", /^Basic/);
      }
      const grant = await m.read(
        await form(`grant_type=password&client_id=a&client_secret=${m.SECRET_A}`),
      );
      assert.equal(grant.status, 400);
      assert.equal(grant.json.code, "ERR_INVALID_BODY");
      const both = await m.read(
        await form(`grant_type=client_credentials&client_id=a&client_secret=${m.SECRET_A}`, {
          authorization: `Basic ${btoa(`a:${m.SECRET_A}`)}`,
        }),
      );
      assert.equal(both.status, 400);
      const json = await h.fetch("/v1/oauth/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(json.status, 415);
      const badBasic = await m.read(
        await form("grant_type=client_credentials", { authorization: "Basic !!!" }),
      );
      assert.equal(badBasic.status, 401);
    });

    it("rate-limits token requests per IP with 429 and Retry-After", async () => {
      const limited = await m.startHarness({ rateLimits: { tokenPerIpPerMinute: 3 } });
      try {
        const statuses: number[] = [];
        let last: Response | null = null;
        for (let i = 0; i < 5; i++) {
          last = await limited.fetch("/v1/oauth/token", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "grant_type=client_credentials&client_id=a&client_secret=nope",
          });
          statuses.push(last.status);
          if (i < 4) await last.body?.cancel();
        }
        assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
        const retry = Number(last!.headers.get("retry-after"));
        assert.ok(retry >= 1 && retry <= 60, String(retry));
        assert.equal((await last!.json()).code, "ERR_RATE_LIMITED");
      } finally {
        await limited.close();
      }
    });
  });

  describe("authentication of the backend API (§7.0)", () => {
    it("requires a valid Bearer access token", async () => {
      const d = await session();
      const body = { action_type: "login", session_token: d.sessionToken };
      const cases: [Record<string, string>, string][] = [
        [{}, "missing"],
        [{ authorization: "Basic abc" }, "wrong scheme"],
        [{ authorization: "Bearer not.a.token" }, "malformed"],
        [{ authorization: `Bearer ${d.sessionToken}` }, "a session token"],
        [{ authorization: `Bearer ${backend.token.slice(0, -3)}AAA` }, "bad signature"],
      ];
      for (const [headers, label] of cases) {
        const r = await h.fetch("/v1/backend/actions", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
        assert.equal(r.status, 401, label);
        const json = await r.json();
        assert.equal(json.code, "ERR_UNAUTHENTICATED", label);
        assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/, label);
      }
    });

    it("an expired access token is refused", async () => {
      h.advance(3600_000 + 31_000);
      try {
        const r = await m.read(await backend.call("GET", "/v1/backend/rules"));
        assert.equal(r.status, 401);
        assert.equal((r.json.details as { cause: string }).cause, "ERR_TOKEN_EXPIRED");
      } finally {
        h.advance(-3600_000 - 31_000);
      }
    });
  });

  describe("well-known documents (§7.9)", () => {
    it("publishes the JWKS with Cache-Control and the discovery document", async () => {
      const j = await h.fetch("/.well-known/jwks.json");
      assert.equal(j.status, 200);
      assert.equal(j.headers.get("cache-control"), "public, max-age=300");
      const { JwksSchema, DiscoverySchema } = await import("../../../core/wire/recommendation.ts");
      const v = await import("valibot");
      assert.ok(v.is(JwksSchema, await j.json()));
      const d = await m.read(await h.fetch("/.well-known/device-session"));
      assert.ok(v.is(DiscoverySchema, d.json));
      assert.equal(d.json.issuer, h.url);
      assert.equal(d.json.jwks_uri, `${h.url}/.well-known/jwks.json`);
      assert.equal(d.json.token_endpoint, `${h.url}/v1/oauth/token`);
      assert.deepEqual(d.json.versions, [1]);
    });
  });
});
