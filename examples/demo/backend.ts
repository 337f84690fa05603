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
import { readJson } from "../../adapters/server/http/body.ts";
import { SIGNALS } from "../../core/service/signals.ts";
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
 * import type { Service } from "device-session/server";
 * declare const service: Service;
 * declare const clientSecret: string, script: string, html: string;
 * const baseUrl = "http://localhost:8787";
 * const demo = demoApp({ service, baseUrl, clientId: "demo", clientSecret, script, html });
 * const handler = (req: Request) => new URL(req.url).pathname.startsWith("/demo/") ? demo.fetch(req) : service.fetch(req);
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

  // The JWKS is cached (a real backend must not fetch it per request), and fetched again once
  // when a token names a key the cached set lacks: the service rotated (SPEC §3.5).
  const JWKS_TTL_MS = 300_000;
  let cached: { jwks: Promise<unknown>; at: number } | null = null;
  function jwks(fresh = false): Promise<unknown> {
    if (fresh || cached === null || Date.now() - cached.at > JWKS_TTL_MS) {
      const p = inProcess(`${issuer}/.well-known/jwks.json`).then((r) => r.json());
      cached = { jwks: p, at: Date.now() };
      p.catch(() => (cached = null));
    }
    return cached.jwks;
  }
  const verify = async (token: string, action: "login" | "transaction") => {
    const options = { issuer, audience: o.clientId, action, replayStore };
    try {
      return await verifySecureSessionToken(token, { ...options, jwks: await jwks() as never });
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_KEY_UNKNOWN") throw e;
      return await verifySecureSessionToken(token, { ...options, jwks: await jwks(true) as never });
    }
  };

  async function act(req: Request, action: "login" | "transaction"): Promise<Response> {
    let body: Record<string, unknown>;
    try {
      // The API's own body reader: the same size cap, media type and JSON rules (SPEC §6.5).
      const { value } = await readJson(req, { maxBytes: 16_384, accepted: ["json"] });
      if (typeof value !== "object" || value === null) throw new Error("not an object");
      body = value as Record<string, unknown>;
    } catch (e) {
      const err = e as { code?: string; message?: string; status?: number | null };
      return json(
        { code: err.code ?? "ERR_INVALID_BODY", message: err.message ?? "a JSON body is required" },
        err.status ?? 400,
      );
    }
    const token = String(body.secureToken ?? "");
    try {
      const verified = await verify(token, action);
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
          // A reason that lowers the score (SECURE_TOKEN) is a good sign, not a risk.
          reasons: rec.reasons.filter((r) => !POSITIVE.has(r)),
          positive: rec.reasons.filter((r) => POSITIVE.has(r)),
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

/** Reasons with a negative weight (SPEC §10.2): they lower the risk. */
const POSITIVE = new Set<string>(SIGNALS.filter((s) => s.weight < 0).map((s) => s.reason));

/** The demo never sends a username in plaintext as a claimed user id. */
async function hash(s: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return Array.from(new Uint8Array(d).slice(0, 16), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}
