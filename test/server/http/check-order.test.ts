// The order of checks (SPEC §6.6.1) on the runtime's real server: a request carrying several
// faults gets the answer of the first check that fails. Each property draws a non-empty set of
// the faults an endpoint's checks detect (the first one drawn uniformly among the checks, then
// any subset of the later ones), builds one request carrying all of them, and expects the status
// and code of the first fault in the SPEC's order: the model is the SPEC's list, not the service.
//
// Rate limits are faults too: the store's window counter is scripted (a Proxy over the memory
// store) so that one request, and only that one, finds a chosen window full; the service's own
// limit checks run as they are.
//
// A refresh may come without a body and then needs no `Content-Type`; with a body it needs one
// like any other request (SPEC §6.0), so its property draws the missing header too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Backend as BackendT, Device as DeviceT, Harness } from "../support/harness.ts";
import type { Store } from "../../../adapters/store/types.ts";

/** One check of an endpoint, in SPEC §6.6.1 order: the fault it detects and its answer. */
interface Step {
  readonly fault: string;
  /** The answer's `code` (its status is the catalog's), by the fault's variant. */
  readonly code: string | ((variant: string) => string);
  /** Ways to carry the fault (default: one). */
  readonly variants?: readonly string[];
}

/** The statuses of the codes answered here (SPEC §11). */
const CATALOG: Record<string, number> = {
  ERR_RATE_LIMITED: 429,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_BODY_TOO_LARGE: 413,
  ERR_INVALID_BODY: 400,
  ERR_INVALID_QUERY: 400,
  ERR_BATCH_TOO_LARGE: 422,
  ERR_CLIENT_UNKNOWN: 404,
  ERR_FORBIDDEN: 403,
  ERR_TOKEN_MALFORMED: 401,
  ERR_PROOF_TARGET_MISMATCH: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_KEY_MISMATCH: 401,
  ERR_SESSION_UNKNOWN: 404,
  ERR_SESSION_ENDED: 410,
  ERR_CLAIM_INVALID: 401,
  ERR_AUDIENCE_MISMATCH: 403,
  ERR_SIGNATURE_INVALID: 401,
  ERR_UNAUTHENTICATED: 401,
};

/** A drawn request: its faults, each fault's variant, and harmless choices. */
interface Draw {
  readonly faults: ReadonlySet<string>;
  readonly v: Readonly<Record<string, string>>;
  /** The `Origin` a request without the origin fault carries (none, the client's, the service's). */
  readonly origin: "none" | "client" | "self";
  /** Where the token endpoint's credentials go. */
  readonly creds: "basic" | "form";
  /** A harmless choice among a few (e.g. a valid query). */
  readonly pick: number;
}

/**
 * Draws a non-empty set of `steps`' faults: the first one uniformly among the steps (so every
 * check gets to be the first failing one), then any subset of the later ones. `fix` makes the
 * variants agree with the set (a variant that would not be a fault with another fault present).
 */
function draws(
  steps: readonly Step[],
  fix: (d: Draw) => Draw = (d) => d,
): fc.Arbitrary<Draw> {
  const variants: Record<string, fc.Arbitrary<string>> = {};
  for (const s of steps) variants[s.fault] = fc.constantFrom(...(s.variants ?? ["yes"]));
  return fc.record({
    first: fc.noBias(fc.integer({ min: 0, max: steps.length - 1 })),
    more: fc.array(fc.boolean(), { minLength: steps.length, maxLength: steps.length }),
    v: fc.record(variants),
    origin: fc.constantFrom("none" as const, "client" as const, "self" as const),
    creds: fc.constantFrom("basic" as const, "form" as const),
    pick: fc.nat(2),
  }).map(({ first, more, v, origin, creds, pick }) =>
    fix({
      faults: new Set(
        steps.filter((_, i) => i === first || (i > first && more[i])).map((s) => s.fault),
      ),
      v,
      origin,
      creds,
      pick,
    })
  );
}

/** The answer SPEC §6.6.1 gives `d`: the first of `steps` whose fault it carries. */
function expected(steps: readonly Step[], d: Draw): { status: number; code: string } {
  const s = steps.find((s) => d.faults.has(s.fault));
  if (s === undefined) throw new Error("a draw carries at least one fault");
  const code = typeof s.code === "string" ? s.code : s.code(d.v[s.fault]!);
  return { status: CATALOG[code]!, code };
}

