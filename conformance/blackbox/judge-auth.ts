/**
 * Judges of the black-box profile for the session side: config, create and refresh with their
 * proofs, session tokens handed out, refresh timing and single flight, backoff, secure session
 * tokens and the clock offset. Bounds carry generous slack: a loaded machine only makes the
 * SDK late, so lower bounds are tight and upper bounds loose.
 *
 * @module
 */
import type { Assert } from "../core/assert.ts";
import type { CheckDef } from "../core/check.ts";
import { verifySecureSessionToken } from "../../verify.ts";
import { parseJws } from "../../core/token/jws.ts";
import { API_CHECKS as C } from "./checks.ts";
import type { Exchange } from "./records.ts";
import type { Scene, SceneName } from "./scenes.ts";
import type { Call } from "./sdk.ts";

/** A check and how it is judged on the scenes. */
export type Judge = readonly [
  CheckDef,
  (t: Assert, s: Record<SceneName, Scene>) => void | Promise<void>,
];

/**
 * The scene, or a failed check when it could not run.
 *
 * @example
 * ```ts
 * const { svc, sdk } = ran(t, scenes.basics);
 * ```
 */
export function ran(t: Assert, s: Scene): Scene & { sdk: NonNullable<Scene["sdk"]> } {
  if (s.error !== null || s.sdk === null) {
    t.fail(`the scene "${s.name}" could not run: ${s.error ?? "no SDK instance"}`);
  }
  return s as Scene & { sdk: NonNullable<Scene["sdk"]> };
}

/**
 * The most exchanges ever open at once (an exchange is open from arrival until answered or
 * dropped; one never ended stays open).
 *
 * @example
 * ```ts
 * maxOpen(svc.of("telemetry")); // 1
 * ```
 */
