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
import type { Backend as BackendT, Device as DeviceT, Harness } from "../support/harness.ts";
import type { Store } from "../../../adapters/store/types.ts";
import {
  ACTIONS,
  chunked,
  CREATE,
  type Draw,
  draws,
  everyDraw,
  EVIL,
  expected,
  jsonBytes,
  OAUTH,
  REFRESH,
  RESULT,
  type Step,
  tamper,
  TELEMETRY,
  TOO_LARGE,
  withBody,
} from "./check-order-model.ts";

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
      await everyDraw(draws(CREATE), async (d) => {
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
      });
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
      await everyDraw(draws(REFRESH, fix), async (d) => {
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
      });
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
    const sendChunks = async (text: string) =>
      await h.fetch(path, {
        method: "POST",
        headers: { "ds-proof": await live.proof(path) },
        body: chunked(new TextEncoder().encode(text), 1),
        duplex: "half",
      } as RequestInit);
    assert.equal((await sendChunks("")).status, 200, "no chunks, no Content-Type");
    const r = await sendChunks("{}");
    assert.equal(r.status, 415, "a chunked body without a Content-Type");
    assert.equal((await r.json()).code, "ERR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("telemetry: body, batch limits, schema, client, origin, session token, session", {
    timeout: 60_000,
  }, async () => {
    // An empty batch cannot carry too many events: then the schema fault is another one.
    const fix = (d: Draw): Draw =>
      d.faults.has("batch") && d.v.schema === "empty" ? { ...d, v: { ...d.v, schema: "ver" } } : d;
    await everyDraw(draws(TELEMETRY, fix), async (d) => {
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
    });
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
    await everyDraw(draws(ACTIONS), async (d) => {
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
    });
  });

  it("POST /v1/backend/actions/result: authentication, rate limit, body, token", {
    timeout: 60_000,
  }, async () => {
    await everyDraw(draws(RESULT), async (d) => {
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
    });
  });

  it(
    "POST /v1/oauth/token: rate limit, media type, form, credentials",
    { timeout: 60_000 },
    async () => {
      await everyDraw(draws(OAUTH), async (d) => {
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
      });
    },
  );
});
