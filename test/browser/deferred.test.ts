// The browser SDK's stand-in for a session whose chunk is still arriving
// (adapters/browser/deferred.ts, retry-load.ts): calls reach the session in call order once it
// loads; a failed load is retried on a timer and on the next call; an asynchronous call whose
// attempt failed rejects with ERR_NETWORK while telemetry and listeners wait on. Runs everywhere
// with a fake chunk and fake timers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { deferredSession, STARTING } from "../../adapters/browser/deferred.ts";
import type { RetryTimer } from "../../adapters/browser/retry-load.ts";
import { SINK } from "../../adapters/sdk/device-session.ts";
import { DeviceSessionError } from "../../core/errors/error.ts";

/** Lets every pending promise reaction run (a macrotask runs after all microtasks). */
const drain = () => new Promise<void>((r) => setTimeout(r, 0));

type Shared = ReturnType<typeof deferredSession>;

/** A chunk whose loads the test settles one by one, a fake session and fake timers. */
function harness(maxWaiting?: number) {
  const log: string[] = [];
  const attempts: { resolve(): void; reject(): void }[] = [];
  const timers = new Map<number, () => void>();
  let nextTimer = 1;
  const timer: RetryTimer = {
    set: (f) => (timers.set(nextTimer, f), nextTimer++),
    clear: (h) => void timers.delete(h as number),
  };
  let shutdowns = 0;
  let built = 0;
  const session = {
    isLeader: () => true,
    snapshot: () => ({ ...STARTING, phase: "active" }),
    on: (l: unknown) => (log.push(`on ${String(l)}`), () => log.push(`off ${String(l)}`)),
    [SINK]: {
      track: (_t: string, data: { n: number }) => void log.push(`track ${data.n}`),
      activity: () => void log.push("activity"),
      pageHide: () => void log.push("pageHide"),
    },
    flush: (n: number) => (log.push(`flush ${n}`), Promise.resolve(n)),
    getSessionToken: () => Promise.resolve("token"),
    shutdown: () => (shutdowns++, Promise.resolve()),
  } as unknown as Shared;
  const ds = deferredSession({
    load: () =>
      new Promise<() => Shared>((resolve, reject) =>
        attempts.push({
          resolve: () => resolve(() => (built++, session)),
          reject: () => reject(new TypeError("x")),
        })
      ),
    timer,
    ...(maxWaiting !== undefined ? { maxWaiting } : {}),
  });
  return { ds, log, attempts, timers, shutdowns: () => shutdowns, built: () => built };
}

const flush = (ds: Shared, n: number) => (ds.flush as unknown as (n: number) => Promise<number>)(n);
const track = (ds: Shared, n: number) =>
  ds[SINK].track("interaction", { n } as unknown as Record<string, unknown>);

