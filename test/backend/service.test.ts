// The backend client and the middlewares against the REAL service, in process: the client's
// `fetch` is the service's handler. A device with a real key creates its session through the
// device API, then mints secure tokens; the backend verifies them locally and forwards them
// (SPEC §5.7.3: one use at each party).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  type BackendClient,
  createBackendClient,
  createMemoryReplayStore,
  DeviceSessionError,
  secureTokenMiddleware,
} from "../../backend.ts";
import type { Jwks } from "../../core/mod.ts";

const serverOnly = { skip: typeof window !== "undefined" && "needs a server runtime" };
const BASE = "https://risk.example.com";
const SECRET = "backend-client-test-secret";

type Handler = { fetch(request: Request): Promise<Response> };

async function startService(): Promise<Handler & { close(): Promise<void> }> {
  const { createService } = await import("../../adapters/server/mod.ts");
  return createService({
    publicUrl: BASE,
    clients: [{ id: "demo", secret: SECRET }, { id: "other", secret: SECRET }],
    log: null,
    rateLimits: false,
  });
}

function clientOf(service: () => Handler, clientId = "demo", secret = SECRET): BackendClient {
  return createBackendClient({
    baseUrl: BASE,
    clientId,
    clientSecret: secret,
    fetch: (input, init) => service().fetch(new Request(input, init)),
  });
}

/** A device: a real key, a session created with a device proof, secure tokens on demand. */
async function deviceOf(service: Handler) {
  const { deviceSigner, generateDeviceKey } = await import("../../adapters/crypto/keys.ts");
  const { mintDeviceProof, mintSecureSessionToken } = await import("../../adapters/crypto/mint.ts");
  const signer = deviceSigner(await generateDeviceKey({ alg: "EdDSA" }));
  const config = await (await service.fetch(new Request(`${BASE}/v1/device/config?client_id=demo`)))
    .json() as { nonce: string };
  const htu = `${BASE}/v1/device/sessions`;
  const res = await service.fetch(
    new Request(htu, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "ds-proof": await mintDeviceProof(signer, { htm: "POST", htu, nonce: config.nonce }),
      },
      body: JSON.stringify({ client_id: "demo", key_assurance: "ephemeral", key_event: "created" }),
    }),
  );
  const session = await res.json() as {
    session_token: string;
    device_id: string;
    session_id: string;
  };
  assert.equal(res.status, 201, JSON.stringify(session));
  return {
    ...session,
    secure: (action: string) =>
      mintSecureSessionToken(signer, { sessionToken: session.session_token, action }),
  };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof DeviceSessionError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

