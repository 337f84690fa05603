// Telemetry ingest on the runtime's real server (SPEC §6.4, §8): dedupe by (session, seq),
// acked/high seq, action records per (session, seq), identify events, drop counters, limits.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Device as DeviceT, Harness } from "../support/harness.ts";

describe("telemetry (SPEC §6.4, §8)", {
  skip: typeof window !== "undefined" && "needs a server runtime",
}, () => {
  let h: Harness;
  let m: typeof import("../support/harness.ts");
  before(async () => {
    m = await import("../support/harness.ts");
    h = await m.startHarness();
  });
  after(() => h.close());
  const session = async (clientId = "a", body: Record<string, unknown> = {}): Promise<DeviceT> => {
    const d = await m.Device.create(h, clientId);
    await d.createSession(body);
    return d;
  };

  it("stores a batch and answers acked_seq = high_seq = its largest seq, with a fresh nonce", async () => {
    const d = await session();
    const r = await m.read(
      await d.telemetry([
        m.ev(1, "page", { kind: "load" }),
        m.ev(2, "interaction", { kind: "click" }),
      ]),
    );
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.acked_seq, 2);
    assert.equal(r.json.high_seq, 2);
    assert.deepEqual(r.json.actions, []);
    assert.equal(r.json.user_id, null);
    assert.equal(r.headers.get("ds-nonce"), r.json.nonce);
    const { TelemetryAckSchema } = await import("../../../core/wire/telemetry.ts");
    assert.ok((await import("valibot")).is(TelemetryAckSchema, r.json));
  });

  it("deduplicates by seq: a resent batch changes nothing; an overlapping one stores only the new events", async () => {
    const d = await session();
    const batch = [
      m.ev(1, "interaction", { kind: "click" }),
      m.ev(2, "interaction", { kind: "keys" }),
    ];
    assert.equal((await m.read(await d.telemetry(batch))).json.acked_seq, 2);
    const again = await m.read(await d.telemetry(batch));
    assert.equal(again.json.acked_seq, 2);
    assert.equal(again.json.high_seq, 2);
    const overlap = await m.read(await d.telemetry([batch[1], m.ev(3, "page", { kind: "hide" })]));
    assert.equal(overlap.json.acked_seq, 3);
    assert.equal(overlap.json.high_seq, 3);
    // A page-hide beacon delivered out of order (seq 9) then the gap (4..8): high_seq stays 9.
    const beacon = await m.read(
      await d.telemetry([m.ev(9, "page", { kind: "hide" })], {
        contentType: "text/plain;charset=UTF-8",
      }),
    );
    assert.equal(beacon.json.acked_seq, 9);
    const gap = await m.read(
      await d.telemetry([4, 5, 6, 7, 8, 9].map((s) => m.ev(s, "interaction", { kind: "click" }))),
    );
    assert.equal(gap.json.acked_seq, 9);
    assert.equal(gap.json.high_seq, 9);
    const s = await h.service.store.getSession(d.sessionId);
    // Interactions counted once each: 1, 2, 4..8 (seq 9 stored as page).
    assert.equal(s!.interactions, 7);
  });

  it("an empty batch carries a drop counter; the service keeps the maximum it has seen", async () => {
    const d = await session();
    await d.telemetry([m.ev(1, "page", { kind: "load" })], { dropped: 5 });
    const empty = await m.read(await d.telemetry([], { dropped: 3 }));
    assert.equal(empty.status, 200);
    assert.equal(empty.json.acked_seq, 1); // high_seq for an empty batch
    assert.equal((await h.service.store.getSession(d.sessionId))!.dropped, 5);
    const bad = await m.read(await d.telemetry([], { dropped: 0 }));
    assert.equal(bad.status, 400);
  });

  it("an action event creates one action record per (session, seq); a duplicate gets the same one", async () => {
    const d = await session();
    const first = await m.read(
      await d.telemetry([
        m.ev(1, "interaction", { kind: "click" }),
        m.ev(2, "action", {
          action_type: "login",
          claimed_user_id: "h-alice",
          claimed_user_id_type: "email",
        }),
      ]),
    );
    const actions = first.json.actions as {
      seq: number;
      action_id: string;
      action_token: string;
    }[];
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.seq, 2);
    assert.match(actions[0]!.action_id, /^a_/);
    const again = await m.read(await d.telemetry([m.ev(2, "action", { action_type: "login" })]));
    assert.deepEqual(again.json.actions, actions);
    // The action token works with the backend API.
    const b = await m.Backend.create(h);
    const rec = await b.recommendation(actions[0]!.action_token);
    assert.equal(rec.status, 200, JSON.stringify(rec.json));
    const ctx = rec.json.context as Record<string, unknown>;
    assert.equal(ctx.token_kind, "telemetry");
    assert.equal(ctx.claimed_user_id, "h-alice");
    assert.equal((ctx.signals as Record<string, unknown>).interactions_before_action, 1);
  });

  it("identify events set and clear the session's user, echoed in user_id; a late old one is ignored", async () => {
    const d = await session();
    const set = await m.read(
      await d.telemetry([m.ev(1, "identify", { user_id: "u-1", previous_user_id: null })]),
    );
    assert.equal(set.json.user_id, "u-1");
    const clear = await m.read(
      await d.telemetry([m.ev(3, "identify", { user_id: null, previous_user_id: "u-1" })]),
    );
    assert.equal(clear.json.user_id, null);
    const late = await m.read(
      await d.telemetry([m.ev(2, "identify", { user_id: "u-2", previous_user_id: "u-1" })]),
    );
    assert.equal(late.json.user_id, null);
    // The refresh answer carries the user too.
    await d.config();
    assert.equal((await m.read(await d.refreshRaw())).json.user_id, null);
  });

  it("accepts events after the token expired (no expiry check) and until retention after the end", async () => {
    const d = await session();
    h.advance(2000_000); // past token expiry and idle end
    try {
      const late = await m.read(await d.telemetry([m.ev(1, "page", { kind: "load" })]));
      assert.equal(late.status, 200, JSON.stringify(late.json));
      h.advance(86_400_000); // past retention
      const gone = await m.read(await d.telemetry([m.ev(2, "page", { kind: "load" })]));
      assert.equal(gone.status, 410);
      assert.equal(gone.json.code, "ERR_SESSION_ENDED");
    } finally {
      h.advance(-2000_000 - 86_400_000);
    }
  });

  it("authenticates by the session token: another session's token, a forged one, another client's", async () => {
    const d = await session();
    const other = await session();
    const wrongSub = await m.read(
      await d.telemetry([m.ev(1, "page", {})], { token: other.sessionToken }),
    );
    assert.equal(wrongSub.status, 401);
    assert.equal(wrongSub.json.code, "ERR_CLAIM_INVALID");
    const forged = d.sessionToken.slice(0, -2) + (d.sessionToken.endsWith("AA") ? "BA" : "AA");
    const f = await m.read(await d.telemetry([m.ev(1, "page", {})], { token: forged }));
    assert.equal(f.status, 401);
    assert.equal(f.json.code, "ERR_SIGNATURE_INVALID");
    const b = await session("b");
    const cross = await m.read(
      await d.telemetry([m.ev(1, "page", {})], { token: b.sessionToken, sessionId: b.sessionId }),
    );
    assert.equal(cross.status, 403);
    assert.equal(cross.json.code, "ERR_AUDIENCE_MISMATCH");
  });

  it("limits: > 100 events or event data > 4096 bytes → 422; body > 65536 → 413; bad shapes → 400", async () => {
    const d = await session();
    const many = Array.from(
      { length: 101 },
      (_, i) => m.ev(i + 1, "interaction", { kind: "click" }),
    );
    const r1 = await m.read(await d.telemetry(many));
    assert.equal(r1.status, 422);
    assert.equal(r1.json.code, "ERR_BATCH_TOO_LARGE");
    const r2 = await m.read(await d.telemetry([m.ev(1, "page", { pad: "x".repeat(4100) })]));
    assert.equal(r2.status, 422);
    const r2b = await m.read(
      await d.telemetry(
        Array.from({ length: 15 }, (_, i) => m.ev(i + 1, "page", { pad: "x".repeat(4050) })),
      ),
    );
    assert.equal(r2b.status, 422, "a batch above 61440 bytes");
    const r3 = await m.read(
      await d.telemetry(
        Array.from({ length: 20 }, (_, i) => m.ev(i + 1, "page", { pad: "y".repeat(4000) })),
      ),
    );
    assert.equal(r3.status, 413);
    const shapes: unknown[][] = [
      [m.ev(2, "page", {}), m.ev(1, "page", {})], // not increasing
      [m.ev(0, "page", {})], // seq 0
      [{ seq: 1, time_ms: 1, type: "mystery", data: {} }],
      [m.ev(1, "action", { action_type: "Login" })],
      [m.ev(1, "identify", { user_id: 5, previous_user_id: null })],
      [{ seq: 1, time_ms: 1, type: "page", data: [] }],
    ];
    for (const events of shapes) {
      const r = await m.read(await d.telemetry(events));
      assert.equal(r.status, 400, JSON.stringify(events));
      assert.equal(r.json.code, "ERR_INVALID_BODY");
    }
    const ct = await h.fetch("/v1/device/telemetry", {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "{}",
    });
    assert.equal(ct.status, 415);
  });

  it("an unknown client → 404; a browser origin the client does not allow → 403", async () => {
    const d = await session();
    const r = await m.read(await d.telemetry([m.ev(1, "page", {})], { clientId: "nobody" }));
    assert.equal(r.status, 404);
    assert.equal(r.json.code, "ERR_CLIENT_UNKNOWN");
    const cross = await h.fetch("/v1/device/telemetry", {
      method: "POST",
      headers: { "content-type": "text/plain", origin: "https://b.example" },
      body: JSON.stringify({
        ver: 1,
        client_id: "a",
        session_id: d.sessionId,
        session_token: d.sessionToken,
        events: [m.ev(1, "page", {})],
        dropped: { total: 0, by_priority: {} },
        sent_at_ms: 1,
      }),
    });
    assert.equal(cross.status, 403);
    // Nothing was stored for the forbidden origin.
    const ok = await m.read(await d.telemetry([m.ev(1, "page", {})]));
    assert.equal(ok.json.high_seq, 1);
    assert.equal((await h.service.store.getSession(d.sessionId))!.interactions, 0);
  });
});