describe("deferred session", () => {
  it("a model: calls arrive in call order; failed attempts reject only the calls waiting on them", async () => {
    type Cmd =
      | { k: "track" }
      | { k: "on" }
      | { k: "flush" }
      | { k: "fail" }
      | { k: "succeed" }
      | { k: "timer" };
    const cmd = fc.constantFrom<Cmd>(
      { k: "track" },
      { k: "on" },
      { k: "flush" },
      { k: "fail" },
      { k: "succeed" },
      { k: "timer" },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 40 }), async (cmds) => {
        const h = harness();
        // The model: what the session must have received, and each flush's expected outcome.
        const expected: string[] = [];
        let queued: { entry: string; flush?: number }[] = [];
        let loaded = false;
        let inflight = true; // the first attempt starts at once
        let attempts = 1;
        const outcomes = new Map<number, Promise<string>>();
        const rejected = new Set<number>();
        let n = 0;
        const start = () => {
          if (!loaded && !inflight) (inflight = true, attempts++);
        };
        for (const c of cmds) {
          const i = n++;
          if (c.k === "track" || c.k === "on" || c.k === "flush") {
            const entry = c.k === "track" ? `track ${i}` : c.k === "on" ? `on ${i}` : `flush ${i}`;
            if (c.k === "track") track(h.ds, i);
            if (c.k === "on") h.ds.on(i as unknown as () => void);
            if (c.k === "flush") {
              outcomes.set(
                i,
                flush(h.ds, i).then(
                  (v) => `ok ${v}`,
                  (e) => (e instanceof DeviceSessionError ? e.code : "other"),
                ),
              );
            }
            if (loaded) expected.push(entry);
            else {
              queued.push(c.k === "flush" ? { entry, flush: i } : { entry });
              if (c.k === "flush") start(); // only a call awaiting an answer brings a retry forward
            }
          } else if (c.k === "fail" && inflight) {
            h.attempts.at(-1)!.reject();
            inflight = false;
            for (const q of queued) if (q.flush !== undefined) rejected.add(q.flush);
            queued = queued.filter((q) => q.flush === undefined);
          } else if (c.k === "succeed" && inflight) {
            h.attempts.at(-1)!.resolve();
            inflight = false;
            loaded = true;
            expected.push(...queued.map((q) => q.entry));
            queued = [];
          } else if (c.k === "timer") {
            const [id, f] = [...h.timers][0] ?? [];
            if (id !== undefined) (h.timers.delete(id), f!(), start());
          }
          await drain();
          assert.equal(h.attempts.length, attempts, "one load per attempt, never two at once");
        }
        assert.deepEqual(h.log, expected);
        for (const [i, p] of outcomes) {
          if (rejected.has(i)) assert.equal(await p, "ERR_NETWORK", `flush ${i}`);
          else if (expected.includes(`flush ${i}`)) assert.equal(await p, `ok ${i}`);
        }
        assert.equal(h.ds.snapshot().phase, loaded ? "active" : "starting");
      }),
      { numRuns: 150 },
    );
  });

  it("retries on a backoff that grows after each failure in a row", async () => {
    const delays: number[] = [];
    const pending: (() => void)[] = [];
    let loads = 0;
    deferredSession({
      load: () => (loads++, Promise.reject(new TypeError("offline"))),
      timer: { set: (f, ms) => (delays.push(ms), pending.push(f)), clear: () => {} },
    });
    for (let i = 0; i < 8; i++) {
      await drain();
      pending.shift()!();
    }
    await drain();
    assert.equal(loads, 9);
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it("telemetry and listeners wait for the backoff: they never fetch the chunk again at once", async () => {
    const h = harness();
    h.attempts[0]!.reject();
    await drain();
    for (let i = 0; i < 50; i++) (track(h.ds, i), h.ds[SINK].activity(), h.ds.on(() => {}));
    await drain();
    assert.equal(h.attempts.length, 1, "no attempt before the retry is due");
    assert.equal(h.timers.size, 1);
    [...h.timers.values()][0]!();
    h.attempts[1]!.resolve();
    await drain();
    assert.equal(h.log.filter((l) => l.startsWith("track")).length, 50);
  });

  it("a listener removed before the chunk arrived is never registered", async () => {
    const h = harness();
    const off = h.ds.on("L" as unknown as () => void);
    h.ds.on("M" as unknown as () => void);
    off();
    h.attempts[0]!.resolve();
    await drain();
    assert.deepEqual(h.log, ["on M"]);
  });

  it("keeps at most maxWaiting telemetry calls (the oldest go), never a listener", async () => {
    const h = harness(3);
    h.ds.on("L" as unknown as () => void);
    for (let i = 0; i < 6; i++) track(h.ds, i);
    h.attempts[0]!.resolve();
    await drain();
    assert.deepEqual(h.log, ["on L", "track 3", "track 4", "track 5"]);
  });

  it("shutdown before the chunk arrived: waiting calls get ERR_CLOSED, no more retries, a late chunk starts no session", async () => {
    const h = harness();
    const waiting = flush(h.ds, 1).catch((e) => e.code);
    await h.ds.shutdown();
    assert.equal(await waiting, "ERR_CLOSED");
    assert.equal(await flush(h.ds, 2).catch((e) => e.code), "ERR_CLOSED");
    track(h.ds, 3); // ignored
    h.attempts[0]!.resolve();
    await drain();
    assert.deepEqual(h.log, []);
    assert.equal(h.built(), 0, "nothing is started (no requests) once shut down");
    assert.equal(h.shutdowns(), 0);
    assert.equal(h.timers.size, 0);
    assert.equal(h.attempts.length, 1);
  });

  it("shutdown after a failed attempt cancels the pending retry", async () => {
    const h = harness();
    h.attempts[0]!.reject();
    await drain();
    assert.equal(h.timers.size, 1);
    await h.ds.shutdown();
    assert.equal(h.timers.size, 0);
  });

  it("a call that brings the retry forward cancels its timer; a load failing after shutdown schedules none", async () => {
    const h = harness();
    h.attempts[0]!.reject();
    await drain();
    assert.equal(h.timers.size, 1);
    const answer = flush(h.ds, 1).catch((e) => e.code);
    await drain();
    assert.equal(h.attempts.length, 2, "fetched again at once");
    assert.equal(h.timers.size, 0, "the retry it replaced is cancelled");
    await h.ds.shutdown(); // while the second attempt is in flight
    assert.equal(await answer, "ERR_CLOSED");
    h.attempts[1]!.reject();
    await drain();
    assert.equal(h.timers.size, 0, "no retry after shutdown");
    assert.equal(h.attempts.length, 2);
  });
});
