/**
 * Example: a `(req, res, next)` backend (plain `node:http` here; the same middleware mounts in
 * express or connect) that verifies the browser's secure session token locally, triggers the
 * action with the same token, fetches the recommendation and acts on it.
 *
 * The page sends `POST /api/login { username, secureToken }`, where `secureToken` comes from
 * `sdk.getSecureSessionToken("login")`. With express the route would read:
 *
 * ```ts
 * declare const app: { post(path: string, ...handlers: unknown[]): void }; // express()
 * declare const express: { json(): unknown };
 * declare const verifyLogin: unknown, loginHandler: unknown;
 * app.post("/api/login", express.json(), verifyLogin, loginHandler);
 * ```
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type BackendClient,
  type ConnectRequest,
  createMemoryReplayStore,
  DeviceSessionError,
  type JwksOption,
  type RecommendationType,
  rejection,
  type ReplayStore,
  secureTokenConnectMiddleware,
} from "../../backend.ts";

/** What the example needs. */
export interface ExampleOptions {
  readonly backend: BackendClient;
  readonly issuer: string;
  readonly clientId: string;
  readonly jwks: JwksOption;
  readonly replayStore?: ReplayStore;
  /** Checks a password; the example's stand-in for your user store. */
  readonly checkPassword: (username: string, password: string) => boolean;
}

type Req = IncomingMessage & ConnectRequest;

const UNAVAILABLE = [
  "ERR_NETWORK",
  "ERR_TIMEOUT",
  "ERR_SERVICE",
  "ERR_INTERNAL",
  "ERR_RATE_LIMITED",
];

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/**
 * Builds the example's request handler.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createBackendClient } from "device-session/backend";
 * declare function checkPassword(username: string, password: string): boolean;
 * const backend = createBackendClient({
 *   baseUrl: "https://risk.example.com",
 *   clientId: "demo",
 *   clientSecret: "s3cret-s3cret-s3cret",
 * });
 * const issuer = "https://risk.example.com";
 * const jwks = "https://risk.example.com/.well-known/jwks.json";
 * createServer(createHandler({ backend, issuer, clientId: "demo", jwks, checkPassword })).listen(3000);
 * ```
 */
export function createHandler(
  o: ExampleOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const verifyLogin = secureTokenConnectMiddleware<Req>({
    issuer: o.issuer,
    audience: o.clientId,
    jwks: o.jwks,
    actionType: "login",
    field: "secureToken",
    // Consumed here once; the service consumes it once more when it is forwarded (§5.7.3).
    replayStore: o.replayStore ?? createMemoryReplayStore(),
  });

  async function login(req: Req, res: ServerResponse): Promise<void> {
    const { token } = req.deviceSession!;
    const { username, password } = req.body as { username: string; password: string };
    let decision: RecommendationType;
    let actionToken: string | null = null;
    try {
      const action = await o.backend.triggerAction({
        securedSessionToken: token,
        actionType: "login",
        claimedUserId: username, // hash it in real life (SPEC §1.6)
        claimedUserIdType: "account_id",
        userAgent: req.headers["user-agent"],
      });
      actionToken = action.actionToken;
      decision = (await o.backend.getRecommendation(actionToken)).recommendation.type;
    } catch (e) {
      // SPEC §14 fail-open: logging in is low risk without a recommendation; still check the password.
      if (!(e instanceof DeviceSessionError && UNAVAILABLE.includes(e.code))) throw e;
      decision = "ALLOW";
    }
    if (decision === "DENY") return send(res, 403, { status: "denied" });
    if (decision === "CHALLENGE") return send(res, 202, { status: "challenge", actionToken });
    // TRUST / ALLOW: proceed as usual.
    const ok = o.checkPassword(username, password);
    if (actionToken !== null) {
      // A successful login-type result with a user id sets the device session's user (§7.4).
      await o.backend.reportActionResult({
        actionToken,
        result: ok ? "success" : "failure",
        ...(ok ? { userId: username } : {}),
      });
    }
    send(res, ok ? 200 : 401, { status: ok ? "logged-in" : "wrong-password" });
  }

  return (req, res) => {
    if (req.method !== "POST" || req.url !== "/api/login") {
      return send(res, 404, { code: "ERR_NOT_FOUND" });
    }
    void verifyLogin(req as Req, res, (error?: unknown) => {
      const done = error === undefined ? login(req as Req, res) : Promise.reject(error);
      done.catch((e: unknown) => {
        const r = rejection(e);
        send(res, r?.status ?? 500, r?.body ?? { code: "ERR_INTERNAL" });
      });
    });
  };
}