describe("backend client against the real service (in process)", serverOnly, () => {
  it("actions: trigger, recommendation, result, clear user", async () => {
    const service = await startService();
    try {
      const backend = clientOf(() => service);
      const device = await deviceOf(service);
      const a = await backend.triggerAction({
        sessionToken: device.session_token,
        actionType: "login",
        claimedUserId: "u-hash-1",
        claimedUserIdType: "account_id",
        customAttributes: { tier: "gold" },
        ip: "203.0.113.7",
        userAgent: "test/1",
        getRecommendation: true,
      });
      assert.match(a.actionId, /^a_/);
      assert.ok(a.recommendation);
      assert.equal(a.recommendation.id, a.actionId);
      assert.equal(a.recommendation.context.deviceId, device.device_id);
      const rec = await backend.getRecommendation(a.actionToken);
      assert.equal(rec.recommendation.type, a.recommendation.recommendation.type);
      await backend.reportActionResult({
        actionToken: a.actionToken,
        result: "success",
        userId: "u-1",
      });
      const after = await backend.getRecommendation(a.actionToken);
      assert.equal(after.recommendation.result, "success");
      await backend.clearUser({ sessionToken: device.session_token });
      await backend.clearUser({
        securedSessionToken: await device.secure("logout"),
        actionType: "logout",
      });
      assert.equal(backend.tokenRequests, 1);
    } finally {
      await service.close();
    }
  });

  it("secure tokens: forwarded once; replay is 409, another action 403", async () => {
    const service = await startService();
    try {
      const backend = clientOf(() => service);
      const device = await deviceOf(service);
      const token = await device.secure("transaction");
      await rejectsWith(
        backend.triggerAction({ securedSessionToken: token, actionType: "withdraw" }),
        "ERR_ACTION_MISMATCH",
      );
      const input = {
        securedSessionToken: token,
        actionType: "transaction",
        transactionData: { amount: 120.5, currency: "EUR" },
      };
      const r = await backend.triggerAction(input);
      const rec = await backend.getRecommendation(r.actionToken);
      assert.ok(rec.reasons.includes("SECURE_TOKEN"), rec.reasons.join());
      await rejectsWith(backend.triggerAction(input), "ERR_REPLAYED");
    } finally {
      await service.close();
    }
  });

  it("another client's tokens and actions are not ours", async () => {
    const service = await startService();
    try {
      const device = await deviceOf(service);
      const other = clientOf(() => service, "other");
      await rejectsWith(
        other.triggerAction({ sessionToken: device.session_token, actionType: "login" }),
        "ERR_FORBIDDEN",
      );
      const { actionToken } = await clientOf(() => service).triggerAction({
        sessionToken: device.session_token,
        actionType: "login",
      });
      await rejectsWith(other.getRecommendation(actionToken), "ERR_FORBIDDEN");
    } finally {
      await service.close();
    }
  });

  it("rules CRUD, with 409 ERR_CONFLICT for a duplicate priority", async () => {
    const service = await startService();
    try {
      const backend = clientOf(() => service);
      const input = {
        name: "block-net",
        priority: 10,
        enabled: true,
        mode: "production" as const,
        match: { ipCidrs: ["198.51.100.0/24"] },
        recommendation: "DENY" as const,
      };
      const rule = await backend.createRule(input);
      assert.deepEqual({ ...rule, id: undefined }, { ...input, id: undefined });
      await rejectsWith(backend.createRule({ ...input, name: "dup" }), "ERR_CONFLICT");
      assert.deepEqual(await backend.listRules(), [rule]);
      assert.deepEqual(await backend.getRule(rule.id), rule);
      const updated = await backend.updateRule(rule.id, { ...rule, enabled: false });
      assert.equal(updated.enabled, false);
      await backend.deleteRule(rule.id);
      assert.deepEqual(await backend.listRules(), []);
      await assert.rejects(
        backend.getRule(rule.id),
        (e) => e instanceof DeviceSessionError && e.status === 404,
      );
    } finally {
      await service.close();
    }
  });

  it("wrong secret: ERR_UNAUTHENTICATED", async () => {
    const service = await startService();
    try {
      await rejectsWith(
        clientOf(() => service, "demo", "wrong").listRules(),
        "ERR_UNAUTHENTICATED",
      );
    } finally {
      await service.close();
    }
  });

  it("a token the service no longer knows (new keys): renews once and retries", async () => {
    const first = await startService();
    const second = await startService();
    try {
      let current: Handler = first;
      const backend = clientOf(() => current);
      await backend.listRules();
      current = second; // another instance with other keys: the cached token is refused (401)
      assert.deepEqual(await backend.listRules(), []);
      assert.equal(backend.tokenRequests, 2);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe("middleware + client against the real service (SPEC §5.7.3)", serverOnly, () => {
  it("the backend verifies and consumes, the service consumes again; each counts once", async () => {
    const service = await startService();
    try {
      const backend = clientOf(() => service);
      const device = await deviceOf(service);
      const jwks = await (await service.fetch(new Request(`${BASE}/.well-known/jwks.json`)))
        .json() as Jwks;
      const app = new Hono();
      app.post(
        "/pay",
        secureTokenMiddleware({
          issuer: BASE,
          audience: "demo",
          jwks,
          actionType: "transaction",
          replayStore: createMemoryReplayStore(),
        }),
        async (c) => {
          const { token, result } = c.get("deviceSession");
          assert.equal(result.deviceId, device.device_id);
          const action = await backend.triggerAction({
            securedSessionToken: token,
            actionType: "transaction",
            getRecommendation: true,
          });
          return c.json({ type: action.recommendation!.recommendation.type });
        },
      );
      const token = await device.secure("transaction");
      const pay = () =>
        app.request("/pay", { method: "POST", headers: { "DS-Secure-Session-Token": token } });
      const ok = await pay();
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.match(((await ok.json()) as { type: string }).type, /^(TRUST|ALLOW|CHALLENGE|DENY)$/);
      // Second presentation: refused by the backend's own store…
      const again = await pay();
      assert.equal(again.status, 409);
      // …and by the service's, had the backend forwarded it anyway.
      await rejectsWith(
        backend.triggerAction({ securedSessionToken: token, actionType: "transaction" }),
        "ERR_REPLAYED",
      );
    } finally {
      await service.close();
    }
  });
});
