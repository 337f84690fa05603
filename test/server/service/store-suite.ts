// The store conformance suite: the Store contract (adapters/store/types.ts) checked the same way
// against every store — MemoryStore, RedisStore on one redis-server, RedisStore on a Redis
// Cluster. Each store gets a harness: its clock, and how time passes (a fake clock jumps; a
// real Redis waits, so expiry steps here stay short). Times given to counters are logical
// (passed in), as the service does.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryStore } from "../../../adapters/store/memory.ts";
import { newActionId } from "../../../adapters/server/ids.ts";
import { registryTests } from "./store-suite-registries.ts";
import { actionFor, expired, fresh, sessionAt, type StoreHarness, T } from "./store-suite-kit.ts";

/** A store under test with its clock. */
export { actionFor, sessionAt, type StoreHarness } from "./store-suite-kit.ts";

/**
 * Registers the suite for one store. `open` runs once (before the first test); `close` after
 * the last. `skip` is a reason to skip the whole store (no redis-server, a browser).
 */
export function storeSuite(
  name: string,
  skip: string | false,
  open: () => Promise<StoreHarness & { close(): Promise<void> }>,
): void {
  describe(`Store contract: ${name}`, { skip }, () => {
    // Opened by the first test, so a skipped suite starts nothing.
    let opened: Promise<StoreHarness & { close(): Promise<void> }> | null = null;
    const harness = () => (opened ??= open());
    after(async () => {
      if (opened !== null) await (await opened).close();
    });

    it(
      "consume: exactly one of many concurrent calls wins; the id expires; a past one is not kept",
      T,
      async () => {
        const h = await harness();
        const { store, now, advance } = h;
        // A record that outlives the burst (a loaded machine may spread 300 calls over
        // seconds): exactly one call wins, and a replay is refused.
        const k = fresh("jti");
        const results = await Promise.all(
          Array.from({ length: 300 }, () => store.consume(k, now() + 60_000)),
        );
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal(await store.consume(k, now() + 60_000), false, "a replay while recorded");
        // A short record: refused until `until` (on a real clock, a loaded machine may reach
        // `until` before the replay: then a fresh answer is right), and forgotten after it.
        const short = fresh("jti");
        const until = now() + 300;
        assert.equal(await store.consume(short, until), true);
        const replay = await store.consume(short, until);
        assert.ok(replay === false || now() >= until, "a replay while recorded");
        // Stores may keep a record longer (the memory store rounds up to the second), never shorter.
        await advance(1300);
        let later = await store.consume(short, now() + 300);
        // A real clock's TTL counts from the command's arrival (see StoreHarness.realClock).
        while (h.realClock === true && !later) {
          await advance(100);
          later = await store.consume(short, now() + 300);
        }
        assert.equal(later, true, "recorded until untilMs, not forever");
        const proof = await store.consumeProof(k, now() + 300);
        assert.equal(proof, true, "proof ids are a separate table: keys never collide");
        assert.equal(await store.consumeProof(k, now() + 300), false);
        const past = fresh("past");
        assert.equal(await store.consume(past, now() - 1), true);
        assert.equal(await store.consume(past, now() - 1), true);
      },
    );

    it(
      "sessions: copies out, patches atomically, expiry follows the session end plus retention",
      T,
      async () => {
        const h = await harness();
        const { store, now, advance } = h;
        const id = fresh("s_");
        const t = Math.floor(now() / 1000);
        const s = sessionAt(id, t, 1);
        await store.createSession(s, (s.lastSeen + 1 + 1) * 1000);
        const copy = (await store.getSession(id))!;
        assert.deepEqual(copy, s, "the record round-trips");
        copy.userId = "mutated";
        assert.equal((await store.getSession(id))!.userId, null, "a copy, not the stored object");
        const patched = (await store.patchSession(
          id,
          {
            seen: t,
            interactions: 2,
            dropped: 3,
            automation: true,
            platform: "browser",
            user: { id: "u1", seq: 5 },
          },
          t,
          1,
        ))!;
        assert.deepEqual(
          [
            patched.interactions,
            patched.dropped,
            patched.automation,
            patched.platform,
            patched.userId,
            patched.userSeq,
          ],
          [2, 3, true, "browser", "u1", 5],
        );
        const again = (await store.patchSession(
          id,
          {
            interactions: 1,
            dropped: 1,
            platform: "node",
            user: { id: "u0", seq: 4 },
          },
          t,
          1,
        ))!;
        assert.deepEqual(
          [again.interactions, again.dropped, again.platform, again.userId],
          [3, 3, "browser", "u1"],
          "commutative members; an older identify cannot undo a newer one",
        );
        const cleared = (await store.patchSession(id, { user: { id: null, seq: 0 } }, t, 1))!;
        assert.equal(cleared.userId, null);
        assert.deepEqual(await store.getSession(id), cleared);
        // Kept until lastSeen + idle + retention (2 s after lastSeen), then gone.
        await advance((t + 2) * 1000 - now() + 100);
        await expired(h, async () => (await store.getSession(id)) === null);
        assert.equal(await store.getSession(id), null);
        assert.equal(await store.patchSession(id, {}, t, 1), null);
      },
    );

    it(
      "patchSession: seen moves lastSeen only while active, capped at the absolute end",
      T,
      async () => {
        const { store, now } = await harness();
        const id = fresh("s_");
        const t = Math.floor(now() / 1000);
        await store.createSession(sessionAt(id, t), now() + 600_000);
        assert.equal(
          (await store.patchSession(id, { seen: t + 100 }, t + 100, 60))!.lastSeen,
          t + 100,
        );
        assert.equal(
          (await store.patchSession(id, { seen: t + 50 }, t + 100, 60))!.lastSeen,
          t + 100,
        );
        // Idle (1800 s) has passed at t + 2000: the session ended, seen no longer revives it.
        assert.equal(
          (await store.patchSession(id, { seen: t + 2000 }, t + 2000, 60))!.lastSeen,
          t + 100,
        );
      },
    );

    it(
      "appendEvents: fresh seqs once, highSeq; concurrent duplicates split the seqs exactly once",
      T,
      async () => {
        const { store, now } = await harness();
        const id = fresh("s_");
        await store.createSession(sessionAt(id, Math.floor(now() / 1000)), now() + 600_000);
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => store.appendEvents(id, [1, 2, 3], now() + 600_000)),
        );
        assert.deepEqual(answers.flatMap((a) => a.fresh).sort(), [1, 2, 3]);
        assert.deepEqual(await store.appendEvents(id, [3, 4], now() + 600_000), {
          fresh: [4],
          highSeq: 4,
        });
        assert.deepEqual(await store.appendEvents(id, [9, 7, 7], now() + 600_000), {
          fresh: [7, 9],
          highSeq: 9,
        });
        assert.deepEqual(await store.appendEvents(id, [8, 5], now() + 600_000), {
          fresh: [5, 8],
          highSeq: 9,
        });
        assert.deepEqual(
          await store.appendEvents(fresh("s_gone"), [2, 1, 2], now() + 600_000),
          { fresh: [1, 2], highSeq: 2 },
          "an unknown session stores nothing: every distinct seq is new",
        );
      },
    );

    it(
      "appendEvents agrees with the reference seq set on any batches (gaps, merges beyond the cap)",
      T,
      async () => {
        const { store, now } = await harness();
        const ref = new MemoryStore();
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 40 }), {
              minLength: 1,
              maxLength: 8,
            }),
            async (batches) => {
              const id = fresh("s_");
              const s = sessionAt(id, Math.floor(now() / 1000));
              await store.createSession(s, now() + 600_000);
              await ref.createSession(s, Date.now() + 600_000);
              for (const b of batches) {
                assert.deepEqual(
                  await store.appendEvents(id, b, now() + 600_000),
                  await ref.appendEvents(id, b, Date.now() + 600_000),
                );
              }
            },
          ),
          { numRuns: 25 },
        );
      },
    );

    it(
      "putAction stores an SDK action once per (session, seq); outcomes; backend actions",
      T,
      async () => {
        const { store, now } = await harness();
        const sid = fresh("s_");
        const first = actionFor(sid, 7, now());
        const second = actionFor(sid, 7, now());
        const racing = await Promise.all([
          store.putAction(first, now() + 600_000),
          store.putAction(second, now() + 600_000),
        ]);
        assert.equal(racing[0].id, racing[1].id, "one record wins for the seq");
        const winner = racing[0].id === first.id ? first : second;
        const loser = winner === first ? second : first;
        assert.deepEqual(await store.getActionBySeq(sid, 7), winner);
        assert.deepEqual(await store.getAction(winner.id), winner);
        assert.equal(await store.getAction(loser.id), null);
        assert.equal(await store.getActionBySeq(sid, 8), null);
        const outcome = {
          result: "success",
          userId: "u",
          challengeType: null,
          reportedAtMs: 1,
        } as const;
        assert.deepEqual(await store.setActionOutcome(winner.id, outcome), { ...winner, outcome });
        assert.deepEqual((await store.getAction(winner.id))!.outcome, outcome);
        const backend = { ...actionFor(sid, null, now()), source: "session" as const };
        assert.deepEqual(await store.putAction(backend, now() + 600_000), backend);
        assert.deepEqual(
          await store.putAction(backend, now() + 600_000),
          backend,
          "no seq: stored as given",
        );
        assert.equal(await store.setActionOutcome(newActionId(sid), outcome), null);
        assert.equal(await store.getAction("a_unknown"), null);
      },
    );

    registryTests(harness);
  });
}