const RATE = { code: "ERR_RATE_LIMITED" };
const INVALID = { code: "ERR_INVALID_BODY" };
const TOO_LARGE = { code: "ERR_BODY_TOO_LARGE" };
/**
 * How an oversized body travels: with its `Content-Length`, or streamed without one. Streamed
 * twice as often: only then is the size check's place pinned (a declared length over the limit
 * may be answered 413 before any other check, SPEC §6.6.1).
 */
const SIZES = ["declared", "streamed", "streamed"];
/** Media types an `application/json` endpoint refuses ("none": no `Content-Type` at all). */
const NOT_JSON = [
  "text/plain",
  "application/xml",
  "application/json; charset=iso-8859-1",
  "application/x-www-form-urlencoded",
  "none",
];
/** The checks of a JSON body, in order (SPEC §6.6: media type, size, nesting, JSON, schema). */
const body = (media: readonly string[], schema: readonly string[]): Step[] => [
  { fault: "media", code: "ERR_UNSUPPORTED_MEDIA_TYPE", variants: media },
  { fault: "size", ...TOO_LARGE, variants: SIZES },
  { fault: "nesting", ...INVALID },
  { fault: "json", ...INVALID },
  { fault: "schema", ...INVALID, variants: schema },
];

/** The proof faults, by variant. */
const PROOF_CODES: Record<string, string> = {
  missing: "ERR_TOKEN_MALFORMED", // SPEC §6.0
  target: "ERR_PROOF_TARGET_MISMATCH", // §5.2 step 5
  "stale-iat": "ERR_TOKEN_EXPIRED", // §5.2 step 6
  key: "ERR_KEY_MISMATCH", // §5.2 step 8
};

const CREATE: readonly Step[] = [
  { fault: "deviceLimit", ...RATE },
  ...body(NOT_JSON, ["key_event", "key_assurance", "client_id"]),
  { fault: "client", code: "ERR_CLIENT_UNKNOWN" },
  { fault: "origin", code: "ERR_FORBIDDEN" },
  { fault: "proofLimit", ...RATE },
  {
    fault: "proof",
    variants: ["missing", "target", "stale-iat"],
    code: (v) => PROOF_CODES[v]!,
  },
];

const REFRESH: readonly Step[] = [
  { fault: "deviceLimit", ...RATE },
  ...body(NOT_JSON, ["array"]),
  { fault: "proofLimit", ...RATE },
  {
    fault: "proof",
    variants: ["missing", "target", "stale-iat", "key"],
    code: (v) => PROOF_CODES[v]!,
  },
  { fault: "unknown", code: "ERR_SESSION_UNKNOWN" },
  { fault: "origin", code: "ERR_FORBIDDEN" },
  { fault: "ended", code: "ERR_SESSION_ENDED" },
];

/** The session token faults of a telemetry batch, by variant. */
const TOKEN_CODES: Record<string, string> = {
  sub: "ERR_CLAIM_INVALID", // SPEC §6.4: a token whose sub is not session_id
  aud: "ERR_AUDIENCE_MISMATCH", // §6.4: another client's token
  sig: "ERR_SIGNATURE_INVALID", // §5.3 step 3
};

const TELEMETRY: readonly Step[] = [
  { fault: "deviceLimit", ...RATE },
  {
    fault: "media",
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
    variants: NOT_JSON.filter((m) => m !== "text/plain").concat("text/plain; charset=utf-16"),
  },
  { fault: "size", ...TOO_LARGE, variants: SIZES },
  { fault: "nesting", ...INVALID },
  { fault: "json", ...INVALID },
  { fault: "batch", code: "ERR_BATCH_TOO_LARGE", variants: ["events", "event"] },
  { fault: "schema", ...INVALID, variants: ["ver", "sent_at_ms", "empty"] },
  { fault: "client", code: "ERR_CLIENT_UNKNOWN" },
  { fault: "origin", code: "ERR_FORBIDDEN" },
  {
    fault: "token",
    variants: ["sub", "aud", "sig"],
    code: (v) => TOKEN_CODES[v]!,
  },
  { fault: "gone", code: "ERR_SESSION_ENDED" },
];

