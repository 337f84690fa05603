/**
 * Judges of the black-box profile for secure session tokens (SPEC §5.4) and the clock offset
 * (SPEC §9.7): each secure token is verified with our verifier against the scripted service's
 * JWKS and the requested action.
 *
 * @module
 */
import { verifySecureSessionToken } from "../../adapters/verify/verify.ts";
import { API_CHECKS as C } from "./checks.ts";
import { auth, type Judge, payload, ran, resolved } from "./judge-util.ts";

/** The secure-token and clock judges. */
export const SECURE_JUDGES: readonly Judge[] = [
  [C["api.secure.claims"], async (t, s) => {
    const { svc, sdk } = ran(t, s.basics);
    const ok = resolved(sdk.of("getSecureSessionToken"));
    t.ok(ok.length >= 4, `${ok.length} secure tokens handed out, expected 4`);
    for (const c of ok) {
      const action = String(c.args.actionType);
      const p = payload(c.value);
      try {
        await verifySecureSessionToken(String(c.value), {
          issuer: svc.url.slice(0, -1),
          audience: svc.o.clientId,
          jwks: svc.jwks as never,
          action,
          replayStore: { consume: () => Promise.resolve(true) },
          now: Number(p.iat),
          maxLifetime: 600,
        });
      } catch (e) {
        t.fail(`secure token for ${action}: ${(e as { code?: string }).code ?? e}`);
      }
      const inner = payload(p.tok);
      const session = svc.sessions.get(String(inner.sub));
      t.ok(session?.tokens.includes(String(p.tok)), "the inner token is one the service issued");
      t.equal(Number(p.exp) - Number(p.iat), Number(c.args.expirationSeconds ?? 300), "exp − iat");
    }
  }],
  [C["api.secure.max"], (t, s) => {
    const { sdk } = ran(t, s.basics);
    const calls = sdk.of("getSecureSessionToken");
    const at = t.need(calls.find((c) => c.args.expirationSeconds === 600), "expirationSeconds 600");
    t.equal(
      at.outcome,
      "resolved",
      `expirationSeconds 600 (the advertised maximum): ${at.code ?? ""}`,
    );
    t.equal(Number(payload(at.value).exp) - Number(payload(at.value).iat), 600, "exp − iat");
    const over = t.need(
      calls.find((c) => c.args.expirationSeconds === 601),
      "expirationSeconds 601",
    );
    t.equal([over.outcome, over.code], ["rejected", "ERR_INVALID_INPUT"], "expirationSeconds 601");
  }],
  [C["api.secure.jti"], (t, s) => {
    const { sdk } = ran(t, s.basics);
    const jtis = resolved(sdk.of("getSecureSessionToken")).map((c) => payload(c.value).jti);
    t.ok(jtis.length >= 4, `${jtis.length} secure tokens`);
    t.equal(new Set(jtis).size, jtis.length, "distinct jtis among the secure tokens");
  }],
  [C["api.secure.invalid-input"], (t, s) => {
    const { sdk } = ran(t, s.basics);
    const c = t.need(
      sdk.of("getSecureSessionToken").find((x) => x.args.actionType === "Login"),
      "the call",
    );
    t.equal(
      [c.outcome, c.code],
      ["rejected", "ERR_INVALID_INPUT"],
      'getSecureSessionToken("Login")',
    );
  }],
  [C["api.clock.offset"], (t, s) => {
    const { svc, sdk } = ran(t, s.basics);
    for (const x of auth(s.basics)) {
      const iat = Number(x.proofClaims?.iat);
      t.ok(Math.abs(iat - x.serviceS) <= 5, `proof iat ${iat}, service time ${x.serviceS}`);
    }
    for (const c of resolved(sdk.of("getSecureSessionToken"))) {
      const iat = Number(payload(c.value).iat);
      t.ok(
        Math.abs(iat - c.serviceS1!) <= 5,
        `secure token iat ${iat}, service time ${Math.round(c.serviceS1!)}`,
      );
    }
    // Events the app caused after the first answer (earlier ones carry offset 0, SPEC §9.7).
    for (const x of svc.of("telemetry")) {
      const evs = (x.body as { events?: { time_ms: number; type: string }[] })?.events ?? [];
      for (const e of evs.filter((e) => e.type === "action" || e.type === "identify")) {
        t.ok(
          Math.abs(e.time_ms / 1000 - x.serviceS) <= 10,
          `event time_ms ${e.time_ms}, service time ${x.serviceS}`,
        );
      }
    }
  }],
];
