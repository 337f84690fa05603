// The draws of the endpoint fuzzing (fuzz.test.ts): every endpoint with a valid request, and
// fast-check arbitraries for hostile variations of it — methods, paths, queries, headers,
// content types and bodies (valid bodies with one member replaced, random JSON, bytes, deep
// nesting, oversize).
import fc from "fast-check";
import type { Backend as BackendT, Device as DeviceT, Harness } from "../support/harness.ts";

export interface Ctx {
  h: Harness;
  a: BackendT;
  d: DeviceT;
  actionToken: string;
  ruleId: string;
}

export interface Endpoint {
  readonly method: string;
  readonly path: string;
  /** A valid body (an object is sent as JSON, a string as is), or none. */
  readonly body?: (c: Ctx) => Record<string, unknown> | string;
  /** Valid query parameters. */
  readonly query?: (c: Ctx) => Record<string, string>;
  /** Which credential makes the request authentic. */
  readonly auth: "none" | "bearer" | "basic" | "proof";
}

export const rule = {
  name: "r",
  priority: 10,
  enabled: true,
  mode: "production",
  recommendation: "DENY",
};

// deno-fmt-ignore
export const ENDPOINTS: readonly Endpoint[] = [
  { method: "GET", path: "/v1/device/config", auth: "none", query: () => ({ client_id: "a" }) },
  { method: "POST", path: "/v1/device/sessions", auth: "proof",
    body: () => ({ client_id: "a", key_assurance: "ephemeral", key_event: "created", user_id: "u-1", attributes: { platform: "browser" } }) },
  { method: "POST", path: "/v1/device/sessions/:sid/refresh", auth: "proof", body: () => ({}) },
  { method: "POST", path: "/v1/device/telemetry", auth: "none",
    body: (c) => ({ ver: 1, client_id: "a", session_id: c.d.sessionId, session_token: c.d.sessionToken,
      events: [{ seq: 1, time_ms: 1, type: "action", data: { action_type: "login" } }],
      dropped: { total: 0, by_priority: {} }, sent_at_ms: 1 }) },
  { method: "POST", path: "/v1/oauth/token", auth: "basic", body: () => "grant_type=client_credentials" },
  { method: "POST", path: "/v1/backend/actions", auth: "bearer",
    body: (c) => ({ action_type: "transaction", session_token: c.d.sessionToken, claimed_user_id: "bob",
      transaction_data: { amount: 1.5, currency: "EUR" }, custom_attributes: { tier: "gold" }, ip: "203.0.113.9" }) },
  { method: "GET", path: "/v1/backend/recommendation", auth: "bearer", query: (c) => ({ action_token: c.actionToken }) },
  { method: "POST", path: "/v1/backend/actions/result", auth: "bearer",
    body: (c) => ({ action_token: c.actionToken, result: "success", user_id: "bob", challenge_type: "passkey" }) },
  { method: "POST", path: "/v1/backend/users/clear", auth: "bearer", body: (c) => ({ session_token: c.d.sessionToken }) },
  { method: "GET", path: "/v1/backend/rules", auth: "bearer" },
  { method: "POST", path: "/v1/backend/rules", auth: "bearer",
    body: () => ({ ...rule, match: { ip_cidrs: ["198.51.100.0/24"], action_types: ["login"] } }) },
  { method: "GET", path: "/v1/backend/rules/:rid", auth: "bearer" },
  { method: "PUT", path: "/v1/backend/rules/:rid", auth: "bearer",
    body: () => ({ ...rule, priority: 11, match: { action_types: ["login"] } }) },
  { method: "DELETE", path: "/v1/backend/rules/:rid", auth: "bearer" },
  { method: "GET", path: "/.well-known/jwks.json", auth: "none" },
  { method: "GET", path: "/.well-known/device-session", auth: "none" },
  { method: "GET", path: "/healthz", auth: "none" },
];

/** Printable ASCII: what a header value may hold for `fetch`. */
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 64,
});
const junk = fc.oneof(printable, fc.string({ unit: "binary", maxLength: 64 }));

/** One draw: how the request departs from the valid one. */
export interface Draw {
  method: string | null;
  pathId: string | null;
  query: Record<string, string> | null;
  body:
    | { kind: "valid" }
    | { kind: "member"; at: number; key: string; value: unknown }
    | { kind: "drop"; at: number }
    | { kind: "json"; value: unknown }
    | { kind: "text"; value: string }
    | { kind: "bytes"; value: Uint8Array }
    | { kind: "deep"; at: number; depth: number }
    | { kind: "huge"; size: number }
    | { kind: "empty" };
  contentType: string | null | undefined;
  credential: "valid" | "none" | "junk" | "wrong-kind";
  origin: string | null;
  extra: Record<string, string>;
}

