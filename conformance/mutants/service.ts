/**
 * Deliberately broken services for the suite's self-test: each wraps our real service (its fetch
 * handler, or its crypto port) and breaks one rule; `fails` names exactly the checks the suite
 * must fail for it (test/conformance asserts that).
 *
 * @module
 */
import { encodeBase64Url } from "../../core/token/base64url.ts";
import { encodeJsonSegment, parseJws } from "../../core/token/jws.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { randomId } from "../../adapters/crypto/random.ts";
import type { Store } from "../../adapters/store/types.ts";
import { STATE_MUTANTS } from "./service-state.ts";

/** A fetch handler (our service's `fetch`). */
export type Handler = (request: Request) => Promise<Response>;

/** What a mutant may wrap. */
export interface ServiceMutant {
  readonly description: string;
  /** The check ids the suite must fail, exactly. */
  readonly fails: readonly string[];
  /** Wraps the service's handler; `credentials` are the client's under test. */
  readonly wrap?: (inner: Handler, credentials: { id: string; secret: string }) => Handler;
  /** Wraps the service's verification crypto. */
  readonly crypto?: (base: VerifyCrypto) => VerifyCrypto;
  /** Wraps the service's store (state that ages or counts wrongly). */
  readonly store?: (base: Store) => Store;
}

async function codeOf(res: Response): Promise<string | undefined> {
  try {
    return (await res.clone().json()).code;
  } catch {
    return undefined;
  }
}

function withBody(req: Request, body: unknown): Request {
  return new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body: JSON.stringify(body),
  });
}

/** Accepts a secure token the service refused with `code`, as if it were its session token. */
function waiveSecure(code: string): ServiceMutant["wrap"] {
  return (inner) => async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method !== "POST" || !path.startsWith("/v1/backend/")) return inner(req);
    const text = await req.clone().text();
    const res = await inner(req);
    if (res.ok || (await codeOf(res)) !== code) return res;
    const body = JSON.parse(text);
    const tok = parseJws(body.secured_session_token).payload.tok;
    const { secured_session_token: _, ...rest } = body;
    return inner(withBody(req, { ...rest, session_token: tok }));
  };
}

// Answers the device_id a session create asked for, whatever the service assigned (§6.2.1).
const deviceTakeover: ServiceMutant["wrap"] = (inner) => async (req) => {
  if (req.method !== "POST" || new URL(req.url).pathname !== "/v1/device/sessions") {
    return inner(req);
  }
  const asked = await req.clone().json().then((b) => b?.device_id, () => undefined);
  const res = await inner(req);
  if (res.status !== 201 || typeof asked !== "string") return res;
  const body = await res.json();
  return new Response(JSON.stringify({ ...body, device_id: asked }), {
    status: res.status,
    headers: res.headers,
  });
};

// Renumbers batches that repeat a seq, so the service stores duplicates again (no dedupe, §8.5).
const noDedupe: ServiceMutant["wrap"] = (inner) => {
  const seen = new Map<string, Set<number>>();
  let shift = 0;
  return async (req) => {
    if (new URL(req.url).pathname !== "/v1/device/telemetry") return inner(req);
    const text = await req.clone().text();
    let batch: { session_id: string; events: { seq: number }[] };
    try {
      batch = JSON.parse(text);
      if (!Array.isArray(batch.events)) return inner(req);
    } catch {
      return inner(req);
    }
    const known = seen.get(batch.session_id) ?? new Set<number>();
    const offset = batch.events.some((e) => known.has(e.seq)) ? (shift += 1_000_000) : 0;
    const res = await inner(withBody(req, {
      ...batch,
      events: batch.events.map((e) => ({ ...e, seq: e.seq + offset })),
    }));
    if (res.status !== 200) return res;
    for (const e of batch.events) known.add(e.seq);
    seen.set(batch.session_id, known);
    const ack = await res.json();
    ack.acked_seq -= offset;
    for (const a of ack.actions ?? []) a.seq -= offset;
    return new Response(JSON.stringify(ack), { status: 200, headers: res.headers });
  };
};

// Refreshes without a proof: forges one (zero signature) that the mutated crypto accepts (§6.3).
const forgeMissingProof: ServiceMutant["wrap"] = (inner) => {
  const sessions = new Map<string, { jwk: unknown; alg: unknown; clientId: string }>();
  return async (req) => {
    const url = new URL(req.url);
    if (req.method === "POST" && url.pathname === "/v1/device/sessions") {
      const proof = req.headers.get("ds-proof");
      const clientId = (await req.clone().json().catch(() => ({}))).client_id;
      const res = await inner(req);
      if (res.status === 201 && proof) {
        const h = parseJws(proof).header;
        sessions.set((await res.clone().json()).session_id, { jwk: h.jwk, alg: h.alg, clientId });
      }
      return res;
    }
    const m = /^\/v1\/device\/sessions\/([^/]+)\/refresh$/.exec(url.pathname);
    const known = m ? sessions.get(decodeURIComponent(m[1]!)) : undefined;
    if (!known || req.headers.has("ds-proof")) return inner(req);
    const config = await (await inner(
      new Request(`${url.origin}/v1/device/config?client_id=${known.clientId}`),
    )).json();
    const header = encodeJsonSegment({ alg: known.alg, typ: "ds-proof+jwt", jwk: known.jwk });
    const claims = encodeJsonSegment({
      htm: "POST",
      htu: `${url.origin}${url.pathname}`,
      iat: config.time,
      jti: randomId(),
      nonce: config.nonce,
      ver: 1,
    });
    const headers = new Headers(req.headers);
    headers.set("ds-proof", `${header}.${claims}.${encodeBase64Url(new Uint8Array(64))}`);
    return inner(new Request(req.url, { method: "POST", headers, body: await req.text() }));
  };
};

