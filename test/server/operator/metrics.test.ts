// GET /metrics (docs/operations.md) on the runtime's real server: off by default, behind its
// own bearer token, the Prometheus text format, and counters that move with what the service
// does — sessions, telemetry (accepted, deduplicated, dropped as devices report), secure tokens
// (accepted, replayed), recommendations by type and reason, requests per route template.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Backend as BackendT, Harness } from "../support/harness.ts";
import { sample } from "../support/prom.ts";

const T = { timeout: 120_000 };
const TOKEN = "metrics-scraper-token-0123456789";

describe(
  "GET /metrics",
  { skip: typeof window !== "undefined" && "needs a server runtime" },
  () => {
    let h: Harness;
    let m: typeof import("../support/harness.ts");
    let backend: BackendT;
    before(async () => {
      m = await import("../support/harness.ts");
      const { hashSecret } = await import("../../../adapters/server/clients.ts");
      h = await m.startHarness({ metrics: { tokenSha256: await hashSecret(TOKEN) } });
      backend = await m.Backend.create(h, "a");
    });
    after(() => h.close());

    const scrape = async (): Promise<string> => {
      const r = await h.fetch("/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
      return await r.text();
    };

    it("is off by default, and needs its own bearer token when on", T, async () => {
      const plain = await m.startHarness();
      try {
        assert.equal((await plain.fetch("/metrics")).status, 404);
        assert.equal(plain.service.metricsFetch, null);
      } finally {
        await plain.close();
      }
      const none = await m.read(await h.fetch("/metrics"));
      assert.equal(none.status, 401);
      assert.equal(none.json.code, "ERR_UNAUTHENTICATED");
      const wrong = await h.fetch("/metrics", { headers: { authorization: "Bearer nope" } });
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();
      // A backend access token is no metrics credential.
      const backendToken = await backend.call("GET", "/metrics");
      assert.equal(backendToken.status, 401);
      await backendToken.body?.cancel();
    });

    it("counters move with sessions, telemetry, secure tokens and recommendations", T, async () => {
      const before = await scrape();
      const d = await m.Device.create(h, "a");
      await d.createSession();
      assert.equal((await d.refreshRaw()).status, 200);
      const t1 = await d.telemetry([m.ev(1, "page"), m.ev(2, "page")], { dropped: 3 });
      assert.equal(t1.status, 200);
      const t2 = await d.telemetry([m.ev(2, "page"), m.ev(3, "page")], { dropped: 5 });
      assert.equal(t2.status, 200);
      const secure = await d.secure("login");
      const first = await backend.trigger(
        { action_type: "login", secured_session_token: secure },
        "?get_recommendation=true",
      );
      assert.equal(first.status, 201);
      const replay = await backend.trigger({ action_type: "login", secured_session_token: secure });
      assert.equal(replay.status, 409);
      const rec = first.json.recommendation as {
        recommendation: { type: string };
        reasons: string[];
      };
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string> = {}) =>
        sample(after, name, labels) - sample(before, name, labels);
      const p = "device_session_";
      assert.equal(delta(`${p}sessions_total`, { event: "created" }), 1);
      assert.equal(delta(`${p}sessions_total`, { event: "refreshed" }), 1);
      assert.equal(delta(`${p}telemetry_events_total`, { outcome: "accepted" }), 3);
      assert.equal(delta(`${p}telemetry_events_total`, { outcome: "deduplicated" }), 1);
      assert.equal(delta(`${p}telemetry_events_total`, { outcome: "dropped" }), 5);
      assert.equal(delta(`${p}secure_tokens_total`, { outcome: "accepted" }), 1);
      assert.equal(
        delta(`${p}secure_tokens_total`, { outcome: "replayed", code: "ERR_REPLAYED" }),
        1,
      );
      assert.equal(delta(`${p}recommendations_total`, { type: rec.recommendation.type }), 1);
      for (const reason of rec.reasons) {
        assert.equal(delta(`${p}recommendation_reasons_total`, { reason }), 1, reason);
      }
      const route = { route: "/v1/device/sessions/:id/refresh", method: "POST", status: "200" };
      assert.equal(delta(`${p}http_requests_total`, route), 1);
      assert.equal(
        delta(`${p}http_request_duration_seconds_count`, { route: route.route, method: "POST" }),
        1,
      );
      assert.equal(
        delta(`${p}http_requests_total`, { route: "/v1/backend/actions", status: "409" }),
        1,
      );
      assert.ok(delta(`${p}store_operation_duration_seconds_count`, { op: "createSession" }) >= 1);
    });

    it(
      "keeps labels bounded: no ids, raw paths of unknown routes collapse to one label",
      T,
      async () => {
        for (let i = 0; i < 5; i++) {
          const r = await h.fetch(`/probe-${i}-${crypto.randomUUID()}`);
          await r.body?.cancel();
        }
        const d = await m.Device.create(h, "a");
        await d.createSession();
        const text = await scrape();
        assert.ok(sample(text, "device_session_http_requests_total", { route: "unmatched" }) >= 5);
        assert.ok(!text.includes("probe-"), "a raw path became a label");
        assert.ok(
          !text.includes(d.sessionId) && !text.includes(d.deviceId),
          "an id became a label",
        );
        // Every label value is one of a fixed vocabulary: routes, methods, statuses, codes, types.
        for (const line of text.split("\n").filter((l) => l.includes("{"))) {
          for (const [, k, v] of line.matchAll(/([a-z_]+)="([^"]*)"/g)) {
            const ok = {
              route: /^(\/[a-z0-9/._:-]*|unmatched)$/,
              method: /^[A-Z]+|other$/,
              status: /^\d{3}$/,
              code: /^(ERR_[A-Z_]+|other)?$/,
              le: /^([0-9.e+-]+|\+Inf)$/,
            }[k!] ?? /^[A-Za-z_]+$/;
            assert.match(v!, ok, `${k}=${v}`);
          }
        }
      },
    );

    it("can be served only on a separate handler (an internal port)", T, async () => {
      const sep = await m.startHarness({ metrics: { separate: true } });
      try {
        const pub = await sep.fetch("/metrics");
        assert.equal(pub.status, 404, "not on the public port");
        await pub.body?.cancel();
        const r = await sep.service.metricsFetch!(new Request("http://internal/metrics"));
        assert.equal(r.status, 200);
        assert.match(await r.text(), /^# HELP device_session_http_requests_total/m);
      } finally {
        await sep.close();
      }
    });

    it("refuses a metrics option without a credential with ERR_CONFIG", T, async () => {
      const { createService } = await import("../../../adapters/server/mod.ts");
      await assert.rejects(
        createService({
          publicUrl: "http://x.test",
          clients: [{ id: "a", secret: m.SECRET_A }],
          metrics: {},
        }),
        { code: "ERR_CONFIG" },
      );
    });
  },
);
