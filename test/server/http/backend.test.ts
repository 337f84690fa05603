// Backend API on the runtime's real server (SPEC §7.2–§7.5): action triggers with session and
// secure tokens, recommendations, results, user clear.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Backend as BackendT, Device as DeviceT, Harness } from "../support/harness.ts";

describe("backend API (SPEC §7)", {
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
  describe("POST /v1/backend/actions (§7.2)", () => {
    it("records an action from a session token; the token fetches its recommendation", async () => {
      const d = await session("a", { attributes: { platform: "browser" } });
      const t = await backend.trigger({
        action_type: "transaction",
        session_token: d.sessionToken,
        correlation_id: "order-17",
        claimed_user_id: "h-bob",
        claimed_user_id_type: "email",
        transaction_data: { amount: 120.5, currency: "EUR" },
        custom_attributes: { tier: "gold" },
        ip: "203.0.113.7",
        user_agent: "curl/8",
      });
      assert.equal(t.status, 201, JSON.stringify(t.json));
      assert.match(t.json.action_id as string, /^a_/);
      assert.equal(t.json.recommendation, undefined);
      const { verifyActionToken } = await import("../../../verify.ts");
      const jwks = await (await h.fetch("/.well-known/jwks.json")).json();
      const at = await verifyActionToken(t.json.action_token as string, {
        issuer: h.url,
        audience: "a",
        jwks,
      });
      assert.equal(at.actionId, t.json.action_id);
      assert.equal(at.action, "transaction");
      const rec = await backend.recommendation(t.json.action_token as string);
      assert.equal(rec.status, 200);
      const { RecommendationSchema } = await import("../../../core/wire/recommendation.ts");
      assert.ok(
        (await import("valibot")).is(RecommendationSchema, rec.json),
        JSON.stringify(rec.json),
      );
      assert.equal(rec.json.id, t.json.action_id);
      const ctx = rec.json.context as Record<string, unknown>;
      assert.equal(ctx.session_id, d.sessionId);
      assert.equal(ctx.device_id, d.deviceId);
      assert.equal(ctx.ip, "203.0.113.7");
      assert.equal(ctx.correlation_id, "order-17");
      assert.equal(ctx.token_kind, "session");
      assert.equal(ctx.key_thumbprint, d.key.jkt);
      assert.equal(ctx.key_assurance, "ephemeral");
      // Browser, no interaction, new device for the claimed user, ephemeral key: 10+25+15+5.
      assert.deepEqual(rec.json.reasons, [
        "NO_INTERACTION",
        "NEW_DEVICE_FOR_USER",
        "EPHEMERAL_KEY",
      ]);
      assert.equal(rec.json.risk_score, 55);
      assert.deepEqual(rec.json.recommendation, { type: "CHALLENGE", result: null });
      assert.equal(rec.json.preview_rule, null);
    });

    it("answers the recommendation inline with ?get_recommendation=true; other values → 400", async () => {
      const d = await session();
      const t = await backend.trigger(
        { action_type: "login", session_token: d.sessionToken },
        "?get_recommendation=true",
      );
      assert.equal(t.status, 201);
      assert.equal((t.json.recommendation as { id: string }).id, t.json.action_id);
      const bad = await backend.trigger(
        { action_type: "login", session_token: d.sessionToken },
        "?get_recommendation=yes",
      );
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, "ERR_INVALID_QUERY");
    });

    it("a secure session token: verified, bound to the action, single use at the service", async () => {
      const d = await session();
      const secure = await d.secure("withdraw");
      const ok = await backend.trigger(
        { action_type: "withdraw", secured_session_token: secure },
        "?get_recommendation=true",
      );
      assert.equal(ok.status, 201, JSON.stringify(ok.json));
      const rec = ok.json.recommendation as Record<string, unknown>;
      assert.equal((rec.context as Record<string, unknown>).token_kind, "secure");
      assert.ok((rec.reasons as string[]).includes("SECURE_TOKEN"));
      const replay = await backend.trigger({
        action_type: "withdraw",
        secured_session_token: secure,
      });
      assert.equal(replay.status, 409);
      assert.equal(replay.json.code, "ERR_REPLAYED");
      // Another action type → 403 ERR_ACTION_MISMATCH, and the token is not burned by it.
      const other = await d.secure("login");
      const mismatch = await backend.trigger({
        action_type: "withdraw",
        secured_session_token: other,
      });
      assert.equal(mismatch.status, 403);
      assert.equal(mismatch.json.code, "ERR_ACTION_MISMATCH");
      assert.equal(
        (await backend.trigger({ action_type: "login", secured_session_token: other })).status,
        201,
      );
    });

    it("rejects secure tokens signed by another key, expired, too long-lived, or tampered", async () => {
      const d = await session();
      const thief = await m.Device.create(h);
      const stolen = await d.secure("login", { key: thief.key }).catch((e) => e);
      // The minting helper refuses a key the session token is not bound to; forge by hand.
      assert.ok(stolen instanceof Error);
      const { mintSecureSessionToken } = await import("../../../adapters/crypto/mint.ts");
      const { deviceSigner } = await import("../../../adapters/crypto/keys.ts");
      const { signToken } = await import("../../../adapters/crypto/mint.ts");
      const { secureToken } = await import("../../../core/token/claims.ts");
      const forged = secureToken({
        alg: "EdDSA",
        jwk: thief.key.jwk,
        tok: d.sessionToken,
        act: "login",
        iat: h.nowS(),
        expirationSeconds: 300,
        jti: "forgedforgedforgedforg",
      });
      const wrongKey = await signToken(deviceSigner(thief.key), forged.header, forged.claims);
      const r1 = await backend.trigger({ action_type: "login", secured_session_token: wrongKey });
      assert.equal(r1.status, 401);
      assert.equal(r1.json.code, "ERR_BINDING_MISMATCH");
      const expiring = await d.secure("login", { expirationSeconds: 60 });
      h.advance(91_000); // 60 s + the 30 s tolerance
      try {
        const r2 = await backend.trigger({ action_type: "login", secured_session_token: expiring });
        assert.equal(r2.status, 401);
        assert.equal(r2.json.code, "ERR_TOKEN_EXPIRED");
      } finally {
        h.advance(-91_000);
      }
      const tooLong = await mintSecureSessionToken(deviceSigner(d.key), {
        sessionToken: d.sessionToken,
        action: "login",
        iat: h.nowS(),
        expirationSeconds: 3600,
        maxExpirationSeconds: 3600,
      });
      const short = await m.startHarness({ limits: { secureTokenMaxS: 600 } });
      try {
        const d2 = await m.Device.create(short);
        await d2.createSession();
        const b2 = await m.Backend.create(short);
        const long = await d2.secure("login", { expirationSeconds: 3600 });
        const r4 = await b2.trigger({ action_type: "login", secured_session_token: long });
        assert.equal(r4.status, 401);
        assert.equal(r4.json.code, "ERR_LIFETIME_EXCEEDED");
      } finally {
        await short.close();
      }
      void tooLong;
      const secure = await d.secure("login");
      const tampered = secure.slice(0, -2) + (secure.endsWith("AA") ? "BA" : "AA");
      const r3 = await backend.trigger({ action_type: "login", secured_session_token: tampered });
      assert.equal(r3.status, 401);
      assert.equal(r3.json.code, "ERR_SIGNATURE_INVALID");
      // The genuine one still works (a failed presentation never burns a token).
      assert.equal(
        (await backend.trigger({ action_type: "login", secured_session_token: secure })).status,
        201,
      );
    });

    it("validates the body: exactly one token, action types, claimed ids, amounts, attributes", async () => {
      const d = await session();
      const bodies: Record<string, unknown>[] = [
        { action_type: "login" },
        {
          action_type: "login",
          session_token: d.sessionToken,
          secured_session_token: d.sessionToken,
        },
        { action_type: "Login", session_token: d.sessionToken },
        { action_type: "login", session_token: d.sessionToken, claimed_user_id_type: "email" },
        {
          action_type: "pay",
          session_token: d.sessionToken,
          transaction_data: { amount: 0, currency: "EUR" },
        },
        {
          action_type: "pay",
          session_token: d.sessionToken,
          transaction_data: { amount: 1, currency: "eur" },
        },
        { action_type: "pay", session_token: d.sessionToken, custom_attributes: { a: { b: 1 } } },
        { action_type: "pay", session_token: d.sessionToken, ip: "999.1.1.1" },
      ];
      for (const body of bodies) {
        const r = await backend.trigger(body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.code, "ERR_INVALID_BODY");
      }
    });

    it("a session the service no longer has → 404 ERR_SESSION_UNKNOWN, and a secure token is not burned", async () => {
      // Idle 60 s and no retention: the session is gone while its tokens are still valid.
      const brief = await m.startHarness({ limits: { sessionIdleS: 60, retentionS: 0 } });
      try {
        const d = await m.Device.create(brief);
        await d.createSession();
        const b = await m.Backend.create(brief);
        const secure = await d.secure("login");
        brief.advance(61_000);
        const viaSession = await b.trigger({ action_type: "login", session_token: d.sessionToken });
        assert.equal(viaSession.status, 404, JSON.stringify(viaSession.json));
        assert.equal(viaSession.json.code, "ERR_SESSION_UNKNOWN");
        const viaSecure = await b.trigger({ action_type: "login", secured_session_token: secure });
        assert.equal(viaSecure.status, 404);
        assert.equal(viaSecure.json.code, "ERR_SESSION_UNKNOWN");
        // Its jti was not consumed by the refused presentation.
        const { replayKey } = await import("../../../core/token/checks.ts");
        const { REPLAY_PREFIX } = await import("../../../adapters/server/tokens.ts");
        const { decodeBase64Url } = await import("../../../core/token/base64url.ts");
        const jti =
          JSON.parse(new TextDecoder().decode(decodeBase64Url(secure.split(".")[1]!)!)).jti;
        const key = REPLAY_PREFIX +
          replayKey({ kind: "secure", issuer: brief.url, audience: "a", jti });
        assert.equal(await brief.service.store.consume(key, Date.now() + 60_000), true);
      } finally {
        await brief.close();
      }
    });
  });

  describe("POST /v1/backend/actions/result (§7.4) and users/clear (§7.5)", () => {
    it("a successful login result with a user id sets the session's user and links the device", async () => {
      const d = await session();
      const login = await backend.trigger({
        action_type: "login",
        session_token: d.sessionToken,
        claimed_user_id: "alice",
      });
      const before1 = await backend.recommendation(login.json.action_token as string);
      assert.ok((before1.json.reasons as string[]).includes("NEW_DEVICE_FOR_USER"));
      const r = await m.read(
        await backend.call("POST", "/v1/backend/actions/result", {
          action_token: login.json.action_token,
          result: "success",
          user_id: "alice",
          challenge_type: "passkey",
        }),
      );
      assert.equal(r.status, 201);
      assert.deepEqual(r.json, { ok: true });
      const after1 = await backend.recommendation(login.json.action_token as string);
      assert.deepEqual(after1.json.recommendation, {
        type: before1.json.recommendation && (after1.json.recommendation as { type: string }).type,
        result: "success",
        challenge_type: "passkey",
      });
      assert.equal((after1.json.context as { user_id: string }).user_id, "alice");
      // The session's user is now alice (telemetry and refresh echo it).
      await d.config();
      assert.equal((await m.read(await d.refreshRaw())).json.user_id, "alice");
      // A secure-token action for alice on this device: known device, no NEW_DEVICE_FOR_USER.
      const secure = await backend.trigger({
        action_type: "transaction",
        secured_session_token: await d.secure("transaction"),
      }, "?get_recommendation=true");
      const rec = secure.json.recommendation as {
        reasons: string[];
        recommendation: { type: string };
        risk_score: number;
      };
      assert.ok(!rec.reasons.includes("NEW_DEVICE_FOR_USER"), JSON.stringify(rec));
      // 10 + 5 (ephemeral) − 10 (secure) = 5 ≤ 10, secure, known device → TRUST.
      assert.equal(rec.risk_score, 5);
      assert.equal(rec.recommendation.type, "TRUST");
      // The latest result wins.
      await backend.call("POST", "/v1/backend/actions/result", {
        action_token: login.json.action_token,
        result: "failure",
      });
      assert.equal(
        ((await backend.recommendation(login.json.action_token as string)).json.recommendation as {
          result: string;
        }).result,
        "failure",
      );
    });

    it("a result on a non-login action applies the user to that action only", async () => {
      const d = await session();
      const t = await backend.trigger({
        action_type: "transaction",
        session_token: d.sessionToken,
      });
      await backend.call("POST", "/v1/backend/actions/result", {
        action_token: t.json.action_token,
        result: "success",
        user_id: "carol",
      });
      const rec = await backend.recommendation(t.json.action_token as string);
      assert.equal((rec.json.context as { user_id: string }).user_id, "carol");
      await d.config();
      assert.equal((await m.read(await d.refreshRaw())).json.user_id, null);
    });

    it("result errors: bad body 400, unknown action 404, another client's token 403", async () => {
      const bad = await m.read(
        await backend.call("POST", "/v1/backend/actions/result", {
          action_token: "x.y.z",
          result: "maybe",
        }),
      );
      assert.equal(bad.status, 400);
      const d = await session("b");
      const bBackend = await m.Backend.create(h, "b");
      const t = await bBackend.trigger({ action_type: "login", session_token: d.sessionToken });
      const cross = await m.read(
        await backend.call("POST", "/v1/backend/actions/result", {
          action_token: t.json.action_token,
          result: "success",
        }),
      );
      assert.equal(cross.status, 403);
      assert.equal(cross.json.code, "ERR_FORBIDDEN");
    });

    it("users/clear with a session token or a secure token (consumed)", async () => {
      const d = await session("a", { user_id: "dave" });
      const r = await m.read(
        await backend.call("POST", "/v1/backend/users/clear", { session_token: d.sessionToken }),
      );
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { ok: true });
      await d.config();
      assert.equal((await m.read(await d.refreshRaw())).json.user_id, null);
      const secure = await d.secure("logout");
      const viaSecure = await backend.call("POST", "/v1/backend/users/clear", {
        secured_session_token: secure,
        action_type: "logout",
      });
      assert.equal(viaSecure.status, 200);
      const replay = await m.read(
        await backend.call("POST", "/v1/backend/users/clear", {
          secured_session_token: secure,
          action_type: "logout",
        }),
      );
      assert.equal(replay.json.code, "ERR_REPLAYED");
      const noAction = await backend.call("POST", "/v1/backend/users/clear", {
        secured_session_token: await d.secure("logout"),
      });
      assert.equal(noAction.status, 400);
    });
  });

  describe("GET /v1/backend/recommendation (§7.3)", () => {
    it("an action the store no longer holds → 404 ERR_ACTION_UNKNOWN (recommendation and result)", async () => {
      const { MemoryStore } = await import("../../../adapters/store/memory.ts");
      const small = await m.startHarness({ store: new MemoryStore({ maxActions: 1 }) });
      try {
        const d = await m.Device.create(small);
        await d.createSession();
        const b = await m.Backend.create(small);
        const first = await b.trigger({ action_type: "login", session_token: d.sessionToken });
        await b.trigger({ action_type: "checkout", session_token: d.sessionToken }); // evicts the first
        const rec = await b.recommendation(first.json.action_token as string);
        assert.equal(rec.status, 404);
        assert.equal(rec.json.code, "ERR_ACTION_UNKNOWN");
        const result = await m.read(
          await b.call("POST", "/v1/backend/actions/result", {
            action_token: first.json.action_token,
            result: "success",
          }),
        );
        assert.equal(result.status, 404);
        assert.equal(result.json.code, "ERR_ACTION_UNKNOWN");
      } finally {
        await small.close();
      }
    });

    it("errors: missing token 400, malformed 401, expired 401, unknown action 404", async () => {
      const missing = await m.read(await backend.call("GET", "/v1/backend/recommendation"));
      assert.equal(missing.status, 400);
      assert.equal(missing.json.code, "ERR_INVALID_QUERY");
      const malformed = await backend.recommendation("aaa.bbb.ccc");
      assert.equal(malformed.status, 401);
      const d = await session();
      const t = await backend.trigger({ action_type: "login", session_token: d.sessionToken });
      h.advance(3600_000 + 31_000);
      try {
        const fresh = await m.Backend.create(h);
        const expired = await fresh.recommendation(t.json.action_token as string);
        assert.equal(expired.status, 401);
        assert.equal(expired.json.code, "ERR_TOKEN_EXPIRED");
      } finally {
        h.advance(-3600_000 - 31_000);
      }
    });
  });
});