// Serves backend calls that carry no access token as the client under test (§7.0).
const openBackend: ServiceMutant["wrap"] = (inner, cred) => {
  let token: string | null = null;
  return async (req) => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith("/v1/backend/") || req.headers.has("authorization")) {
      return inner(req);
    }
    if (token === null) {
      const res = await inner(
        new Request(`${url.origin}/v1/oauth/token`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `Basic ${btoa(`${cred.id}:${cred.secret}`)}`,
          },
          body: "grant_type=client_credentials",
        }),
      );
      token = (await res.json()).access_token;
    }
    const headers = new Headers(req.headers);
    headers.set("authorization", `Bearer ${token}`);
    return inner(new Request(req.url, { method: req.method, headers, body: await req.text() }));
  };
};

// Takes what it can of an oversize batch instead of refusing it (§6.0, §12).
const noLimits: ServiceMutant["wrap"] = (inner) => async (req) => {
  if (new URL(req.url).pathname !== "/v1/device/telemetry") return inner(req);
  const text = await req.clone().text();
  const res = await inner(req);
  if (res.status !== 413 && res.status !== 422) return res;
  const batch = JSON.parse(text);
  const events = batch.events.slice(0, 100).map((e: { data: Record<string, unknown> }) => {
    const { pad: _, ...data } = e.data;
    return { ...e, data };
  });
  return inner(withBody(req, { ...batch, events }));
};

/**
 * The broken services, by name.
 *
 * @example
 * ```ts
 * declare const service: { fetch: Handler };
 * declare const secret: string;
 * const m = SERVICE_MUTANTS["no-dedupe"];
 * const handler = m.wrap!((r) => service.fetch(r), { id: "a", secret });
 * ```
 */
export const SERVICE_MUTANTS: Readonly<Record<string, ServiceMutant>> = {
  "secure-replay": {
    description: "accepts a replayed secure session token",
    fails: ["svc.secure.accepted-once", "svc.secure.replay-late", "svc.secure.users-clear"],
    wrap: waiveSecure("ERR_REPLAYED"),
  },
  "any-action": {
    description: "ignores the action a secure session token is bound to",
    fails: ["svc.secure.action-mismatch"],
    wrap: waiveSecure("ERR_ACTION_MISMATCH"),
  },
  "secure-expired": {
    description: "accepts an expired secure session token",
    fails: ["svc.secure.expired"],
    wrap: waiveSecure("ERR_TOKEN_EXPIRED"),
  },
  "no-binding": {
    description: "accepts a secure token signed by another device's key",
    fails: ["svc.secure.foreign-device"],
    wrap: waiveSecure("ERR_BINDING_MISMATCH"),
  },
  "device-takeover": {
    description: "hands a requested device id to whichever key asks for it",
    fails: [
      "svc.session.device-binding",
      "svc.session.unknown-device-id",
      "svc.signals.key-changed",
    ],
    wrap: deviceTakeover,
  },
  "no-dedupe": {
    description: "stores a duplicate telemetry batch again",
    fails: [
      "svc.telemetry.duplicate",
      "svc.telemetry.seqs",
      "svc.telemetry.action-once",
      "svc.telemetry.facts",
      "svc.telemetry.property",
    ],
    wrap: noDedupe,
  },
  "refresh-no-proof": {
    description: "refreshes a session without a device proof",
    fails: ["svc.refresh.proof-missing"],
    wrap: forgeMissingProof,
    crypto: (base) => ({
      importKey: (jwk, alg) => base.importKey(jwk, alg),
      sha256: (data) => base.sha256(data),
      verify: (alg, key, input, signature) =>
        signature.every((b) => b === 0) ? true : base.verify(alg, key, input, signature),
    }),
  },
  "open-backend": {
    description: "serves backend calls without an access token",
    fails: ["svc.backend.auth-missing"],
    wrap: openBackend,
  },
  "no-limits": {
    description: "takes oversize telemetry batches instead of refusing them",
    fails: [
      "svc.telemetry.limit-count",
      "svc.telemetry.limit-event",
      "svc.telemetry.limit-batch",
      "svc.telemetry.limit-body",
      "svc.telemetry.limit-chunked",
    ],
    wrap: noLimits,
  },
  ...STATE_MUTANTS,
};
