// What the SDK reads back from storage (SPEC §8.8, §9.15) is untrusted: the driver resumes a
// session and restores a queue only if they have the shape the SDK writes, and a record that
// fails is ignored rather than half-used. Every member removed or replaced by a value of another
// kind must fail the check; extra members are tolerated.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DELETE, paths, replaced } from "../../support/mutate.ts";
import { isPersistedSession, isQueueSnapshot } from "../../../core/wire/storage-guards.ts";

const session = {
  v: 1,
  id: "s_1",
  token: "a.b.c",
  tokenIat: 1767225600,
  tokenExp: 1767226500,
  expiresAt: 1767312000,
  idleTimeoutS: 1800,
  user: "u-1",
  jkt: "thumb",
  offsetMs: -250,
};

const queue = {
  v: 1,
  events: [
    { sid: "s_1", seq: 1, type: "device", time_ms: 1767225600000, data: '{"platform":"web"}' },
    { sid: "~", seq: 1, type: "action", time_ms: 1767225601000, data: "{}" },
  ],
  nextSeq: { s_1: 2, "~": 2 },
  dropped: {},
  tokens: { s_1: "a.b.c" },
};

/** A value of another kind than `x`: what a corrupted or foreign record may hold instead. */
function otherKinds(x: unknown): unknown[] {
  const all = [DELETE, null, "1", 1.5, Number.MAX_SAFE_INTEGER + 1, true, [], "[1]", "{"];
  return all.filter((v) => typeof v !== typeof x || (typeof x === "number" && v !== x));
}

describe("storage checks (what the driver reads back)", { timeout: 30_000 }, () => {
  it("accept what the SDK writes, with or without extra members and a null user", () => {
    assert.ok(isPersistedSession(session));
    assert.ok(isPersistedSession({ ...session, user: null, extra: 1 }));
    assert.ok(isQueueSnapshot(queue));
    assert.ok(isQueueSnapshot({ ...queue, events: [], tokens: undefined }));
  });

  it("refuse a persisted session with any member missing or of another kind", () => {
    for (const k of Object.keys(session)) {
      for (const bad of otherKinds(session[k as keyof typeof session])) {
        if (k === "user" && bad === null) continue; // a session without a user
        const x = replaced(session, [k], bad);
        assert.equal(isPersistedSession(x), false, `${k} = ${String(bad)}`);
      }
    }
    assert.equal(isPersistedSession({ ...session, v: 2 }), false);
    for (const x of [null, "s", [session], 1]) assert.equal(isPersistedSession(x), false);
  });

  it("refuse a queue whose events are malformed anywhere", () => {
    const eventPaths = paths(queue.events).filter((p) => p.length === 2);
    for (const p of eventPaths) {
      const value = (queue.events[p[0] as number] as Record<string, unknown>)[p[1]!];
      for (const bad of otherKinds(value)) {
        const x = replaced(queue, ["events", ...p], bad);
        assert.equal(isQueueSnapshot(x), false, `events.${p.join(".")} = ${String(bad)}`);
      }
    }
    for (const data of ["[]", "null", '"x"', "{", "1"]) {
      assert.equal(isQueueSnapshot(replaced(queue, ["events", 0, "data"], data)), false, data);
    }
    assert.equal(isQueueSnapshot(replaced(queue, ["events", 0, "type"], "login")), false);
    assert.equal(isQueueSnapshot(replaced(queue, ["events", 1], null)), false);
    for (const k of ["v", "events", "nextSeq", "dropped"]) {
      assert.equal(isQueueSnapshot(replaced(queue, [k], DELETE)), false, k);
    }
    assert.equal(isQueueSnapshot(replaced(queue, ["events"], {})), false);
  });
});
