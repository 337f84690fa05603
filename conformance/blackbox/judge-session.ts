/**
 * Judges of the black-box profile for the session side: config, create and refresh with their
 * proofs, session tokens handed out, refresh timing and single flight, backoff. Bounds carry
 * generous slack: a loaded machine only makes the SDK late, so lower bounds are tight and upper
 * bounds loose.
 *
 * @module
 */
import { API_CHECKS as C } from "./checks.ts";
import { auth, type Judge, maxOpen, nextOf, payload, ran, resolved } from "./judge-util.ts";

/** The session-side judges. */
export const SESSION_JUDGES: readonly Judge[] = [
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
];
