/**
 * Service checks of the device session: create and refresh (SPEC §6.2, §6.3) with valid and
 * deliberately wrong device proofs (§5.2), and the session token they issue (§5.3).
 *
 * @module
 */
import { parseJws } from "../../core/token/jws.ts";
import { verifySessionToken } from "../../adapters/verify/verify.ts";
import { Device } from "./actors.ts";
import { attributeLimitCheck } from "./limits.ts";
import { proofChecks, refreshChecks } from "./proofs.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import {
  checkServiceHeader,
  expectError,
  expectStatus,
  jwksFor,
  needIssuer,
  type ServiceContext,
} from "./context.ts";

const ID = (prefix: string) => new RegExp(`^${prefix}[A-Za-z0-9_-]{1,127}$`);
const CREATE = "/v1/device/sessions";

/**
 * Runs the session checks; answers a device with a live session (or `null`) for later checks.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * const device = await sessionChecks(ctx);
 * ```
 */
export async function sessionChecks(c: ServiceContext): Promise<Device | null> {
  const { run, http } = c;
  let device: Device | null = null;
  let created: Record<string, unknown> | null = null;

  await run.check(C["svc.session.create"], async (t) => {
    const d = await Device.create(http, "EdDSA");
    // The session serves later checks even when a value below is wrong.
    const b = await d.createSession();
    device = d;
    created = b;
    t.wire("CreateSessionResponse", b, "create response");
    t.ok(ID("s_").test(String(b.session_id)), `session_id ${b.session_id}`);
    t.ok(ID("d_").test(String(b.device_id)), `device_id ${b.device_id}`);
    // Values SPEC §6.2 and the advertised config imply (the token's iat is the creation time).
    const p = parseJws(String(b.session_token)).payload;
    const iat = p.iat as number;
    t.between(iat, http.nowS() - 5, http.nowS() + 5, "session token iat (the service's time)");
    t.equal(
      b.session_expires_at,
      iat + Number(c.config?.session_absolute_s),
      "session_expires_at (iat + session_absolute_s)",
    );
    t.equal(b.idle_timeout_s, c.config?.session_idle_s, "idle_timeout_s (session_idle_s)");
    t.equal(
      b.token_expires_at,
      iat + Number(c.config?.token_lifetime_s),
      "token_expires_at (iat + token_lifetime_s)",
    );
    t.equal(b.user_id, null, "user_id (none given)");
  });

  await run.check(C["svc.session.token-header"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    await checkServiceHeader(t, d.sessionToken, "ds-session+jwt", c, "session token");
  });

  await run.check(C["svc.session.token-claims"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    const b = created!;
    const issuer = needIssuer(t, c);
    const jwks = await jwksFor(t, c, d.sessionToken);
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

  await run.check(C["svc.session.device-binding"], async (t) => {
    const d = t.need(device as Device | null, "a session (svc.session.create)");
    const other = await Device.create(http);
    const b = expectStatus(
      t,
      await other.createRaw({ body: { device_id: d.deviceId, key_event: "lost" } }),
      201,
      "create with the device id and another key",
    );
    t.ok(
      ID("d_").test(String(b.device_id)) && b.device_id !== d.deviceId,
      `a new device id, got ${b.device_id}`,
    );
    // The stored device is unchanged: its own key still keeps its id.
    const again = expectStatus(
      t,
      await d.createRaw({ body: { device_id: d.deviceId } }),
      201,
      "create with the device's own key",
    );
    t.equal(again.device_id, d.deviceId, "device_id with its own key");
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

  await attributeLimitCheck(c);
  await proofChecks(c);
  if (device !== null) await refreshChecks(c, device);
  return device;
}
