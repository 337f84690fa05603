/**
 * SDK checks of the session lifecycle: options, start, create and its proof, disabled, shutdown.
 *
 * @module
 */
import { SDK_CHECKS as C } from "./checks.ts";
import { BASE, fakeKey, T0, World } from "./sim.ts";
import { batches, scenario, type SdkContext } from "./util.ts";

const SESSIONS = `${BASE}v1/device/sessions`;

/**
 * Runs the lifecycle checks.
 *
 * @example
 * ```ts
 * import type { HarnessClient } from "../harness/protocol.ts";
 * import type { Runner } from "../core/run.ts";
 * declare const client: HarnessClient, run: Runner;
 * await lifecycleChecks({ run, client });
 * ```
 */
export async function lifecycleChecks(ctx: SdkContext): Promise<void> {
  await ctx.run.check(C["sdk.options.bounds"], async (t) => {
    const bad = [{ refreshAt: 0.99 }, { flushCount: 0 }, { backoffCapMs: 500 }, {
      tokenWaitMs: 50,
    }];
    for (const o of bad) {
      const r = await ctx.client.request({
        type: "machine.create",
        options: { clientId: "demo", serverPath: BASE, ...o },
      });
      if (r.ok) {
        await ctx.client.request({ type: "machine.dispose", machine: String(r.machine) });
        t.fail(`options ${JSON.stringify(o)} were accepted`);
      }
      t.equal(
        (r as { error: { code: string } }).error.code,
        "ERR_INVALID_INPUT",
        `code for ${JSON.stringify(o)}`,
      );
    }
  });

  await scenario(
    ctx,
    { seed: 11 },
    (w) => {
      w.at(100, { type: "get_token" });
    },
    3_000,
    [
      [C["sdk.lifecycle.config"], (t, w) => {
        const first = t.need(w.sends[0], "a request");
        t.equal(first.request.purpose, "config", "first request's purpose");
        t.equal(first.request.method, "GET", "method");
        t.equal(first.request.url, `${BASE}v1/device/config?client_id=demo`, "config URL");
      }],
      [C["sdk.lifecycle.proof"], (t, w) => {
        const sign = t.need(w.signs[0], "a sign effect");
        const config = w.sent("config")[0]?.ended?.body as { nonce?: string } | undefined;
        t.equal(sign.header.typ, "ds-proof+jwt", "header typ");
        t.wire("DeviceSignedHeader", sign.header, "proof header");
        t.equal(
          sign.header.jwk,
          (fakeKey(1) as { jwk: unknown }).jwk,
          "header jwk (the device key)",
        );
        t.equal(sign.header.alg, "EdDSA", "header alg (the device key's)");
        t.wire("ProofClaims", sign.payload, "proof claims");
        t.equal(sign.payload.htm, "POST", "htm");
        t.equal(sign.payload.htu, SESSIONS, "htu");
        t.equal(sign.payload.nonce, config?.nonce, "nonce (the config's)");
        const now = Math.floor(w.serviceMs(sign.t) / 1000);
        t.between(sign.payload.iat as number, now - 1, now + 1, "iat vs service time");
      }],
      [C["sdk.lifecycle.create-body"], (t, w) => {
        const create = t.need(w.sent("create")[0], "a create request");
        const sign = t.need(w.signs[0], "a sign effect");
        t.equal(create.request.method, "POST", "method");
        t.equal(create.request.url, SESSIONS, "URL");
        t.equal(create.request.headers["ds-proof"], World.tokenOf(sign), "DS-Proof header");
        t.ok(
          /^application\/json\b/.test(create.request.headers["content-type"] ?? ""),
          "content-type is application/json",
        );
        const body = JSON.parse(create.request.body ?? "null");
        t.wire("CreateSessionRequest", body, "create body");
        t.equal(body.client_id, "demo", "client_id");
        t.equal(body.key_assurance, "persistent-nonextractable", "key_assurance (the key's)");
        t.equal(body.key_event, "created", "key_event (as key_ready said)");
      }],
      [C["sdk.lifecycle.active"], (t, w) => {
        const create = t.need(w.sent("create")[0]?.ended, "the create answer");
        const after = w.steps.find((s) => s.t >= create.t && s.input.type === "response");
        t.equal(after?.phase, "active", "phase after the create answer");
        const token = (create.body as { session_token: string }).session_token;
        t.equal(
          w.waiters[0]?.answer?.value,
          { kind: "token", token },
          "the token request's answer",
        );
      }],
    ],
  );

  await scenario(
    ctx,
    { seed: 12, options: { enabled: false } },
    (w) => {
      w.at(10, { type: "get_token" });
    },
    1_000,
    [
      [C["sdk.lifecycle.disabled"], (t, w) => {
        t.equal(w.sends.length, 0, "requests sent");
        t.equal(w.waiters[0]?.answer?.code, "ERR_DISABLED", "token request rejection");
        t.equal(w.steps.at(-1)?.phase, "disabled", "phase");
      }],
    ],
  );

  await scenario(
    ctx,
    { seed: 13 },
    (w) => {
      for (let i = 0; i < 3; i++) {
        w.at(1000 + i, {
          type: "track",
          eventType: "interaction",
          data: { kind: "click" },
        });
      }
      w.at(1100, { type: "shutdown" });
      w.at(5000, { type: "get_token" });
    },
    6_000,
    [
      [C["sdk.lifecycle.shutdown"], (t, w) => {
        const sent = batches(w).filter((b) => b.sent.t >= T0 + 1100);
        const seqs = sent.flatMap((b) => b.body.events.map((e) => e.seq));
        t.ok(
          [1, 2, 3].every((s) => seqs.includes(s)),
          `the final flush carries seqs 1–3 (got ${seqs})`,
        );
        t.ok(w.waiters[0]?.answer?.value !== undefined, "shutdown resolved");
        t.equal(w.waiters[1]?.answer?.code, "ERR_CLOSED", "a token request after shutdown");
        t.equal(w.steps.at(-1)?.phase, "closed", "phase");
      }],
    ],
  );
}
