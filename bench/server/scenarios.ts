/**
 * The benchmark's cases: each makes a fresh request per call (proofs, secure tokens and telemetry
 * seqs must not repeat), with single-use inputs minted ahead of the timed loop.
 *
 * @module
 */
import type { Service } from "../../server.ts";
import { deviceSigner, generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { mintDeviceProof, mintSecureSessionToken } from "../../adapters/crypto/mint.ts";
import { arg } from "./common.ts";

/** What a scenario sends: a fresh request each call (tokens and seqs must not repeat). */
export type Scenario = { name: string; next: () => Request | Promise<Request>; expect: number };

/** The cases, against `service` at `base`. */
export async function scenarios(service: Service, base: string): Promise<Scenario[]> {
  const call = async (path: string, init?: RequestInit) => {
    const r = await service.fetch(new Request(base + path, init));
    return { status: r.status, json: await r.json() as Record<string, string> };
  };
  const key = await generateDeviceKey({ alg: "EdDSA" });
  const signer = deviceSigner(key);
  const nonce = (await call("/v1/device/config?client_id=bench")).json.nonce!;
  const proof = () =>
    mintDeviceProof(signer, { htm: "POST", htu: `${base}/v1/device/sessions`, nonce });
  const createBody = JSON.stringify({
    client_id: "bench",
    key_assurance: "persistent-nonextractable",
    key_event: "none",
    attributes: { platform: "browser" },
  });
  const created = await call("/v1/device/sessions", {
    method: "POST",
    headers: { "content-type": "application/json", "ds-proof": await proof() },
    body: createBody,
  });
  const sessionToken = created.json.session_token!;
  const sessionId = created.json.session_id!;
  const access = (await call("/v1/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=bench&client_secret=bench-secret-0123456789",
  })).json.access_token!;
  const backend = { authorization: `Bearer ${access}`, "content-type": "application/json" };
  const action = (await call("/v1/backend/actions", {
    method: "POST",
    headers: backend,
    body: JSON.stringify({ action_type: "login", session_token: sessionToken }),
  })).json;
  let seq = 0;
  // 20 events as collectors send them: page, device and interaction kinds, timings only.
  const batch = () => {
    const events = [];
    for (let i = 0; i < 20; i++) {
      seq++;
      events.push({
        seq,
        time_ms: 1795000000000 + seq,
        type: i === 0 ? "page" : "interaction",
        data: i === 0
          ? { kind: "load", path: "/checkout" }
          : { kind: ["pointer", "click", "keys"][i % 3], count: i, dt_ms: 40 + i },
      });
    }
    return JSON.stringify({
      ver: 1,
      client_id: "bench",
      session_id: sessionId,
      session_token: sessionToken,
      events,
      dropped: { total: 0, by_priority: {} },
      sent_at_ms: 1795000000000,
    });
  };
  // Single-use inputs are made ahead, outside the timed loop.
  const proofs: string[] = [];
  const secures: string[] = [];
  const secure = () =>
    mintSecureSessionToken(signer, { sessionToken, action: "transaction", expirationSeconds: 600 });
  const fill = async (n: number) => {
    for (let i = 0; i < n; i++) proofs.push(await proof());
    for (let i = 0; i < n; i++) secures.push(await secure());
  };
  await fill(Number(arg("prepared", "12000")));
  const req = (path: string, init?: RequestInit) => new Request(base + path, init);
  return [
    { name: "config (GET)", expect: 200, next: () => req("/v1/device/config?client_id=bench") },
    {
      name: "session create (proof)",
      expect: 201,
      next: async () =>
        req("/v1/device/sessions", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "ds-proof": proofs.pop() ?? await proof(),
          },
          body: createBody,
        }),
    },
    {
      name: "telemetry, 20 events",
      expect: 200,
      next: () =>
        req("/v1/device/telemetry", {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: batch(),
        }),
    },
    {
      name: "trigger action (session token)",
      expect: 201,
      next: () =>
        req("/v1/backend/actions", {
          method: "POST",
          headers: backend,
          body: JSON.stringify({
            action_type: "login",
            session_token: sessionToken,
            ip: "203.0.113.7",
          }),
        }),
    },
    {
      name: "trigger action (secure token)",
      expect: 201,
      next: async () =>
        req("/v1/backend/actions", {
          method: "POST",
          headers: backend,
          body: JSON.stringify({
            action_type: "transaction",
            secured_session_token: secures.pop() ?? await secure(),
          }),
        }),
    },
    {
      name: "recommendation (GET)",
      expect: 200,
      next: () =>
        req(`/v1/backend/recommendation?action_token=${action.action_token}`, { headers: backend }),
    },
  ];
}
