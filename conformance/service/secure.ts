/**
 * Service checks of secure session tokens presented by a backend (SPEC §5.4, §5.7, §7.2, §7.5)
 * — accepted once, and every rejection — and of client isolation (§7.0, §14).
 *
 * @module
 */
import { parseJws } from "../../core/token/jws.ts";
import { generateDeviceKey } from "../../adapters/crypto/keys.ts";
import { mintSecureSessionToken } from "../../adapters/crypto/mint.ts";
import { deviceSigner } from "../../adapters/crypto/keys.ts";
import { Device, event } from "./actors.ts";
import { Backend } from "./backend-actor.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { causeOf, expectError, expectStatus, type ServiceContext } from "./context.ts";
import { tamper } from "./telemetry.ts";

const ACTIONS = "/v1/backend/actions";

/**
 * Runs the secure-token and isolation checks with the backend of the client under test.
 *
 * @example
 * ```ts
 * import type { Backend } from "./backend-actor.ts";
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * declare const backend: Backend | null;
 * await secureChecks(ctx, backend);
 * ```
 */
export async function secureChecks(c: ServiceContext, b: Backend | null): Promise<void> {
  const { run, http } = c;
  const tol = http.target.clockToleranceS ?? 30;
  const need = (t: { skip(r: string): never }) =>
    b ?? t.skip("needs an access token (svc.backend.token)");
  // One device with a live session for every secure-token check.
  const d = await Device.create(http);
  await d.createSession();
  const present = (token: string, action: string, backend: Backend) =>
    backend.call("POST", ACTIONS, { action_type: action, secured_session_token: token });

  await run.check(C["svc.secure.accepted-once"], async (t) => {
    const backend = need(t);
    const token = await d.secure("transaction");
    expectStatus(t, await present(token, "transaction", backend), 201, "first presentation");
    expectError(t, await present(token, "transaction", backend), 409, "ERR_REPLAYED", "second");
  });
  let mismatched = "";
  await run.check(C["svc.secure.action-mismatch"], async (t) => {
    const backend = need(t);
    mismatched = await d.secure("login");
    const x = await present(mismatched, "transaction", backend);
    expectError(t, x, 403, "ERR_ACTION_MISMATCH", "login token for a transaction");
  });
  await run.check(C["svc.secure.not-burned"], async (t) => {
    const backend = need(t);
    if (mismatched === "") t.skip("needs the rejected token of svc.secure.action-mismatch");
    expectStatus(t, await present(mismatched, "login", backend), 201, "the same token, its action");
  });
  await run.check(C["svc.secure.lifetime"], async (t) => {
    const backend = need(t);
    const max = Number(c.config?.secure_token_max_s ?? 3600);
    const iat = http.nowS();
    const token = await d.secureRaw({ act: "login", iat, exp: iat + max + 60 });
    expectError(
      t,
      await present(token, "login", backend),
      401,
      "ERR_LIFETIME_EXCEEDED",
      "lifetime",
    );
  });
  await run.check(C["svc.secure.foreign-device"], async (t) => {
    const backend = need(t);
    const thief = await generateDeviceKey({ alg: "EdDSA" });
    const iat = http.nowS();
    const token = await d.secureRaw({ act: "login", iat, exp: iat + 300 }, thief);
    expectError(
      t,
      await present(token, "login", backend),
      401,
      "ERR_BINDING_MISMATCH",
      "thief key",
    );
  });
  await run.check(C["svc.secure.tampered"], async (t) => {
    const backend = need(t);
    const token = tamper(await d.secure("login"), { act: "withdraw" });
    expectError(t, await present(token, "withdraw", backend), 401, "ERR_SIGNATURE_INVALID", "act");
  });
  await run.check(C["svc.secure.inner-tampered"], async (t) => {
    const backend = need(t);
    const inner = tamper(d.sessionToken, { did: "d_conformanceOtherDevice01" });
    const token = await mintSecureSessionToken(deviceSigner(d.key), {
      sessionToken: inner,
      action: "login",
      iat: http.nowS(),
    });
    const x = await present(token, "login", backend);
    expectError(t, x, 401, "ERR_INNER_TOKEN_INVALID", "tampered inner token");
    const cause = ((x.json as { details?: { cause?: unknown } }).details ?? {}).cause;
    t.equal(cause, "ERR_SIGNATURE_INVALID", "details.cause");
  });
  await run.check(C["svc.secure.typ"], async (t) => {
    const backend = need(t);
    const x = await present(d.sessionToken, "login", backend);
    expectError(t, x, 401, "ERR_TYP_MISMATCH", "a session token as secured_session_token");
  });
  await run.check(C["svc.secure.users-clear"], async (t) => {
    const backend = need(t);
    const token = await d.secure("logout");
    const body = { secured_session_token: token, action_type: "logout" };
    const first = await backend.call("POST", "/v1/backend/users/clear", body);
    t.equal(expectStatus(t, first, 200, "clear user").ok, true, "ok");
    expectError(
      t,
      await backend.call("POST", "/v1/backend/users/clear", body),
      409,
      "ERR_REPLAYED",
      "again",
    );
  });
  await run.check(C["svc.secure.expired"], async (t) => {
    const backend = need(t);
    // The inner token must be valid at the outer iat (§5.4 step 5): iat ≥ inner iat − tol.
    const innerIat = parseJws(d.sessionToken).payload.iat as number;
    const token = await d.secure("login", { iat: innerIat - tol, expirationSeconds: 1 });
    await http.waitUntilS(innerIat + 2);
    expectError(t, await present(token, "login", backend), 401, "ERR_TOKEN_EXPIRED", "expired");
  });

  const other = http.target.otherClient;
  const isolation = [
    C["svc.isolation.session-token"],
    C["svc.isolation.secure-token"],
    C["svc.isolation.action-token"],
    C["svc.isolation.rules"],
    C["svc.isolation.telemetry"],
  ];
  if (other === undefined) {
    for (const def of isolation) {
      run.skip(def, "needs a second client", {
        enable: "a second client: --other-client-id and --other-client-secret",
      });
    }
    return;
  }
  let ob: Backend | null = null;
  try {
    ob = await Backend.create(http, other.id, other.secret);
  } catch (e) {
    for (const def of isolation) {
      run.skip(def, `the second client has no access token: ${e}`, {
        enable: "working credentials for the second client (--other-client-id/-secret)",
      });
    }
    return;
  }
  const theirs = ob;
  await run.check(C["svc.isolation.session-token"], async (t) => {
    const x = await theirs.call("POST", ACTIONS, {
      action_type: "login",
      session_token: d.sessionToken,
    });
    expectError(t, x, 403, "ERR_FORBIDDEN", "client B presents client A's session token");
    const cause = ((x.json as { details?: { cause?: unknown } }).details ?? {}).cause;
    t.equal(cause, "ERR_AUDIENCE_MISMATCH", "details.cause");
  });
  await run.check(C["svc.isolation.secure-token"], async (t) => {
    const token = await d.secure("login");
    const x = await present(token, "login", theirs);
    expectError(t, x, 403, "ERR_FORBIDDEN", "client B");
    t.equal(causeOf(x), "ERR_AUDIENCE_MISMATCH", "details.cause (the inner token's)");
  });
  await run.check(C["svc.isolation.action-token"], async (t) => {
    const backend = need(t);
    const a = expectStatus(
      t,
      await backend.call("POST", ACTIONS, { action_type: "login", session_token: d.sessionToken }),
      201,
      "client A's action",
    );
    const path = `/v1/backend/recommendation?action_token=${
      encodeURIComponent(String(a.action_token))
    }`;
    expectError(t, await theirs.call("GET", path), 403, "ERR_FORBIDDEN", "client B fetches it");
  });
  await run.check(C["svc.isolation.rules"], async (t) => {
    const backend = need(t);
    const rule = {
      name: "conformance-isolation",
      priority: 977,
      enabled: false,
      mode: "preview",
      match: { device_ids: ["d_conformanceNoSuchDevice1"] },
      recommendation: "ALLOW",
    };
    const created = expectStatus(
      t,
      await backend.call("POST", "/v1/backend/rules", rule),
      201,
      "create rule",
    );
    const path = `/v1/backend/rules/${encodeURIComponent(String(created.id))}`;
    try {
      expectError(
        t,
        await theirs.call("GET", path),
        404,
        "ERR_RULE_UNKNOWN",
        "client B",
      );
    } finally {
      await backend.call("DELETE", path);
    }
  });
  await run.check(C["svc.isolation.telemetry"], async (t) => {
    const x = await d.telemetry([event(1)], { client_id: other.id });
    // SPEC §6.4: 403 ERR_AUDIENCE_MISMATCH (another client's token), as §11 gives it.
    expectError(t, x, 403, "ERR_AUDIENCE_MISMATCH", "client B's batch with A's token");
  });
}
