/**
 * Service checks of the device session: create and refresh (SPEC §6.2, §6.3) with valid and
 * deliberately wrong device proofs (§5.2), and the session token they issue (§5.3).
 *
 * @module
 */
import { encodeJsonSegment, parseJws } from "../../core/token/jws.ts";
import { verifySessionToken } from "../../verify.ts";
import { generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { Device } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import {
  checkServiceHeader,
  expectError,
  expectStatus,
  needIssuer,
  needJwks,
  type ServiceContext,
} from "./context.ts";
import { body } from "./http.ts";

const ID = (prefix: string) => new RegExp(`^${prefix}[A-Za-z0-9_-]{1,127}$`);
const CREATE = "/v1/device/sessions";

/**
 * Runs the session checks; answers a device with a live session (or `null`) for later checks.
 *
 * @example
 * ```ts
 * const device = await sessionChecks(ctx);
 * ```
 */
export async function sessionChecks(c: ServiceContext): Promise<Device | null> {
  const { run, http } = c;
  let device: Device | null = null;
  let created: Record<string, unknown> | null = null;

  await run.check(C["svc.session.create"], async (t) => {
    const d = await Device.create(http, "EdDSA");
    const x = await d.createRaw();
    const b = expectStatus(t, x, 201, "create");
    t.wire("CreateSessionResponse", b, "create response");
    t.ok(ID("s_").test(String(b.session_id)), `session_id ${b.session_id}`);
    t.ok(ID("d_").test(String(b.device_id)), `device_id ${b.device_id}`);
    t.ok(Number(b.session_expires_at) > http.nowS(), "session_expires_at is in the future");
    await d.createSession();
    device = d;
    created = body(d.lastCreate!);
  });

  await run.check(C["svc.session.token-header"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    await checkServiceHeader(t, d.sessionToken, "ds-session+jwt", needJwks(t, c), "session token");
  });

  await run.check(C["svc.session.token-claims"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    const b = created!;
    const issuer = needIssuer(t, c);
    const jwks = needJwks(t, c);
    const p = parseJws(d.sessionToken).payload;
    t.wire("SessionClaims", p, "session token claims");
    t.equal(p.iss, issuer, "iss");
    t.equal(p.aud, http.target.clientId, "aud");
    t.equal(p.sub, b.session_id, "sub");
    t.equal(p.did, b.device_id, "did");
    t.equal(p.cnf, { jkt: d.key.jkt }, "cnf");
    t.equal(p.exp, b.token_expires_at, "exp (token_expires_at)");
    t.equal(
      (p.exp as number) - (p.iat as number),
      c.config?.token_lifetime_s,
      "exp − iat (token_lifetime_s)",
    );
    try {
      await verifySessionToken(d.sessionToken, {
        issuer,
        audience: http.target.clientId,
        jwks,
        now: http.nowS(),
      });
    } catch (e) {
      t.fail(`the token does not verify against the JWKS: ${e instanceof Error ? e.message : e}`);
    }
  });

  await run.check(C["svc.session.create-es256"], async (t) => {
    const d = await Device.create(http, "ES256");
    const b = expectStatus(t, await d.createRaw(), 201, "create with an ES256 key");
    const p = parseJws(String(b.session_token)).payload;
    t.equal(p.cnf, { jkt: d.key.jkt }, "cnf (the ES256 key's thumbprint)");
  });

  await run.check(C["svc.session.device-id"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    const b = expectStatus(
      t,
      await d.createRaw({ body: { device_id: d.deviceId } }),
      201,
      "create",
    );
    t.equal(b.device_id, d.deviceId, "device_id");
    t.ok(b.session_id !== d.sessionId, "a new session id");
  });

  await run.check(C["svc.session.key-change"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    const other = await Device.create(http);
    const b = expectStatus(
      t,
      await other.createRaw({ body: { device_id: d.deviceId, key_event: "lost" } }),
      201,
      "create with the device id and another key",
    );
    t.equal(b.device_id, d.deviceId, "device_id");
  });

  await run.check(C["svc.session.unknown-device-id"], async (t) => {
    const d = await Device.create(http);
    const asked = "d_conformanceUnknownDevice01";
    const b = expectStatus(t, await d.createRaw({ body: { device_id: asked } }), 201, "create");
    t.ok(b.device_id !== asked, "a fresh device id is assigned");
  });

  await run.check(C["svc.session.invalid-body"], async (t) => {
    const d = await Device.create(http);
    await d.config();
    const x = await d.createRaw({ body: { key_assurance: undefined } });
    expectError(t, x, 400, "ERR_INVALID_BODY", "without key_assurance");
    const y = await http.call("POST", CREATE, {
      headers: { "ds-proof": await d.proof(CREATE), "content-type": "application/json" },
      body: "{not json",
    });
    expectError(t, y, 400, "ERR_INVALID_BODY", "not JSON");
  });

  await run.check(C["svc.session.unknown-client"], async (t) => {
    const d = await Device.create(http);
    await d.config();
    const x = await d.createRaw({ body: { client_id: "no-such-client-7f3a" } });
    expectError(t, x, 404, "ERR_CLIENT_UNKNOWN", "unknown client");
  });

  await proofChecks(c);
  if (device !== null) await refreshChecks(c, device);
  return device;
}

/** A proof's error must be 401 with `code` (ERR_REPLAYED: 409). */
const PROOF_ERRORS = [
  "ERR_TOKEN_MALFORMED",
  "ERR_JWK_INVALID",
  "ERR_CLAIM_MISSING",
  "ERR_UNAUTHENTICATED",
];

async function proofChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const d = await Device.create(http);
  await d.config();
  await run.check(C["svc.proof.missing"], async (t) => {
    expectError(t, await d.createRaw({ proof: null }), 401, PROOF_ERRORS, "no DS-Proof");
  });
  await run.check(C["svc.proof.replayed"], async (t) => {
    const proof = await d.proof(CREATE);
    expectStatus(t, await d.createRaw({ proof }), 201, "first use");
    expectError(t, await d.createRaw({ proof }), 409, "ERR_REPLAYED", "second use");
  });
  await run.check(C["svc.proof.stale"], async (t) => {
    const proof = await d.proof(CREATE, { iat: http.nowS() - 120 });
    expectError(t, await d.createRaw({ proof }), 401, "ERR_TOKEN_EXPIRED", "iat 120 s ago");
  });
  await run.check(C["svc.proof.future"], async (t) => {
    const proof = await d.proof(CREATE, { iat: http.nowS() + 60 });
    expectError(t, await d.createRaw({ proof }), 401, "ERR_TOKEN_NOT_YET_VALID", "iat in 60 s");
  });
  await run.check(C["svc.proof.nonce"], async (t) => {
    const proof = await d.proof(CREATE, { nonce: "conformance-unknown-nonce" });
    const x = await d.createRaw({ proof });
    expectError(t, x, 401, "ERR_NONCE_INVALID", "unknown nonce");
    const fresh = (body(x).details as { nonce?: unknown } | undefined)?.nonce;
    t.ok(typeof fresh === "string", "details.nonce carries a fresh nonce");
    t.equal(x.headers.get("ds-nonce"), fresh, "DS-Nonce header");
    const retry = await d.createRaw({ proof: await d.proof(CREATE, { nonce: String(fresh) }) });
    expectStatus(t, retry, 201, "the retry with details.nonce");
  });
  await run.check(C["svc.proof.target"], async (t) => {
    const other = await d.proof(CREATE, { htu: `${http.base}/v1/device/telemetry` });
    expectError(t, await d.createRaw({ proof: other }), 401, "ERR_PROOF_TARGET_MISMATCH", "htu");
    const host = await d.proof(CREATE, { htu: `https://attacker.example${CREATE}` });
    expectError(t, await d.createRaw({ proof: host }), 401, "ERR_PROOF_TARGET_MISMATCH", "host");
    const get = await d.proof(CREATE, { htm: "GET" });
    expectError(t, await d.createRaw({ proof: get }), 401, "ERR_PROOF_TARGET_MISMATCH", "htm");
  });
  await run.check(C["svc.proof.signature"], async (t) => {
    const other = await generateDeviceKey({ alg: "EdDSA" });
    const proof = await d.proof(CREATE, { key: other, jwk: { ...d.key.jwk } });
    expectError(t, await d.createRaw({ proof }), 401, "ERR_SIGNATURE_INVALID", "wrong signer");
  });
  await run.check(C["svc.proof.typ"], async (t) => {
    const proof = await d.proof(CREATE, { typ: "JWT" });
    expectError(t, await d.createRaw({ proof }), 401, "ERR_TYP_MISMATCH", "typ JWT");
  });
  await run.check(C["svc.proof.alg-none"], async (t) => {
    const signed = parseJws(await d.proof(CREATE));
    const forged = `${encodeJsonSegment({ ...signed.header, alg: "none" })}.${
      encodeJsonSegment(signed.payload)
    }.AAAA`;
    expectError(t, await d.createRaw({ proof: forged }), 401, "ERR_ALG_NOT_ALLOWED", "alg none");
  });
  await run.check(C["svc.proof.private-jwk"], async (t) => {
    const jwk = { ...d.key.jwk, d: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    const proof = await d.proof(CREATE, { jwk });
    expectError(t, await d.createRaw({ proof }), 401, "ERR_JWK_INVALID", "jwk with d");
  });
}

async function refreshChecks(c: ServiceContext, d: Device): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.refresh.valid"], async (t) => {
    const before = parseJws(d.sessionToken).payload;
    const b = expectStatus(t, await d.refreshRaw(), 200, "refresh");
    t.wire("RefreshResponse", b, "refresh response");
    const jwks = needJwks(t, c);
    const p = await checkServiceHeader(t, b.session_token, "ds-session+jwt", jwks, "new token");
    t.equal(p.sub, before.sub, "sub (the same session)");
    t.equal(p.cnf, before.cnf, "cnf (the same key)");
    t.ok(p.jti !== before.jti, "a new jti");
    d.sessionToken = String(b.session_token);
  });
  await run.check(C["svc.refresh.proof-missing"], async (t) => {
    expectError(t, await d.refreshRaw({ proof: null }), 401, PROOF_ERRORS, "no DS-Proof");
  });
  await run.check(C["svc.refresh.proof-replayed"], async (t) => {
    const proof = await d.proof(d.refreshPath());
    expectStatus(t, await d.refreshRaw({ proof }), 200, "first use");
    expectError(t, await d.refreshRaw({ proof }), 409, "ERR_REPLAYED", "second use");
  });
  await run.check(C["svc.refresh.wrong-key"], async (t) => {
    const other = await generateDeviceKey({ alg: "EdDSA" });
    const proof = await d.proof(d.refreshPath(), { key: other });
    expectError(t, await d.refreshRaw({ proof }), 401, "ERR_KEY_MISMATCH", "another key");
  });
  await run.check(C["svc.refresh.target"], async (t) => {
    const proof = await d.proof(CREATE);
    expectError(t, await d.refreshRaw({ proof }), 401, "ERR_PROOF_TARGET_MISMATCH", "create URL");
  });
  await run.check(C["svc.refresh.stale"], async (t) => {
    const proof = await d.proof(d.refreshPath(), { iat: http.nowS() - 120 });
    expectError(t, await d.refreshRaw({ proof }), 401, "ERR_TOKEN_EXPIRED", "iat 120 s ago");
  });
  await run.check(C["svc.refresh.unknown"], async (t) => {
    const sid = "s_conformanceNoSuchSession1";
    const proof = await d.proof(d.refreshPath(sid));
    const x = await d.refreshRaw({ proof, sessionId: sid });
    expectError(t, x, 404, "ERR_SESSION_UNKNOWN", "unknown session");
  });
}
