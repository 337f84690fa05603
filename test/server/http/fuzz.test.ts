// Hostile input against every endpoint, through the runtime's real server on loopback
// (SPEC §6.5, §11, §14): fast-check draws methods, paths, queries, headers, content types and
// bodies (valid bodies with one member replaced, random JSON, bytes, deep nesting, oversize),
// half of them carrying real credentials so the draws reach past authentication; then framings
// over raw sockets. Every answer must be below 500, arrive before the per-request timeout, and
// every 4xx must carry a catalog code whose status it is; the service must still work afterwards.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ERROR_CATALOG } from "../../../core/errors/catalog.ts";
import {
  bodyOf,
  type Ctx,
  type Draw,
  drawArb,
  type Endpoint,
  ENDPOINTS,
  rule,
} from "./fuzz-draws.ts";

/** Draws per endpoint (CI runs them all on Node, Deno and Bun). */
const RUNS = 200;
/** Draws of raw framings, over all endpoints. */
const FRAMING_RUNS = 200;
/** A request with no answer by then has hung. */
const REQUEST_TIMEOUT_MS = 60_000; // a safety net: a loaded machine answers late, never this late

async function credentialHeaders(
  e: Endpoint,
  c: Ctx,
  draw: Draw,
  path: string,
): Promise<Record<string, string>> {
  if (draw.credential === "none") return {};
  if (draw.credential === "junk") {
    return e.auth === "proof" ? { "ds-proof": "a.b.c" } : { authorization: "Bearer x.y.z" };
  }
  const valid = draw.credential === "valid";
  switch (e.auth) {
    case "bearer":
      return { authorization: `Bearer ${valid ? c.a.token : c.d.sessionToken}` };
    case "basic":
      return {
        authorization: valid
          ? `Basic ${btoa("a:secret-of-client-a-0123456789")}`
          : `Bearer ${c.a.token}`,
      };
    case "proof":
      return { "ds-proof": valid ? await c.d.proof(path) : c.d.sessionToken };
    case "none":
      return valid ? {} : { authorization: `Bearer ${c.a.token}` };
  }
}

/** Why `res` breaks the rules for hostile input, or `null`. */
async function problem(res: Response, method: string): Promise<string | null> {
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (res.status < 400 || method === "HEAD") return null;
  let body: { code?: unknown; time?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return `a ${res.status} without a JSON body: ${text.slice(0, 100)}`;
  }
  const code = body.code as keyof typeof ERROR_CATALOG;
  if (typeof code !== "string" || !Object.hasOwn(ERROR_CATALOG, code)) {
    return `no catalog code: ${text.slice(0, 200)}`;
  }
  if (ERROR_CATALOG[code].status !== res.status) return `${code} answered with ${res.status}`;
  if (typeof body.time !== "number") return "no time";
  return null;
}