export function drawArb(): fc.Arbitrary<Draw> {
  const keys = [
    "client_id",
    "session_token",
    "action_token",
    "events",
    "action_type",
    "match",
    "priority",
    "ver",
    "extra",
    "__proto__",
    "constructor",
  ];
  return fc.record<Draw>({
    method: fc.option(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"), {
      freq: 8,
    }),
    pathId: fc.option(
      fc.oneof(
        junk.map(encodeURIComponent),
        fc.constantFrom("s_x", "r_x", "..%2f..", "%00", "a".repeat(300)),
      ),
      { freq: 3 },
    ),
    query: fc.option(
      fc.dictionary(fc.constantFrom("client_id", "action_token", "x", "client_id[]"), junk, {
        maxKeys: 3,
      }),
      { freq: 4 },
    ),
    body: fc.oneof(
      { weight: 2, arbitrary: fc.constant({ kind: "valid" as const }) },
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant("member" as const),
          at: fc.nat(),
          key: fc.constantFrom(...keys),
          value: fc.jsonValue({ maxDepth: 4 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("json" as const),
          value: fc.jsonValue({ maxDepth: 6 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("text" as const),
          value: fc.string({ unit: "binary", maxLength: 300 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("bytes" as const),
          value: fc.uint8Array({ maxLength: 300 }),
        }),
      },
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant("deep" as const),
          at: fc.nat(),
          // Around the limit (32), and deep enough to break a recursive walk (thousands).
          depth: fc.oneof(fc.integer({ min: 28, max: 40 }), fc.integer({ min: 5000, max: 12000 })),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("huge" as const),
          size: fc.integer({ min: 60_000, max: 70_000 }),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: "empty" as const }) },
    ),
    contentType: fc.option(
      fc.oneof(
        fc.constantFrom(
          "application/json",
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/json; charset=utf-8",
          "application/json; charset=latin1",
          "multipart/form-data; boundary=x",
          "application/json;;",
          "*/*",
          "TEXT/PLAIN",
        ),
        printable,
      ),
      { freq: 1, nil: undefined },
    ),
    credential: fc.constantFrom("valid", "valid", "none", "junk", "wrong-kind"),
    origin: fc.option(fc.constantFrom("https://a.example", "https://evil.example", "null"), {
      freq: 2,
    }),
    extra: fc.dictionary(
      fc.constantFrom(
        "x-forwarded-for",
        "x-request-id",
        "accept",
        "accept-encoding",
        "ds-nonce",
        "cookie",
        "x-http-method-override",
      ),
      printable,
      { maxKeys: 3 },
    ),
  });
}

type Path = (string | number)[];

/** Every member path of `v` (objects and arrays, at any depth), the root included. */
function paths(v: unknown, at: Path = []): Path[] {
  if (typeof v !== "object" || v === null) return [at];
  const kids = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [at, ...kids.flatMap(([k, x]) => paths(x, [...at, k]))];
}

/** A copy of `root` with the member at `path` set to `value` (`undefined`: removed). */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy =
    (Array.isArray(root)
      ? [...root]
      : typeof root === "object" && root !== null
      ? { ...root }
      : {}) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  const next = setAt(copy[head!], rest, value);
  if (next === undefined) delete copy[head!];
  // defineProperty: a "__proto__" key becomes a real member, as a hostile client would send it.
  else Object.defineProperty(copy, head!, { value: next, enumerable: true, writable: true });
  return copy;
}

/** Stands for the deep nesting in the serialized body (spliced in as text). */
const DEEP = "\u0000deep\u0000";

export function bodyOf(e: Endpoint, c: Ctx, draw: Draw["body"]): BodyInit | null {
  const valid = e.body?.(c) ?? {};
  const json = (v: unknown) => JSON.stringify(v);
  const pick = (at: number): Path => {
    const all = paths(valid);
    return all[at % all.length]!;
  };
  switch (draw.kind) {
    case "valid":
      return e.body === undefined ? null : typeof valid === "string" ? valid : json(valid);
    case "member":
    case "drop": {
      if (typeof valid === "string") {
        return `${valid}&${draw.kind === "member" ? `${draw.key}=${json(draw.value)}` : ""}`;
      }
      const path = pick(draw.at);
      if (draw.kind === "drop") return json(setAt(valid, path, undefined) ?? null);
      // Half the time the picked member is replaced, else a new one is set beside it.
      const target = draw.at % 2 === 0 ? path : [...path.slice(0, -1), draw.key];
      return json(setAt(valid, target, draw.value));
    }
    case "json":
      return json(draw.value);
    case "text":
      return draw.value;
    case "bytes":
      return draw.value as Uint8Array<ArrayBuffer>;
    case "deep": {
      // At a member of the valid body (an event's data, a transaction's data), not only on top.
      const nest = "[".repeat(draw.depth) + "]".repeat(draw.depth);
      if (typeof valid === "string") return `${valid}&x=${nest}`;
      return json(setAt(valid, pick(draw.at), DEEP)).replace(json(DEEP), nest);
    }
    case "huge":
      return `${" ".repeat(draw.size)}${typeof valid === "string" ? valid : json(valid)}`;
    case "empty":
      return "";
  }
}