/** The §7 checks before the body: authentication, the client's rate limit. */
const BACKEND_AUTH: Step[] = [
  {
    fault: "auth",
    code: "ERR_UNAUTHENTICATED",
    variants: ["missing", "garbage", "tampered", "basic"],
  },
  { fault: "backendLimit", ...RATE },
];

/** §7.0: another client's token is 403 ERR_FORBIDDEN; a failed one, the verifier's code. */
const BACKEND_TOKEN: Step = {
  fault: "token",
  variants: ["aud", "sig"],
  code: (v) => (v === "aud" ? "ERR_FORBIDDEN" : "ERR_SIGNATURE_INVALID"),
};

const ACTIONS: readonly Step[] = [
  ...BACKEND_AUTH,
  { fault: "query", code: "ERR_INVALID_QUERY", variants: ["maybe", "TRUE", ""] },
  ...body(NOT_JSON, ["action_type", "both", "neither"]),
  BACKEND_TOKEN,
];

const RESULT: readonly Step[] = [
  ...BACKEND_AUTH,
  ...body(NOT_JSON, ["result", "challenge_type", "action_token"]),
  BACKEND_TOKEN,
];

const OAUTH: readonly Step[] = [
  { fault: "tokenLimit", ...RATE },
  {
    fault: "media",
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
    variants: [
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded; charset=iso-8859-1",
      "none",
    ],
  },
  { fault: "form", ...INVALID, variants: ["grant_type", "repeated", "both"] },
  { fault: "creds", code: "ERR_UNAUTHENTICATED", variants: ["secret", "client"] },
];

/** `token` with its signature's first character changed (still canonical base64url). */
function tamper(token: string): string {
  const i = token.lastIndexOf(".") + 1;
  return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
}

/** Arrays nested 40 deep (SPEC §12 allows 32). */
const DEEP: unknown = JSON.parse("[".repeat(40) + "]".repeat(40));
const EVIL = "https://evil.example";

/**
 * The bytes of a JSON body `value` carrying the body faults of `d`: nesting, size (a member or
 * element past the 65536-byte limit) and invalid JSON (trailing garbage).
 */
function jsonBytes(value: Record<string, unknown> | unknown[], d: Draw): Uint8Array<ArrayBuffer> {
  const add = (name: string, x: unknown) => {
    if (Array.isArray(value)) value.push(x);
    else value[name] = x;
  };
  if (d.faults.has("nesting")) add("deep", DEEP);
  if (d.faults.has("size")) add("pad", "x".repeat(70_000));
  const text = JSON.stringify(value) + (d.faults.has("json") ? "}" : "");
  return new TextEncoder().encode(text);
}

/**
 * `init` for a body: the media type of the `media` fault (or `type`), and an oversized body
 * streamed without `Content-Length` when the size fault's variant says so.
 */
function withBody(
  d: Draw,
  bytes: Uint8Array<ArrayBuffer>,
  type: string,
  headers: Record<string, string>,
): RequestInit {
  const media = d.faults.has("media") ? d.v.media! : type;
  const h: Record<string, string> = { ...headers };
  if (media !== "none") h["content-type"] = media;
  if (d.faults.has("size") && d.v.size === "streamed") {
    return {
      method: "POST",
      headers: h,
      body: new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 16_384) c.enqueue(bytes.slice(i, i + 16_384));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit;
  }
  return { method: "POST", headers: h, body: bytes };
}

