/**
 * The benchmark's cases: each makes a fresh request per call (proofs, secure tokens and telemetry
 * seqs must not repeat), with single-use inputs minted ahead of the timed loop. Prepared against
 * any `call` (the service's `fetch` in-process, or HTTP from the load generator's process).
 *
 * The cache-miss cases rotate over more sessions than the service's verified-token cache holds
 * (4096), so every request verifies its session token's signature afresh.
 *
 * @module
 */
import { deviceSigner, generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { mintDeviceProof, mintSecureSessionToken } from "../../adapters/crypto/mint.ts";
import { arg } from "./common.ts";

/** A request as the cases describe it (turned into a `Request` or wire bytes). */
export interface Req {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What a scenario sends: a fresh request each call (tokens and seqs must not repeat). */
export type Case<T> = {
  name: string;
  next: () => T | Promise<T>;
  expect: number;
  /** Only for the floors (floor.ts): the service would refuse it after the first time. */
  floorOnly?: true;
};

/** More sessions than the service's verified-token cache holds. */
export const MISS_SESSIONS = 5000;

/** The cases, against the service at `base`, made by `call`; `sessions` > 0 adds cache-miss cases. */
export async function scenarios(
  base: string,
  call: (r: Req) => Promise<Response>,
  sessions = 0,
): Promise<Case<Req>[]> {
  const json = async (r: Req) => (await (await call(r)).json()) as Record<string, string>;
  const key = await generateDeviceKey({ alg: "EdDSA" });
  const signer = deviceSigner(key);
  const nonce =
    (await json({ method: "GET", path: "/v1/device/config?client_id=bench", headers: {} }))
      .nonce!;
  const proof = () =>
    mintDeviceProof(signer, { htm: "POST", htu: `${base}/v1/device/sessions`, nonce });
  const createBody = JSON.stringify({
    client_id: "bench",
    key_assurance: "persistent-nonextractable",
    key_event: "none",
    attributes: { platform: "browser" },
  });
  const createReq = async (): Promise<Req> => ({
    method: "POST",
    path: "/v1/device/sessions",
    headers: { "content-type": "application/json", "ds-proof": await proof() },
    body: createBody,
  });
  const created = await json(await createReq());
  const sessionToken = created.session_token!;
  const access = (await json({
    method: "POST",
    path: "/v1/oauth/token",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=bench&client_secret=bench-secret-0123456789",
  })).access_token!;
  const backend = { authorization: `Bearer ${access}`, "content-type": "application/json" };
  const action = await json({
    method: "POST",
    path: "/v1/backend/actions",
    headers: backend,
    body: JSON.stringify({ action_type: "login", session_token: sessionToken }),
  });
  // Many sessions for the cache-miss cases, created a few at a time.
  const many: { id: string; token: string; seq: number }[] = [];
  while (many.length < sessions) {
    const reqs = await Promise.all(Array.from({ length: 16 }, createReq));
    for (const c of await Promise.all(reqs.map(json))) {
      many.push({ id: c.session_id!, token: c.session_token!, seq: 0 });
    }
  }
  const one = { id: created.session_id!, token: sessionToken, seq: 0 };
  // 20 events as collectors send them: page, device and interaction kinds, timings only. The
  // body is the JSON.stringify of the batch, assembled from its fixed parts (the load
  // generator's cost per request stays small next to the service's).
  const DATA = Array.from({ length: 20 }, (_, i) =>
    JSON.stringify(
      i === 0
        ? { kind: "load", path: "/checkout" }
        : { kind: ["pointer", "click", "keys"][i % 3], count: i, dt_ms: 40 + i },
    ));
  const batch = (s: { id: string; token: string; seq: number }): Req => {
    let events = "";
    for (let i = 0; i < 20; i++) {
      const seq = ++s.seq;
      events += `${i === 0 ? "" : ","}{"seq":${seq},"time_ms":${1795000000000 + seq},"type":"${
        i === 0 ? "page" : "interaction"
      }","data":${DATA[i]}}`;
    }
    return {
      method: "POST",
      path: "/v1/device/telemetry",
      headers: { "content-type": "text/plain" },
      body: `{"ver":1,"client_id":"bench","session_id":${JSON.stringify(s.id)},"session_token":${
        JSON.stringify(s.token)
      },"events":[${events}],"dropped":{"total":0,"by_priority":{}},"sent_at_ms":1795000000000}`,
    };
  };
  const trigger = (token: string): Req => ({
    method: "POST",
    path: "/v1/backend/actions",
    headers: backend,
    body: JSON.stringify({ action_type: "login", session_token: token, ip: "203.0.113.7" }),
  });
  // Requests that never change are one object each (the load generator encodes them once).
  const sessionTrigger = trigger(sessionToken);
  const config: Req = { method: "GET", path: "/v1/device/config?client_id=bench", headers: {} };
  const recommendation: Req = {
    method: "GET",
    path: `/v1/backend/recommendation?action_token=${action.action_token}`,
    headers: { authorization: backend.authorization },
  };
  // Single-use inputs are made ahead, outside the timed loop.
  const proofs: string[] = [];
  const secures: string[] = [];
  const secure = () =>
    mintSecureSessionToken(signer, { sessionToken, action: "transaction", expirationSeconds: 600 });
  const prepared = Number(arg("prepared", "12000"));
  for (let i = 0; i < prepared; i++) proofs.push(await proof());
  for (let i = 0; i < prepared; i++) secures.push(await secure());
  let turn = 0;
  const rotate = () => many[turn++ % many.length]!;
  const cases: Case<Req>[] = [
    { name: "config (GET)", expect: 200, next: () => config },
    {
      name: "session create (proof)",
      expect: 201,
      next: async () => ({
        method: "POST",
        path: "/v1/device/sessions",
        headers: { "content-type": "application/json", "ds-proof": proofs.pop() ?? await proof() },
        body: createBody,
      }),
    },
    { name: "telemetry, 20 events", expect: 200, next: () => batch(one) },
    { name: "trigger (session token)", expect: 201, next: () => sessionTrigger },
    {
      name: "trigger (secure token)",
      expect: 201,
      next: async () => ({
        method: "POST",
        path: "/v1/backend/actions",
        headers: backend,
        body: JSON.stringify({
          action_type: "transaction",
          secured_session_token: secures.pop() ?? await secure(),
        }),
      }),
    },
    { name: "recommendation (GET)", expect: 200, next: () => recommendation },
  ];
  // For the floors (floor.ts), which keep no replay record: one secure token, sent again and
  // again, so they spend none of the single-use ones the service's case needs.
  const reused = {
    method: "POST",
    path: "/v1/backend/actions",
    headers: backend,
    body: JSON.stringify({ action_type: "transaction", secured_session_token: await secure() }),
  };
  cases.push({
    name: "trigger (secure token), one token",
    expect: 201,
    next: () => reused,
    floorOnly: true,
  });
  if (many.length > 0) {
    cases.push(
      { name: "telemetry, cache miss", expect: 200, next: () => batch(rotate()) },
      {
        name: "trigger (session token), cache miss",
        expect: 201,
        next: () => trigger(rotate().token),
      },
    );
  }
  return cases;
}