export function maxOpen(xs: readonly Exchange[]): number {
  const edges: [number, number][] = xs.flatMap((x) => [[x.t0, 1], [x.t1 ?? Infinity, -1]]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0, max = 0;
  for (const [, d] of edges) max = Math.max(max, n += d);
  return max;
}

const payload = (token: unknown): Record<string, unknown> => {
  try {
    return parseJws(String(token)).payload;
  } catch {
    return {};
  }
};

const auth = (s: Scene) =>
  s.svc.log.filter((x) => x.endpoint === "create" || x.endpoint === "refresh");
const resolved = (calls: readonly Call[]) => calls.filter((c) => c.outcome === "resolved");

/** The next exchange of the same endpoint after `x`. */
function nextOf(s: Scene, x: Exchange): Exchange | undefined {
  const list = s.svc.log.filter((y) => y.endpoint === x.endpoint);
  return list[list.indexOf(x) + 1];
}

/** The session-side judges. */
export const AUTH_JUDGES: readonly Judge[] = [
  [C["api.lifecycle.config"], (t, s) => {
    const { svc } = ran(t, s.basics);
    const x = t.need(svc.of("config")[0], "a config request");
    t.equal(x.path, `/v1/device/config?client_id=${svc.o.clientId}`, "config request");
    t.ok(svc.log[0] === x, `the first request is the config, got ${svc.log[0]?.path}`);
  }],
  [C["api.lifecycle.create"], (t, s) => {
    for (const scene of Object.values(s)) {
      const { svc } = ran(t, scene);
      for (const x of svc.of("create")) {
        t.wire("CreateSessionRequest", x.body, `${scene.name}: create body`);
        t.equal(
          (x.body as { client_id?: unknown }).client_id,
          svc.o.clientId,
          `${scene.name}: client_id`,
        );
      }
    }
  }],
  [C["api.lifecycle.shutdown"], (t, s) => {
    const { svc, sdk } = ran(t, s.basics);
    const sid = [...svc.sessions.keys()][0]!;
    const users = [...svc.sessions.get(sid)!.events.values()].map((e) => JSON.parse(e))
      .filter((e) => e.type === "identify").map((e) => e.data.user_id);
    t.ok(users.includes("u-2"), `the identify event queued before shutdown was stored: ${users}`);
    const after = sdk.calls[sdk.calls.findIndex((c) => c.method === "shutdown") + 1];
    t.equal(after?.outcome, "rejected", "getSessionToken after shutdown");
    t.equal(after?.code, "ERR_CLOSED", "its error code");
  }],
  [C["api.proof.valid"], (t, s) => {
    for (const scene of Object.values(s)) {
      for (const x of auth(ran(t, scene))) {
        if (x.proofError !== undefined) {
          t.fail(`${scene.name}: ${x.path}: proof rejected with ${x.proofError}`);
        }
      }
    }
  }],
  [C["api.proof.jti"], (t, s) => {
    const seen = new Set<unknown>();
    for (const scene of Object.values(s)) {
      for (const x of auth(ran(t, scene))) {
        const jti = x.proofClaims?.jti;
        t.ok(!seen.has(jti), `${scene.name}: proof jti ${jti} used again`);
        seen.add(jti);
      }
    }
  }],
  [C["api.proof.nonce-retry"], (t, s) => {
    for (const scene of [s.basics, s.refresh]) {
      ran(t, scene);
      const hit = t.need(
        auth(scene).find((x) => x.fault?.kind === "nonce"),
        `${scene.name}: a proof met an expired nonce`,
      );
      const fresh = (hit.response?.details as { nonce?: unknown })?.nonce;
      const retry = t.need(nextOf(scene, hit), `${scene.name}: a retry after ERR_NONCE_INVALID`);
      t.equal(retry.proofClaims?.nonce, fresh, `${scene.name}: the retry's nonce`);
      t.ok(
        retry.proofError === undefined,
        `${scene.name}: the retry was rejected: ${retry.proofError}`,
      );
    }
  }],
  [C["api.token.fresh"], (t, s) => {
    for (const scene of [s.basics, s.refresh, s.create]) {
      const { svc, sdk } = ran(t, scene);
      const calls = sdk.of("getSessionToken");
      t.ok(resolved(calls).length > 0, `${scene.name}: no session token was handed out`);
      for (const c of resolved(calls)) {
        const p = payload(c.value);
        const session = svc.sessions.get(String(p.sub));
        t.ok(
          session?.tokens.includes(String(c.value)),
          `${scene.name}: a token the service never issued`,
        );
        const left = Number(p.exp) - c.serviceS1!;
        t.ok(
          left >= 3,
          `${scene.name}: a token handed out with ${left.toFixed(1)} s left (exp ${p.exp})`,
        );
      }
      const bad = calls.filter((c) => c.outcome !== "resolved" && c.code !== "ERR_CLOSED");
      t.ok(
        bad.length === 0,
        `${scene.name}: getSessionToken failed: ${bad[0]?.code} ${bad[0]?.message}`,
      );
    }
  }],
  [C["api.refresh.ahead"], (t, s) => {
    const { svc, marks } = ran(t, s.refresh);
    const xs = auth(s.refresh);
    const quiet = xs.filter((x) => x.endpoint === "refresh" && x.t0 < marks.quietEnd!);
    t.ok(quiet.length > 0, "no refresh during 9 s of quiet, with tokens 44 s into a 60 s life");
    xs.forEach((r, i) => {
      if (!quiet.includes(r) || xs[i - 1]?.fault?.kind === "nonce") return; // a retry is not due
      const prev = xs.slice(0, i).filter((x) => typeof x.response?.session_token === "string").at(
        -1,
      );
      const iat = Number(
        payload(t.need(prev, "the token before a refresh").response!.session_token).iat,
      );
      t.between(
        r.serviceS - iat,
        0.75 * 60 - 1,
        0.85 * 60 + 3,
        `${svc.url}: refresh sent at token age (s)`,
      );
    });
  }],
  [C["api.refresh.single-flight"], (t, s) => {
    for (const scene of [s.refresh, s.create, s.basics]) {
      const n = maxOpen(auth(ran(t, scene)));
      t.ok(n <= 1, `${scene.name}: ${n} creates/refreshes in flight at once`);
    }
  }],
  [C["api.backoff.retry-after"], (t, s) => {
    const scene = ran(t, s.create);
    const hit = t.need(
      scene.svc.of("create").find((x) => x.fault?.kind === "503"),
      "a create answered 503",
    );
    const next = t.need(nextOf(scene, hit), "a create after the 503");
    t.ok(
      next.t0 - hit.t1! >= 2_000 - 100,
      `retried ${Math.round(next.t0 - hit.t1!)} ms after a 503 with Retry-After: 2`,
    );
  }],
  [C["api.backoff.floor"], (t, s) => {
    for (const scene of [s.create, s.faults]) {
      for (const x of ran(t, scene).svc.log.filter((y) => y.fault?.kind === "drop")) {
        const next = t.need(
          nextOf(scene, x),
          `${scene.name}: a retry after the dropped ${x.endpoint}`,
        );
        // A caller waiting for a token MAY cut a create backoff short (SPEC §9.5).
        const waiting = scene.sdk!.of("getSessionToken").some((c) => c.t0 < next.t0);
        if (x.endpoint === "create" && waiting) continue;
        t.ok(
          next.t0 - x.t1! >= 250 - 30,
          `${scene.name}: ${x.endpoint} retried ${Math.round(next.t0 - x.t1!)} ms after a failure`,
        );
      }
    }
  }],
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
