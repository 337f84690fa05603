// End to end in a real headless Chromium against the real service on loopback (SPEC §9.9, §8.7):
// the demo flow, reloads, two tabs, offline, page hide. Runs from Node (playwright-core).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { e2eSkip } from "../support/chromium.ts";

type Snap = {
  phase: string;
  sessionId: string | null;
  deviceId: string | null;
  tokenExpiresAt: number | null;
  queueLength: number;
  ackedSeq: number;
  dropped: number;
  userId: string | null;
  keyAssurance: string | null;
};
declare const deviceSession: {
  snapshot(): Snap;
  flush(): Promise<void>;
  isLeader(): boolean;
  getSessionToken(): Promise<string>;
};

const skip = e2eSkip();
// Computed specifiers: the browser leg bundles this file (and skips it); the server and
// playwright must stay out of that bundle.
const SUPPORT = "../support/";

describe("demo end to end (Chromium + service on loopback)", { skip, timeout: 240_000 }, () => {
  // deno-lint-ignore no-explicit-any
  let demo: any, launch: () => Promise<any>;

  before(async () => {
    ({ launch } = await import(SUPPORT + "chromium.ts"));
    const { startDemo } = await import(SUPPORT + "demo-server.ts");
    demo = await startDemo();
  });
  after(async () => await demo?.close());

  // deno-lint-ignore no-explicit-any
  async function open(context: any, query = "") {
    const page = await context.newPage();
    page.on("pageerror", (e: Error) => console.error("page error:", e.message));
    await page.goto(`${demo.base}/demo/${query}`);
    await page.waitForFunction(() => deviceSession.snapshot().phase === "active", null, {
      timeout: 0, // the test's timeout is the ceiling
    });
    return page;
  }
  // deno-lint-ignore no-explicit-any
  const snap = (page: any): Promise<Snap> => page.evaluate(() => deviceSession.snapshot());
  // Until the collectors' chunk has arrived a click is not collected: click and send until an
  // interaction reaches the service (the test's timeout is the ceiling).
  // deno-lint-ignore no-explicit-any
  async function clickUntilInteraction(page: any): Promise<void> {
    const before = demo.seen.length;
    let sent = "";
    while (!sent.includes('"type":"interaction"')) {
      await page.click("#amount");
      await page.evaluate(() => deviceSession.flush());
      sent = demo.seen.slice(before).map((r: { body: string }) => r.body).join("\n");
    }
  }

  it("login and transfer: a secure token per action, verified locally, recommendation shown", async () => {
    const context = await launch();
    try {
      const page = await open(context);
      await page.click("#username");
      await page.keyboard.type("-x");
      await page.click("#password");
      await page.keyboard.type("s3cret-typed");
      await page.click("#login-btn");
      const login = await page.waitForSelector("#login-result [data-testid=type]", {
        timeout: 0, // the test's timeout is the ceiling
      });
      assert.ok(["TRUST", "ALLOW", "CHALLENGE", "DENY"].includes(await login.textContent()));
      assert.match(await page.textContent("#login-result"), /verified locally: device d_/);
      await page.click("#transfer-btn");
      const transfer = await page.waitForSelector("#transfer-result [data-testid=type]", {
        timeout: 0, // the test's timeout is the ceiling
      });
      assert.ok(["TRUST", "ALLOW", "CHALLENGE", "DENY"].includes(await transfer.textContent()));
      await page.evaluate(() => deviceSession.flush());
      // Nothing typed ever reaches the service: not the password, not the username keys.
      const sent = demo.seen.map((r: { body: string }) => r.body).join("\n");
      assert.ok(sent.includes('"type":"interaction"'), "interactions were collected");
      // The device attributes (a chunk of their own) reached the create request and the queue.
      const create = demo.seen.find((r: { path: string }) => r.path === "/v1/device/sessions");
      assert.equal(JSON.parse(create.body).attributes?.platform, "browser");
      assert.ok(sent.includes('"type":"device"'), "the device event was sent");
      // The page loaded the SDK as a user's bundler splits it: the collectors in their own chunk.
      const scripts: string[] = await page.evaluate(() =>
        performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.endsWith(".js"))
      );
      assert.ok(scripts.some((n) => n.endsWith("/demo/app.js")), scripts.join(" "));
      assert.ok(scripts.some((n) => /\/demo\/chunk-[^/]+\.js$/.test(n)), scripts.join(" "));
      assert.ok(
        !sent.includes("s3cret") && !sent.includes("correct horse"),
        "a typed value leaked",
      );
    } finally {
      await context.close();
    }
  });

  it("a reload keeps the device key and the session", async () => {
    const context = await launch();
    try {
      const page = await open(context);
      const first = await snap(page);
      const creates = demo.seen.filter((r: { path: string }) =>
        r.path === "/v1/device/sessions"
      ).length;
      await page.reload();
      await page.waitForFunction(() => deviceSession.snapshot().phase === "active");
      const second = await snap(page);
      assert.equal(second.sessionId, first.sessionId);
      assert.equal(second.deviceId, first.deviceId);
      assert.equal(second.keyAssurance, "persistent-nonextractable");
      assert.equal(
        demo.seen.filter((r: { path: string }) => r.path === "/v1/device/sessions").length,
        creates,
      );
    } finally {
      await context.close();
    }
  });

  it("going offline queues telemetry; coming back delivers it, nothing lost", async () => {
    const context = await launch();
    try {
      const page = await open(context);
      await page.evaluate(() => deviceSession.flush());
      await context.setOffline(true);
      for (let i = 0; i < 12; i++) await page.click("#amount");
      await page.evaluate(() => deviceSession.flush().catch(() => {}));
      const offline = await snap(page);
      assert.ok(offline.queueLength > 0, "events wait in the queue while offline");
      await context.setOffline(false);
      await page.evaluate(() => deviceSession.flush());
      const back = await snap(page);
      assert.equal(back.queueLength, 0);
      assert.equal(back.dropped, 0);
      const seqs = new Set<number>();
      for (const r of demo.seen) {
        if (r.path !== "/v1/device/telemetry") continue;
        const b = JSON.parse(r.body);
        if (b.session_id === back.sessionId) { for (const e of b.events) seqs.add(e.seq); }
      }
      for (let s = 1; s <= back.ackedSeq; s++) assert.ok(seqs.has(s), `seq ${s} never delivered`);
    } finally {
      await context.close();
    }
  });

  it("page hide sends the queue with a beacon", async () => {
    const context = await launch();
    try {
      const page = await open(context);
      await page.evaluate(() => deviceSession.flush());
      for (let i = 0; i < 3; i++) await page.click("#payee");
      const before = demo.seen.length;
      await page.close({ runBeforeUnload: true });
      // Awaited as it arrives (no deadline: the test's timeout is the ceiling).
      const beacon = await demo.request(
        (r: { path: string; contentType: string }) =>
          r.path === "/v1/device/telemetry" && r.contentType.startsWith("text/plain"),
        before,
      );
      assert.ok(
        JSON.parse(beacon.body).events.some((e: { type: string }) => e.type === "interaction"),
      );
    } finally {
      await context.close();
    }
  });

  it("the tabs, collector and device attribute chunks are fetched again: the session starts with its attributes, interactions arrive", async () => {
    const context = await launch();
    try {
      // The first request for each lazy chunk fails as a dropped connection would.
      const failed = new Map<string, number>();
      // deno-lint-ignore no-explicit-any
      await context.route(/\/demo\/(tabs|listeners|device)-[A-Z0-9]+\.js$/, (route: any) => {
        const name = new URL(route.request().url()).pathname;
        failed.set(name, (failed.get(name) ?? 0) + 1);
        return failed.get(name) === 1 ? route.abort("connectionreset") : route.continue();
      });
      const start = demo.seen.length;
      const page = await open(context);
      const token: string = await page.evaluate(() => deviceSession.getSessionToken());
      assert.equal(token.split(".").length, 3);
      const create = demo.seen.slice(start).find((r: { path: string }) =>
        r.path === "/v1/device/sessions"
      );
      assert.equal(JSON.parse(create.body).attributes?.platform, "browser");
      await clickUntilInteraction(page);
      assert.deepEqual(
        [...failed.values()].sort(),
        [2, 2, 2],
        `each chunk failed once, then loaded: ${[...failed.keys()].join(" ")}`,
      );
    } finally {
      await context.close();
    }
  });

  it("a collectors chunk that failed loads again at once when the page is back online", async () => {
    const context = await launch();
    try {
      let online = false, served = 0;
      let failedOnce!: () => void, servedOnce!: () => void;
      const failed = new Promise<void>((r) => failedOnce = r);
      const arrived = new Promise<void>((r) => servedOnce = r);
      // deno-lint-ignore no-explicit-any
      await context.route(/\/demo\/listeners-[A-Z0-9]+\.js$/, (route: any) => {
        if (!online) return failedOnce(), route.abort("internetdisconnected");
        served++;
        servedOnce();
        return route.continue();
      });
      // The page's timers run on a clock the test can stop: once it is stopped, the retry's
      // backoff never fires, and only the page's "online" event can fetch the chunk again.
      await context.clock.install();
      const page = await open(context);
      await failed;
      // Paused a little ahead of the page's time (a round trip later it must still be ahead),
      // far before the first retry's 1 s backoff.
      await page.clock.pauseAt(await page.evaluate(() => Date.now() + 200));
      online = true;
      // The event again until the chunk is asked for: the first one may come while the failed
      // attempt is still settling (then it answers that attempt). Waiting on the test's own
      // clock: the page's timers and animation frames are paused.
      for (let i = 0; served === 0; i++) {
        assert.ok(i < 250, "back online, the chunk is not asked for again");
        await page.evaluate(() => dispatchEvent(new Event("online")));
        await Promise.race([arrived, new Promise((r) => setTimeout(r, 20))]);
      }
      await page.clock.resume();
      // The collectors it holds run: a click reaches the service as an interaction.
      await clickUntilInteraction(page);
      assert.equal(served, 1);
    } finally {
      await context.close();
    }
  });
});

