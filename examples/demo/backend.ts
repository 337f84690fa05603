/**
 * The demo's backend: serves the page and its script, and two API routes that do what a real
 * backend does with a secure session token (SPEC §5.4, §5.7.3): verify it locally (device
 * binding, action binding, expiry, single use in its own replay store), forward it to the
 * service to record the action, and act on the recommendation. Runs in the same process as the
 * service (`npm start`), talking to it through its `fetch` handler.
 *
 * @module
 */
import { createBackendClient } from "../../adapters/backend/client.ts";
import { createMemoryReplayStore, verifySecureSessionToken } from "../../verify.ts";

/** Options of {@link demoApp}. */
export interface DemoOptions {
  /** The service's handler (in-process). */
  readonly service: { fetch(req: Request): Response | Promise<Response> };
  /** The service's public base URL (its issuer). */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The page script, bundled (see `bundleDemo`). */
  readonly script: string;
  /** The chunks the script imports, by file name, served next to it. */
  readonly chunks?: Readonly<Record<string, string>>;
  /** The page. */
  readonly html: string;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/**
 * The demo as a `fetch` handler for paths under `/demo/`.
 *
 * @example
 * ```ts
 * const demo = demoApp({ service, baseUrl, clientId: "demo", clientSecret, script, html });
 * const handler = (req) => new URL(req.url).pathname.startsWith("/demo/") ? demo.fetch(req) : service.fetch(req);
 * ```
 */
export function demoApp(o: DemoOptions): { fetch(req: Request): Promise<Response> } {
  const inProcess = (input: RequestInfo | URL, init?: RequestInit) =>
    Promise.resolve(o.service.fetch(new Request(input, init)));
  const backend = createBackendClient({
    baseUrl: o.baseUrl,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    fetch: inProcess,
  });
  const replayStore = createMemoryReplayStore(); // the backend's own store (SPEC §5.7.3)
  const issuer = o.baseUrl.replace(/\/$/, "");

  async function jwks(): Promise<unknown> {
    return await (await inProcess(`${issuer}/.well-known/jwks.json`)).json();
  }

  async function act(req: Request, action: "login" | "transaction"): Promise<Response> {
    let body: Record<string, unknown>;
    try {
      body = await req.json() as Record<string, unknown>;
    } catch {
      return json({ code: "ERR_INVALID_BODY", message: "a JSON body is required" }, 400);
    }
    const token = String(body.secureToken ?? "");
    try {
      const verified = await verifySecureSessionToken(token, {
        issuer,
        audience: o.clientId,
        jwks: await jwks() as never,
        action,
        replayStore,
      });
      const username = typeof body.username === "string" ? body.username.slice(0, 64) : undefined;
      const result = await backend.triggerAction({
        securedSessionToken: token,
        actionType: action,
        getRecommendation: true,
        ...(username
          ? { claimedUserId: await hash(username), claimedUserIdType: "other" as const }
          : {}),
        ...(action === "transaction"
          ? {
            transactionData: {
              amount: Number(body.amount),
              currency: String(body.currency),
              type: "money_transfer",
            },
          }
          : {}),
        ip: req.headers.get("x-forwarded-for") ?? "127.0.0.1",
        userAgent: req.headers.get("user-agent") ?? "",
      });
      const rec = result.recommendation!;
      const allowed = rec.recommendation.type === "ALLOW" || rec.recommendation.type === "TRUST";
      if (action === "login" && allowed && username) {
        // The demo's "password check" passes: report it, which sets the session's user.
        await backend.reportActionResult({
          actionToken: result.actionToken,
          result: "success",
          userId: username,
        });
      }
      return json({
        recommendation: {
          recommendation: rec.recommendation,
          risk_score: rec.riskScore,
          reasons: rec.reasons,
        },
        verified: {
          deviceId: verified.deviceId,
          sessionId: verified.sessionId,
          action: verified.action,
        },
      });
    } catch (e) {
      const err = e as { code?: string; status?: number | null; message?: string };
      return json(
        { code: err.code ?? "ERR_INTERNAL", message: err.message ?? String(e) },
        err.status ?? 500,
      );
    }
  }

  return {
    fetch(req: Request): Promise<Response> {
      const path = new URL(req.url).pathname;
      if (req.method === "GET" && (path === "/demo/" || path === "/demo")) {
        return Promise.resolve(
          new Response(o.html, { headers: { "content-type": "text/html; charset=utf-8" } }),
        );
      }
      const file = path.slice("/demo/".length);
      const chunks = o.chunks ?? {};
      const js = file === "app.js" ? o.script : Object.hasOwn(chunks, file) ? chunks[file] : null;
      if (req.method === "GET" && typeof js === "string") {
        return Promise.resolve(
          new Response(js, { headers: { "content-type": "text/javascript" } }),
        );
      }
      if (req.method === "POST" && path === "/demo/api/login") return act(req, "login");
      if (req.method === "POST" && path === "/demo/api/transfer") return act(req, "transaction");
      return Promise.resolve(json({ code: "ERR_NOT_FOUND", message: "no such demo route" }, 404));
    },
  };
}

/** The demo never sends a username in plaintext as a claimed user id. */
async function hash(s: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return Array.from(new Uint8Array(d).slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}
