/**
 * Example: a hono backend that verifies the browser's secure session token locally, triggers
 * the action with the same token, fetches the recommendation and acts on it.
 *
 * The page calls `sdk.getSecureSessionToken("transaction")` and sends the token in the
 * `DS-Secure-Session-Token` header with `POST /api/transfer { amount, currency }`.
 *
 * @module
 */
import { Hono } from "hono";
import {
  type BackendClient,
  createMemoryReplayStore,
  DeviceSessionError,
  type JwksOption,
  type RecommendationType,
  rejection,
  type ReplayStore,
  type SecureTokenEnv,
  secureTokenMiddleware,
} from "../../backend.ts";

/** What the example needs. */
export interface ExampleOptions {
  readonly backend: BackendClient;
  /** The service's issuer URL and your client id: what the token must have been issued for. */
  readonly issuer: string;
  readonly clientId: string;
  /** The service's JWKS (its URL, usually `<service>/.well-known/jwks.json`). */
  readonly jwks: JwksOption;
  /** One per process is fine for a single instance; share one (Redis…) across instances. */
  readonly replayStore?: ReplayStore;
}

// The service cannot answer: SPEC §14 fail-open — decide without a recommendation.
const UNAVAILABLE = [
  "ERR_NETWORK",
  "ERR_TIMEOUT",
  "ERR_SERVICE",
  "ERR_INTERNAL",
  "ERR_RATE_LIMITED",
];

/**
 * Builds the example app.
 *
 * @example
 * ```ts
 * import { createBackendClient } from "device-session/backend";
 * const backend = createBackendClient({
 *   baseUrl: "https://risk.example.com",
 *   clientId: "demo",
 *   clientSecret: "s3cret-s3cret-s3cret",
 * });
 * const app = createApp({ backend, issuer: "https://risk.example.com", clientId: "demo",
 *   jwks: "https://risk.example.com/.well-known/jwks.json" });
 * ```
 */
export function createApp(o: ExampleOptions): Hono<SecureTokenEnv> {
  const app = new Hono<SecureTokenEnv>();
  // Typed errors (e.g. 409 ERR_REPLAYED from the service, 400 ERR_INVALID_INPUT for a bad
  // amount) keep their catalog status; anything else is a bug.
  app.onError((e, c) => {
    const r = rejection(e);
    return r ? c.json(r.body, r.status as 400) : c.json({ code: "ERR_INTERNAL" }, 500);
  });

  const verifyTransfer = secureTokenMiddleware({
    issuer: o.issuer,
    audience: o.clientId,
    jwks: o.jwks,
    actionType: "transaction",
    // The backend consumes the token's jti here (one use); the service counts it once more
    // when triggerAction forwards it (SPEC §5.7.3).
    replayStore: o.replayStore ?? createMemoryReplayStore(),
  });

  app.post("/api/transfer", verifyTransfer, async (c) => {
    const { token } = c.get("deviceSession");
    const { amount, currency } = await c.req.json<{ amount: number; currency: string }>();
    let decision: RecommendationType;
    let actionToken: string | null = null;
    try {
      const action = await o.backend.triggerAction({
        securedSessionToken: token,
        actionType: "transaction",
        transactionData: { amount, currency },
        userAgent: c.req.header("user-agent"),
      });
      actionToken = action.actionToken;
      // (Or pass `getRecommendation: true` above and read `action.recommendation`.)
      decision = (await o.backend.getRecommendation(action.actionToken)).recommendation.type;
    } catch (e) {
      if (!(e instanceof DeviceSessionError && UNAVAILABLE.includes(e.code))) throw e;
      decision = amount <= 100 ? "ALLOW" : "CHALLENGE";
    }
    switch (decision) {
      case "TRUST":
      case "ALLOW":
        return c.json({ status: "done" });
      case "CHALLENGE":
        // Step up (OTP, passkey…), then report the outcome: POST /api/transfer/challenge.
        return c.json({ status: "challenge", actionToken }, 202);
      case "DENY":
        return c.json({ status: "denied" }, 403);
    }
  });

  app.post("/api/transfer/challenge", async (c) => {
    const { actionToken, passed } = await c.req.json<
      { actionToken: string | null; passed: boolean }
    >();
    if (actionToken !== null) {
      await o.backend.reportActionResult({
        actionToken,
        result: passed ? "success" : "failure",
        challengeType: "sms_otp",
      });
    }
    return passed ? c.json({ status: "done" }) : c.json({ status: "denied" }, 403);
  });

  return app;
}