describe("two tabs (Chromium + service on loopback)", { skip, timeout: 240_000 }, () => {
  it("share one device session and make one refresh", async () => {
    const { launch } = await import(SUPPORT + "chromium.ts");
    const { startDemo } = await import(SUPPORT + "demo-server.ts");
    const demo = await startDemo({ tokenLifetimeS: 60 });
    const context = await launch();
    try {
      const open = async () => {
        const page = await context.newPage();
        await page.goto(`${demo.base}/demo/?refreshAt=0.5`);
        await page.waitForFunction(() => deviceSession.snapshot().sessionId !== null, null, {
          timeout: 0, // the test's timeout is the ceiling
        });
        return page;
      };
      const a = await open();
      const b = await open();
      const sa = await a.evaluate(() => deviceSession.snapshot());
      const sb = await b.evaluate(() => deviceSession.snapshot());
      assert.equal(sa.sessionId, sb.sessionId);
      const leaders = [
        await a.evaluate(() => deviceSession.isLeader()),
        await b.evaluate(() => deviceSession.isLeader()),
      ];
      assert.deepEqual(leaders.sort(), [false, true]);
      // Both tabs get tokens of the one session (the follower through the leader).
      const [ta, tb] = [
        await a.evaluate(() => deviceSession.getSessionToken()),
        await b.evaluate(() => deviceSession.getSessionToken()),
      ];
      assert.equal(
        JSON.parse(atob(ta.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sub,
        sa.sessionId,
      );
      assert.equal(
        JSON.parse(atob(tb.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sub,
        sa.sessionId,
      );
      // Refresh at 50% ± 5% of 60 s: wait for it, then count.
      const exp0 = sa.tokenExpiresAt!;
      await a.waitForFunction(
        (e: number) => (deviceSession.snapshot().tokenExpiresAt ?? 0) > e,
        exp0,
        { timeout: 0 },
      );
      // The follower has the refreshed token too: had it refreshed by itself, it would have done
      // so before learning of the leader's refresh, so the count below includes it.
      await b.waitForFunction(
        (e: number) => (deviceSession.snapshot().tokenExpiresAt ?? 0) > e,
        exp0,
        { timeout: 0 },
      );
      const seen: { path: string }[] = demo.seen;
      const creates = seen.filter((r) => r.path === "/v1/device/sessions").length;
      const refreshes = seen.filter((r) => r.path.endsWith("/refresh")).length;
      assert.equal(creates, 1, "one session for both tabs");
      assert.equal(refreshes, 1, "one refresh for both tabs");
    } finally {
      await context.close();
      await demo.close();
    }
  });
});