describe("order of checks (SPEC §6.6.1)", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  let h: Harness;
  let m: typeof import("../support/harness.ts");
  /** Rate-limit windows (by kind: device, proof, backend, token) that answer "full". */
  const full = new Set<string>();
  /** Devices with live sessions of client a (two) and b; sessions ended and gone (of a). */
  let live: DeviceT, other: DeviceT, foreign: DeviceT, ended: DeviceT, gone: DeviceT;
  let backendA: BackendT;
  let actionA = "", actionB = "";

  before(async () => {
    m = await import("../support/harness.ts");
    const { MemoryStore } = await import("../../../adapters/store/memory.ts");
    let clock = () => Date.now();
    const memory = new MemoryStore({ now: () => clock() });
    // Every window counts 1 (never limited) but those in `full`, which are far over any limit.
    const store = new Proxy(memory, {
      get(target, prop) {
        if (prop === "incrWindow") {
          return (key: string, nowMs: number, windowMs: number) =>
            Promise.resolve({
              count: full.has(key.split(":")[2]!) ? 1_000_000_000 : 1,
              resetAtMs: nowMs + windowMs,
            });
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Store;
    h = await m.startHarness({ store, rateLimits: {} });
    clock = () => h.nowMs();
    const session = async (clientId: string, agoMs = 0) => {
      h.advance(-agoMs);
      try {
        const d = await m.Device.create(h, clientId);
        await d.createSession();
        return d;
      } finally {
        h.advance(agoMs);
      }
    };
    // Ended (idle for 2 h > 1800 s) but within retention; gone: beyond retention (SPEC §12).
    ended = await session("a", 2 * 3600_000);
    gone = await session("a", 2 * 86_400_000);
    live = await session("a");
    other = await session("a");
    foreign = await session("b");
    backendA = await m.Backend.create(h, "a");
    const backendB = await m.Backend.create(h, "b");
    const trigger = async (b: BackendT, d: DeviceT) => {
      const r = await b.trigger({ action_type: "login", session_token: d.sessionToken });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return r.json.action_token as string;
    };
    actionA = await trigger(backendA, live);
    actionB = await trigger(backendB, foreign);
  });
  after(() => h.close());

  /** Sends `request` with the rate-limit windows of `d` full, and checks the answer. */
  async function check(
    steps: readonly Step[],
    d: Draw,
    limits: Record<string, string>,
    request: () => Promise<Response>,
  ): Promise<void> {
    const want = expected(steps, d);
    for (const [fault, kind] of Object.entries(limits)) if (d.faults.has(fault)) full.add(kind);
    let got: { status: number; json: Record<string, unknown> };
    try {
      got = await m.read(await request());
    } finally {
      full.clear();
    }
    const faults = [...d.faults].map((f) => `${f}=${d.v[f]}`).join(" ");
    const answer = { status: got.status, code: got.json.code };
    // SPEC §6.6.1: a declared Content-Length over the limit may be answered 413 first, unread.
    if (d.faults.has("size") && d.v.size === "declared" && got.status === 413) {
      assert.equal(got.json.code, TOO_LARGE.code, faults);
      return;
    }
    assert.deepEqual(answer, want, `faults: ${faults}; answered ${JSON.stringify(got.json)}`);
  }

  const originOf = (d: Draw): Record<string, string> =>
    d.faults.has("origin")
      ? { origin: EVIL }
      : d.origin === "client"
      ? { origin: "https://a.example" }
      : d.origin === "self"
      ? { origin: new URL(h.url).origin }
      : {};

  /** A proof by `signer` for `path`, or the proof fault of `d` (`key`: by another key). */
  async function proofHeader(
    d: Draw,
    signer: DeviceT,
    path: string,
  ): Promise<Record<string, string>> {
    const nonce = live.nonce;
    if (!d.faults.has("proof")) return { "ds-proof": await signer.proof(path, { nonce }) };
    switch (d.v.proof) {
      case "missing":
        return {};
      case "target":
        return { "ds-proof": await signer.proof("/v1/device/telemetry", { nonce }) };
      case "stale-iat":
        return { "ds-proof": await signer.proof(path, { nonce, iat: h.nowS() - 600 }) };
      default: // key: another device's key
        return { "ds-proof": await signer.proof(path, { nonce, key: other.key }) };
    }
  }

  it(
    "session create: body, client, origin, proofs' rate limit, proof",
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(draws(CREATE), async (d) => {
          const body: Record<string, unknown> = {
            client_id: d.faults.has("client") ? "zz-unknown" : "a",
            key_assurance: "ephemeral",
            key_event: "created",
          };
          if (d.faults.has("schema")) {
            if (d.v.schema === "key_event") body.key_event = "bogus";
            else if (d.v.schema === "key_assurance") delete body.key_assurance;
            else body.client_id = d.faults.has("client") ? "not a client id!" : 17;
          }
          const headers = {
            ...originOf(d),
            ...await proofHeader(d, live, "/v1/device/sessions"),
          };
          await check(CREATE, d, { deviceLimit: "device", proofLimit: "proof" }, () =>
            h.fetch(
              "/v1/device/sessions",
              withBody(d, jsonBytes(body, d), "application/json", headers),
            ));
        }),
        { numRuns: 100 },
      );
    },
  );

  it(
    "session refresh: body, proofs' rate limit, proof, session, origin, end",
    { timeout: 60_000 },
    async () => {
      // A "key" proof is a fault only against a known session's key (SPEC §5.2 step 8).
      const fix = (d: Draw): Draw =>
        d.faults.has("unknown") && d.v.proof === "key"
          ? { ...d, v: { ...d.v, proof: "target" } }
          : d;
      await fc.assert(
        fc.asyncProperty(draws(REFRESH, fix), async (d) => {
          const device = d.faults.has("ended") ? ended : live;
          const sid = d.faults.has("unknown") ? "s_unknownSessionOfNobody0" : device.sessionId;
          const path = `/v1/device/sessions/${sid}/refresh`;
          // The schema fault: an array, not an object (its elements carry the other body faults).
          const bytes = jsonBytes(d.faults.has("schema") ? [] : {}, d);
          const headers = { ...originOf(d), ...await proofHeader(d, device, path) };
          await check(
            REFRESH,
            d,
            { deviceLimit: "device", proofLimit: "proof" },
            () => h.fetch(path, withBody(d, bytes, "application/json", headers)),
          );
        }),
        { numRuns: 100 },
      );
    },
  );

  it("a refresh needs no Content-Type without a body, and one with a body (SPEC §6.0)", {
    timeout: 60_000,
  }, async () => {
    const path = `/v1/device/sessions/${live.sessionId}/refresh`;
    const send = async (body: Uint8Array<ArrayBuffer> | null) =>
      await h.fetch(path, {
        method: "POST",
        headers: { "ds-proof": await live.proof(path) },
        ...(body === null ? {} : { body }),
      });
    assert.equal((await send(null)).status, 200, "no body, no Content-Type");
    for (const text of ["{}", "[]", " "]) {
      const r = await send(new TextEncoder().encode(text));
      assert.equal(r.status, 415, `body ${JSON.stringify(text)} without a Content-Type`);
      assert.equal((await r.json()).code, "ERR_UNSUPPORTED_MEDIA_TYPE");
    }
    // In chunks (no Content-Length): none is no body, one is a body.
    const chunked = async (chunks: string[]) =>
      await h.fetch(path, {
        method: "POST",
        headers: { "ds-proof": await live.proof(path) },
        body: new ReadableStream<Uint8Array>({
          start(c) {
            for (const x of chunks) c.enqueue(new TextEncoder().encode(x));
            c.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    assert.equal((await chunked([])).status, 200, "no chunks, no Content-Type");
    const r = await chunked(["{", "}"]);
    assert.equal(r.status, 415, "a chunked body without a Content-Type");
    assert.equal((await r.json()).code, "ERR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("telemetry: body, batch limits, schema, client, origin, session token, session", {
    timeout: 60_000,
  }, async () => {
    // An empty batch cannot carry too many events: then the schema fault is another one.
    const fix = (d: Draw): Draw =>
      d.faults.has("batch") && d.v.schema === "empty" ? { ...d, v: { ...d.v, schema: "ver" } } : d;
    await fc.assert(
      fc.asyncProperty(draws(TELEMETRY, fix), async (d) => {
        const session = d.faults.has("gone") ? gone : live;
        let token = session.sessionToken;
        if (d.faults.has("token")) {
          token = d.v.token === "sub"
            ? other.sessionToken
            : d.v.token === "aud"
            ? foreign.sessionToken
            : tamper(session.sessionToken);
        }
        let events = [m.ev(1, "page", { kind: "load" })];
        if (d.faults.has("batch")) {
          events = d.v.batch === "events"
            ? Array.from({ length: 101 }, (_, i) => m.ev(i + 1, "page", { kind: "load" }))
            : [m.ev(1, "page", { kind: "load", blob: "y".repeat(5000) })];
        }
        const batch: Record<string, unknown> = {
          ver: 1,
          client_id: d.faults.has("client") ? "zz-unknown" : "a",
          session_id: session.sessionId,
          session_token: token,
          events,
          dropped: { total: 0, by_priority: {} },
          sent_at_ms: Date.now(),
        };
        if (d.faults.has("schema")) {
          if (d.v.schema === "ver") batch.ver = 2;
          else if (d.v.schema === "sent_at_ms") batch.sent_at_ms = "now";
          else batch.events = [];
        }
        await check(TELEMETRY, d, { deviceLimit: "device" }, () =>
          h.fetch(
            "/v1/device/telemetry",
            withBody(d, jsonBytes(batch, d), "text/plain;charset=UTF-8", originOf(d)),
          ));
      }),
      { numRuns: 100 },
    );
  });

  /** The `Authorization` of a backend request, or the auth fault of `d`. */
  const authOf = (d: Draw): Record<string, string> => {
    if (!d.faults.has("auth")) return { authorization: `Bearer ${backendA.token}` };
    switch (d.v.auth) {
      case "missing":
        return {};
      case "garbage":
        return { authorization: "Bearer not-a-token" };
      case "tampered":
        return { authorization: `Bearer ${tamper(backendA.token)}` };
      default: // the client's credentials, not an access token
        return { authorization: `Basic ${btoa(`a:${m.SECRET_A}`)}` };
    }
  };

  it("POST /v1/backend/actions: authentication, rate limit, query, body, token", {
    timeout: 60_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(draws(ACTIONS), async (d) => {
        let token = live.sessionToken;
        if (d.faults.has("token")) {
          token = d.v.token === "aud" ? foreign.sessionToken : tamper(live.sessionToken);
        }
        const body: Record<string, unknown> = { action_type: "login", session_token: token };
        if (d.faults.has("schema")) {
          if (d.v.schema === "action_type") body.action_type = "Not A Type";
          else if (d.v.schema === "both") body.secured_session_token = token;
          else delete body.session_token;
        }
        const query = d.faults.has("query")
          ? `?get_recommendation=${d.v.query}`
          : ["", "?get_recommendation=true", "?get_recommendation=false"][d.pick]!;
        await check(ACTIONS, d, { backendLimit: "backend" }, () =>
          h.fetch(
            `/v1/backend/actions${query}`,
            withBody(d, jsonBytes(body, d), "application/json", authOf(d)),
          ));
      }),
      { numRuns: 100 },
    );
  });

  it("POST /v1/backend/actions/result: authentication, rate limit, body, token", {
    timeout: 60_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(draws(RESULT), async (d) => {
        let token = actionA;
        if (d.faults.has("token")) token = d.v.token === "aud" ? actionB : tamper(actionA);
        const body: Record<string, unknown> = { action_token: token, result: "failure" };
        if (d.faults.has("schema")) {
          if (d.v.schema === "result") body.result = "maybe";
          else if (d.v.schema === "challenge_type") body.challenge_type = "carrier_pigeon";
          else body.action_token = "x";
        }
        await check(RESULT, d, { backendLimit: "backend" }, () =>
          h.fetch(
            "/v1/backend/actions/result",
            withBody(d, jsonBytes(body, d), "application/json", authOf(d)),
          ));
      }),
      { numRuns: 100 },
    );
  });

  it(
    "POST /v1/oauth/token: rate limit, media type, form, credentials",
    { timeout: 60_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(draws(OAUTH), async (d) => {
          const id = d.faults.has("creds") && d.v.creds === "client" ? "zz-unknown" : "a";
          const secret = d.faults.has("creds") && d.v.creds === "secret"
            ? "not-the-secret-0123456789"
            : m.SECRET_A;
          const form = new URLSearchParams({ grant_type: "client_credentials" });
          const headers: Record<string, string> = {};
          const basic = `Basic ${btoa(`${id}:${secret}`)}`;
          const inForm = () => {
            form.set("client_id", id);
            form.set("client_secret", secret);
          };
          if (d.creds === "basic") headers.authorization = basic;
          else inForm();
          if (d.faults.has("form")) {
            if (d.v.form === "grant_type") form.set("grant_type", "password");
            else if (d.v.form === "repeated") form.append("grant_type", "client_credentials");
            // RFC 6749 §2.3: credentials both as Basic and in the form.
            else if (d.creds === "basic") inForm();
            else headers.authorization = basic;
          }
          const media = d.faults.has("media") ? d.v.media! : "application/x-www-form-urlencoded";
          if (media !== "none") headers["content-type"] = media;
          await check(OAUTH, d, { tokenLimit: "token" }, () =>
            h.fetch("/v1/oauth/token", {
              method: "POST",
              headers,
              body: new TextEncoder().encode(form.toString()),
            }));
        }),
        { numRuns: 100 },
      );
    },
  );
});
