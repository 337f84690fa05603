/**
 * Service checks of browser origins on the device API (SPEC §6.0): CORS answers for allowed
 * origins, 403 for others with nothing stored, the service's own origin always allowed. The
 * allowed origins of a client come from the test-control extension (SPEC Appendix A).
 *
 * @module
 */
import { Device, event } from "./actors.ts";
import { SERVICE_CHECKS as C } from "./checks.ts";
import { expectError, expectStatus, type ServiceContext } from "./context.ts";
import { type ClientFacts, needControl } from "./control.ts";

const STRANGER = "https://not-allowed.conformance.invalid";

/**
 * Runs the origin checks.
 *
 * @example
 * ```ts
 * import type { ServiceContext } from "./context.ts";
 * declare const ctx: ServiceContext;
 * await originChecks(ctx);
 * ```
 */
export async function originChecks(c: ServiceContext): Promise<void> {
  const { run, http } = c;
  await run.check(C["svc.cors.origin"], async (t) => {
    const control = needControl(t, c.control ?? null);
    const target = http.target;
    const candidates: { id: string; facts: ClientFacts }[] = [
      { id: target.clientId, facts: await control.client() },
    ];
    if (target.otherClient !== undefined) {
      const o = target.otherClient;
      candidates.push({ id: o.id, facts: await control.clientOf(o.id, o.secret) });
    }
    const x = candidates.find((k) => !k.facts.allowed_origins.includes("*")) ??
      t.skip("every client allows any origin (*)", {
        enable: "a client (under test, or the second one) whose allowed origins are not *",
      });
    const own = new URL(http.base).origin;
    const allowed = x.facts.allowed_origins[0] ?? own;
    const config = `/v1/device/config?client_id=${encodeURIComponent(x.id)}`;
    for (const origin of [allowed, own]) {
      const ok = await http.call("GET", config, { headers: { origin } });
      expectStatus(t, ok, 200, `config from allowed origin ${origin}`);
      t.equal(ok.headers.get("access-control-allow-origin"), origin, `ACAO for ${origin}`);
      const exposed = (ok.headers.get("access-control-expose-headers") ?? "").toLowerCase();
      t.ok(
        /\bds-nonce\b/.test(exposed) && /\bretry-after\b/.test(exposed),
        `Access-Control-Expose-Headers names DS-Nonce and Retry-After: ${exposed || "none"}`,
      );
    }
    const pre = await http.call("OPTIONS", "/v1/device/sessions", {
      headers: {
        origin: allowed,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, ds-proof",
      },
    });
    t.ok(pre.status === 200 || pre.status === 204, `preflight status ${pre.status}`);
    t.equal(pre.headers.get("access-control-allow-origin"), allowed, "preflight ACAO");
    const allowHeaders = (pre.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    t.ok(/\bds-proof\b/.test(allowHeaders), `preflight allows DS-Proof: ${allowHeaders}`);
    // A stranger's preflight is refused unless some client (perhaps one the suite does not
    // know) allows it; refused, it is the 403 ERR_FORBIDDEN of any other origin.
    const refused = await http.call("OPTIONS", "/v1/device/sessions", {
      headers: { origin: STRANGER, "access-control-request-method": "POST" },
    });
    if (refused.status >= 400) {
      expectError(t, refused, 403, "ERR_FORBIDDEN", "a preflight from an origin no client allows");
    }
    expectError(
      t,
      await http.call("GET", config, { headers: { origin: STRANGER } }),
      403,
      "ERR_FORBIDDEN",
      "config from an origin the client does not allow",
    );
    // A session of that client; then a batch from a stranger origin is refused, nothing stored.
    const d = await Device.create(http, "EdDSA", x.id);
    const created = await http.call("POST", "/v1/device/sessions", {
      headers: { origin: STRANGER, "ds-proof": await d.proof("/v1/device/sessions") },
      json: { client_id: x.id, key_assurance: "ephemeral", key_event: "created" },
    });
    expectError(t, created, 403, "ERR_FORBIDDEN", "a session create from a stranger origin");
    await d.createSession();
    const batch = await http.call("POST", "/v1/device/telemetry", {
      headers: { origin: STRANGER, "content-type": "text/plain;charset=UTF-8" },
      body: d.batchText([event(1)]),
    });
    expectError(t, batch, 403, "ERR_FORBIDDEN", "a batch from a stranger origin");
    const ok = expectStatus(t, await d.telemetry([event(2)]), 200, "a batch without Origin");
    t.equal([ok.acked_seq, ok.high_seq], [2, 2], "[acked_seq, high_seq]: seq 1 was not stored");
  });

  await run.check(C["svc.cors.no-origin"], async (t) => {
    const d = await Device.create(http);
    const answers = [
      ["config", await d.config()],
      ["session create", await d.createRaw()],
    ] as const;
    for (const [what, x] of answers) {
      t.ok(x.status < 300, `${what} without Origin: expected 2xx, got ${x.status}`);
      const cors = [...x.headers.keys()].filter((h) => h.startsWith("access-control-"));
      t.equal(cors, [], `CORS headers on the ${what} answer to a request without Origin`);
    }
  });
}