describe(
  "endpoint fuzzing: no 5xx, no hang, catalog codes (SPEC §6.5, §14)",
  { skip: typeof window !== "undefined" && "needs a server runtime", timeout: 900_000 },
  () => {
    let m: typeof import("../support/harness.ts");
    let c: Ctx;
    before(async () => {
      m = await import("../support/harness.ts");
      const h = await m.startHarness();
      const a = await m.Backend.create(h, "a");
      const d = await m.Device.create(h);
      await d.createSession();
      const t = await a.trigger({ action_type: "login", session_token: d.sessionToken });
      const r = await a.call("POST", "/v1/backend/rules", {
        ...rule,
        match: { action_types: ["login"] },
      });
      const ruleId = ((await r.json()) as { id: string }).id;
      c = { h, a, d, actionToken: t.json.action_token as string, ruleId };
    });
    after(() => c.h.close());

    for (const e of ENDPOINTS) {
      it(`${e.method} ${e.path}: ${RUNS} hostile requests`, async () => {
        await fc.assert(
          fc.asyncProperty(drawArb(), async (draw) => {
            const id = draw.pathId ?? (e.path.includes(":sid") ? c.d.sessionId : c.ruleId);
            const path = e.path.replace(/:sid|:rid/, id);
            const query = new URLSearchParams(draw.query ?? e.query?.(c) ?? {}).toString();
            const method = draw.method ?? e.method;
            const canHaveBody = method !== "GET" && method !== "HEAD";
            const body = canHaveBody ? bodyOf(e, c, draw.body) : null;
            const contentType = draw.contentType === undefined
              ? typeof e.body?.(c) === "string"
                ? "application/x-www-form-urlencoded"
                : "application/json"
              : draw.contentType;
            const headers: Record<string, string> = {
              ...draw.extra,
              ...(await credentialHeaders(e, c, draw, path)),
              ...(contentType !== null && body !== null ? { "content-type": contentType } : {}),
              ...(draw.origin !== null ? { origin: draw.origin } : {}),
            };
            const res = await c.h.fetch(`${path}${query === "" ? "" : `?${query}`}`, {
              method,
              headers,
              ...(body !== null ? { body } : {}),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            });
            const why = await problem(res, method);
            assert.equal(why, null, `${method} ${path}: ${why}`);
          }),
          { numRuns: RUNS },
        );
      });
    }

    it(`${FRAMING_RUNS} raw framings over all endpoints: typed answers or a clean close, never a 5xx or a hang`, async () => {
      const raw = await import("../support/raw-http.ts");
      const host = `host: ${new URL(c.h.url).host}`;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...ENDPOINTS.filter((e) => e.body !== undefined)),
          fc.constantFrom(
            "length",
            "chunked",
            "chunked-expect",
            "length-expect",
            "short-length",
            "both",
            "chunked-bad",
          ),
          fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
          async (e, framing, cuts) => {
            const path = e.path.replace(":sid", c.d.sessionId).replace(":rid", c.ruleId);
            const valid = e.body!(c);
            const text = typeof valid === "string" ? valid : JSON.stringify(valid);
            const auth = await credentialHeaders(e, c, { credential: "valid" } as Draw, path);
            const type = typeof valid === "string"
              ? "application/x-www-form-urlencoded"
              : "application/json";
            const lines = [
              `${e.method} ${path} HTTP/1.1`,
              host,
              `content-type: ${type}`,
              ...Object.entries(auth).map(([k, v]) => `${k}: ${v}`),
            ];
            const chunks: string[] = [];
            let rest = text;
            for (const n of cuts) {
              if (rest === "") break;
              chunks.push(rest.slice(0, n));
              rest = rest.slice(n);
            }
            if (rest !== "") chunks.push(rest);
            const chunked =
              chunks.map((p) => `${new TextEncoder().encode(p).length.toString(16)}\r\n${p}\r\n`)
                .join("") + "0\r\n\r\n";
            const length = new TextEncoder().encode(text).length;
            const [headers, body, hangUp] = {
              "length": [[`content-length: ${length}`], text, false],
              "length-expect": [[`content-length: ${length}`, "expect: 100-continue"], text, false],
              "chunked": [["transfer-encoding: chunked"], chunked, false],
              "chunked-expect": [
                ["transfer-encoding: chunked", "expect: 100-continue"],
                chunked,
                false,
              ],
              "short-length": [[`content-length: ${length + 10}`], text, true],
              "both": [[`content-length: ${length}`, "transfer-encoding: chunked"], chunked, false],
              "chunked-bad": [["transfer-encoding: chunked"], `zz\r\n${text}\r\n0\r\n\r\n`, false],
            }[framing] as [string[], string, boolean];
            const o = await raw.rawRequest(c.h.url, [...lines, ...headers, "", ""].join("\r\n"), {
              timeoutMs: REQUEST_TIMEOUT_MS,
              parts: () => [body],
              hangUp,
            });
            if (o.response === null) return; // a clean close (hung-up client, refused framing)
            assert.ok(
              o.response.status < 500,
              `${framing} ${path}: ${o.response.status} ${o.response.body}`,
            );
            if (o.response.status >= 400 && /json/.test(o.response.headers["content-type"] ?? "")) {
              const code = JSON.parse(o.response.body).code as keyof typeof ERROR_CATALOG;
              assert.equal(
                ERROR_CATALOG[code]?.status,
                o.response.status,
                `${framing} ${path}: ${code}`,
              );
            }
          },
        ),
        { numRuns: FRAMING_RUNS },
      );
    });

    it("the service is healthy afterwards: health, and a new device gets a session and a recommendation", async () => {
      const health = await c.h.fetch("/healthz");
      assert.equal(health.status, 200);
      await health.body?.cancel();
      const d = await m.Device.create(c.h);
      await d.createSession();
      const b = await m.Backend.create(c.h, "b");
      const other = await m.Device.create(c.h, "b");
      await other.createSession();
      const t = await b.trigger(
        { action_type: "login", session_token: other.sessionToken },
        "?get_recommendation=true",
      );
      assert.equal(t.status, 201, JSON.stringify(t.json));
      assert.equal(c.h.service.inFlight, 0);
    });
  },
);
