/**
 * Service checks of device proofs (SPEC §5.2) on session create and refresh (§6.2, §6.3):
 * missing, replayed, stale, future, wrong-nonce, wrong-target, wrong-signature, wrong-typ,
 * alg-none, private-jwk and wrong-key proofs.
 *
 * @module
 */
import { encodeJsonSegment, parseJws } from "../../core/token/jws.ts";
import { generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { Device } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { checkServiceHeader, expectError, expectStatus, type ServiceContext } from "./context.ts";
import { body } from "./http.ts";

const CREATE = "/v1/device/sessions";

/**
 * Runs the proof checks on session create.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await proofChecks(ctx);
 * ```
 */
export async function proofChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  const d = await Device.create(http);
  await d.config();
  await run.check(C["svc.proof.missing"], async (t) => {
    expectError(t, await d.createRaw({ proof: null }), 401, "ERR_TOKEN_MALFORMED", "no DS-Proof");
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

/**
 * Runs the refresh checks with device `d`'s live session.
 *
 * @example
 * ```ts
 * import type { Device } from "./actors.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * declare const device: Device;
 * await refreshChecks(ctx, device);
 * ```
 */
export async function refreshChecks(c: ServiceContext, d: Device): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.refresh.valid"], async (t) => {
    const before = parseJws(d.sessionToken).payload;
    const b = expectStatus(t, await d.refreshRaw(), 200, "refresh");
    t.wire("RefreshResponse", b, "refresh response");
    const p = await checkServiceHeader(t, b.session_token, "ds-session+jwt", c, "new token");
    t.equal(p.sub, before.sub, "sub (the same session)");
    t.equal(p.cnf, before.cnf, "cnf (the same key)");
    t.ok(p.jti !== before.jti, "a new jti");
    // Values SPEC §6.3 and the advertised config imply.
    t.equal(b.token_expires_at, p.exp, "token_expires_at (the new token's exp)");
    t.equal(
      (p.exp as number) - (p.iat as number),
      c.config?.token_lifetime_s,
      "exp − iat (token_lifetime_s)",
    );
    t.between(p.iat as number, http.nowS() - 5, http.nowS() + 5, "iat (the service's time)");
    const created = d.lastCreate ? (d.lastCreate.json as Record<string, unknown>) : {};
    t.equal(b.session_expires_at, created.session_expires_at, "session_expires_at (never moves)");
    d.sessionToken = String(b.session_token);
  });
  await run.check(C["svc.refresh.proof-missing"], async (t) => {
    expectError(t, await d.refreshRaw({ proof: null }), 401, "ERR_TOKEN_MALFORMED", "no DS-Proof");
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
