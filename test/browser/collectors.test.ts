// Browser collectors (adapters/browser/collectors): the pure parts (rate limiter, helpers,
// device attributes) and the collectors on fake event targets run everywhere; real DOM events
// run in Chromium only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type CollectorOptions,
  createRateLimiter,
  DEFAULT_LIMITS,
  deviceAttributes,
  fieldKind,
  lengthBucket,
  startCollectors,
} from "../../adapters/browser/collectors/mod.ts";
import { serverDeviceAttributes } from "../../adapters/browser/collectors/server.ts";

import { assertWellFormed, ev, fakeEnv, recorder } from "./collectors-support.ts";

describe("collectors: helpers", () => {
  it("lengthBucket gives power-of-two lower bounds", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 7, 8, 20, 1000].map(lengthBucket), [
      0,
      1,
      2,
      2,
      4,
      4,
      8,
      16,
      512,
    ]);
  });

  it("fieldKind reports tag and input type, never name, id or value", () => {
    const input = { tagName: "INPUT", type: "password", name: "pw", id: "pw1", value: "hunter2" };
    assert.equal(fieldKind(input as unknown as EventTarget), "input:password");
    assert.equal(fieldKind({ tagName: "INPUT", type: "" } as unknown as EventTarget), "input:text");
    assert.equal(fieldKind({ tagName: "TEXTAREA" } as unknown as EventTarget), "textarea");
    assert.equal(fieldKind(null), "none");
    assert.equal(fieldKind(new EventTarget()), "none");
  });
});

describe("collectors: rate limiter", () => {
  it("admits a burst, then refuses and counts, then reports the count once", () => {
    const l = createRateLimiter();
    const got = Array.from({ length: 25 }, () => l.take("click", 0));
    assert.deepEqual(got, [...Array(20).fill(0), ...Array(5).fill(-1)]);
    // 10 per second refill: 100 ms gives one token, which carries the 5 refused.
    assert.equal(l.take("click", 100), 5);
    assert.equal(l.take("click", 100), -1);
    assert.equal(l.take("click", 200), 1);
    assert.deepEqual(l.drain(), {});
  });

  it("keeps kinds apart, and the overall cap covers all kinds", () => {
    const l = createRateLimiter({ perMinute: 6, limits: { paste: { perSecond: 1, burst: 1 } } });
    assert.equal(l.take("paste", 0), 0);
    assert.equal(l.take("paste", 0), -1); // paste bucket empty
    assert.equal(l.take("click", 0), 0); // click bucket is separate
    for (let i = 0; i < 4; i++) assert.equal(l.take("submit", 0), i < 4 ? 0 : -1);
    assert.equal(l.take("click", 0), -1); // overall: 6 taken
    assert.equal(l.take("made-up", 0), -1); // unknown kinds: only the overall cap
    assert.deepEqual(l.drain(), { paste: 1, click: 1, "made-up": 1 });
    assert.deepEqual(l.drain(), {});
    // 6 per minute: 10 s gives one overall token.
    assert.equal(l.take("click", 10_000), 0);
  });

  it("defaults match the documented budgets", () => {
    assert.deepEqual(DEFAULT_LIMITS.click, { perSecond: 10, burst: 20 });
    assert.equal(DEFAULT_LIMITS.pointer.perSecond, 0.5);
    assert.equal(DEFAULT_LIMITS.paste.perSecond, 5);
  });
});

describe("collectors: device attributes", () => {
  it("returns a flat map within 4 KiB and 64 entries on any runtime", () => {
    const a = deviceAttributes();
    assert.equal(a.platform, "browser");
    assert.equal(typeof a.automation, "boolean");
    assert.ok(Object.keys(a).length <= 64);
    assert.ok(new TextEncoder().encode(JSON.stringify(a)).length <= 4096);
    for (const v of Object.values(a)) assert.ok(["string", "number", "boolean"].includes(typeof v));
    if (typeof window !== "undefined") {
      assert.equal(a.webdriver, navigator.webdriver === true);
      assert.equal(a.user_agent, navigator.userAgent);
      assert.match(String(a.screen), /^\d+x\d+x\d+$/);
      assert.equal(a.indexed_db, true);
    }
  });

  it("flags automation from webdriver, a headless user agent or automation globals", () => {
    const base = { navigator: { userAgent: "Mozilla/5.0 Chrome/156", languages: ["en"] } };
    const plain = deviceAttributes({ window: base as unknown as Window });
    assert.equal(plain.automation, false);
    assert.equal(plain.language, "en");
    const wd = deviceAttributes({
      window: { navigator: { ...base.navigator, webdriver: true } } as unknown as Window,
    });
    assert.deepEqual([wd.automation, wd.webdriver, wd.headless_ua], [true, true, false]);
    const hl = deviceAttributes({
      window: { navigator: { userAgent: "Mozilla/5.0 HeadlessChrome/156" } } as unknown as Window,
    });
    assert.deepEqual([hl.automation, hl.headless_ua], [true, true]);
    const ph = deviceAttributes({
      window: { ...base, callPhantom: () => {} } as unknown as Window,
    });
    assert.deepEqual([ph.automation, ph.automation_globals], [true, true]);
  });

  it("survives blocked storage, missing APIs and huge strings", () => {
    const w = {
      navigator: { userAgent: "x".repeat(10_000), languages: Array(500).fill("en-GB") },
      get localStorage(): never {
        throw new Error("SecurityError");
      },
    };
    const a = deviceAttributes({ window: w as unknown as Window });
    assert.equal(a.local_storage, false);
    assert.equal(a.indexed_db, false);
    assert.ok(new TextEncoder().encode(JSON.stringify(a)).length <= 4096);
    assert.ok(!("screen" in a) && !("dpr" in a));
  });

  it("serverDeviceAttributes takes the runtime's facts as arguments", () => {
    const a = serverDeviceAttributes({
      runtime: "deno",
      version: "2.9.6",
      os: "linux",
      arch: "x86_64",
      cpus: 2,
    });
    assert.equal(a.platform, "deno");
    assert.equal(a.runtime_version, "2.9.6");
    assert.equal(a.os, "linux");
    assert.equal(a.arch, "x86_64");
    assert.equal(a.hardware_concurrency, 2);
    assert.equal(a.automation, false);
    assert.deepEqual(Object.keys(serverDeviceAttributes({ runtime: "bun" })).sort(), [
      "automation",
      "platform",
      "runtime",
      ...("timezone" in a ? ["timezone"] : []),
    ]);
  });
});

describe("collectors: on fake event targets (any runtime)", () => {
  const start = (
    env: ReturnType<typeof fakeEnv>,
    r: ReturnType<typeof recorder>,
    o: Partial<CollectorOptions> = {},
  ): () => void =>
    startCollectors({
      sink: r.sink,
      onHide: r.onHide,
      window: env.window,
      document: env.document,
      now: () => env.clock.t,
      ...o,
    });

  it("enqueues device and load events; the path carries no query or fragment", () => {
    const env = fakeEnv("/pay/42");
    const r = recorder();
    const stop = start(env, r, { path: (p) => p.replace(/\d+/g, ":n") });
    assert.equal(r.events("device").length, 1);
    assert.deepEqual(r.events("page"), [{ kind: "load", path: "/pay/:n" }]);
    const json = JSON.stringify(r.log);
    assert.ok(!json.includes("QUERYSECRET") && !json.includes("FRAGSECRET"));
    stop();
  });

  it("clicks: coarse position, trust flag, dt; activity only for trusted events", () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = start(env, r, { device: false });
    env.clock.t = 1500;
    env.document.dispatchEvent(ev("click", { clientX: 123, clientY: 456, detail: 1 }));
    env.clock.t = 1700;
    env.document.dispatchEvent(ev("click", { clientX: 0, clientY: 0, detail: 0 }));
    const [a, b] = r.events("interaction", "click");
    assert.deepEqual(a, {
      kind: "click",
      target: "none",
      x: 120,
      y: 460,
      vw: 1280,
      vh: 720,
      detail: 1,
      trusted: false,
      dt: 1500,
    });
    assert.equal(b!.dt, 200);
    assert.equal(r.activity(), 0, "synthetic events never mark activity");
    stop();

    const r2 = recorder();
    const stop2 = start(env, r2, { device: false, trustedOnly: false });
    for (let i = 0; i < 5; i++) env.document.dispatchEvent(ev("click", { clientX: 1, clientY: 1 }));
    assert.equal(r2.activity(), 1, "activity is throttled to once a second");
    env.clock.t += 1000;
    env.document.dispatchEvent(ev("click", { clientX: 1, clientY: 1 }));
    assert.equal(r2.activity(), 2);
    stop2();
  });

  it("rate limits clicks and reports the suppressed count in the next click", () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = start(env, r, { device: false });
    for (let i = 0; i < 50; i++) {
      env.document.dispatchEvent(ev("click", { clientX: 1, clientY: 1 }));
    }
    const clicks = r.events("interaction", "click");
    assert.equal(clicks.length, 20);
    assert.ok(clicks.every((c) => !("suppressed" in c)));
    env.clock.t += 1000;
    env.document.dispatchEvent(ev("click", { clientX: 1, clientY: 1 }));
    assert.equal(r.events("interaction", "click")[20]!.suppressed, 30);
    stop();
  });

  it("the overall cap holds across kinds", () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = start(env, r, { device: false, perMinute: 10 });
    for (let i = 0; i < 20; i++) {
      env.document.dispatchEvent(ev(i % 2 ? "click" : "paste", { clientX: 1, clientY: 1 }));
    }
    assert.equal(r.events("interaction").length + r.events("page").length, 10);
    stop();
  });

  it("on hide: flushes open windows, reports pending suppressed counts, then calls onHide", () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = start(env, r, { device: false });
    for (let i = 0; i < 25; i++) {
      env.document.dispatchEvent(ev("click", { clientX: 1, clientY: 1 }));
    }
    const move = (x: number): boolean =>
      env.document.dispatchEvent(
        ev("pointermove", { isPrimary: true, clientX: x, clientY: 0, pointerType: "mouse" }),
      );
    move(0);
    move(30);
    env.window.dispatchEvent(ev("pagehide", { persisted: false }));
    const kinds = r.log.map((c) => ("data" in c ? String(c.data.kind) : c.type));
    assert.deepEqual(kinds.slice(-3), ["hide", "pointer", "hide"]);
    const hide = r.events("page", "hide")[0]!;
    assert.equal(hide.path, "/pay/42");
    assert.equal(hide.suppressed_click, 5);
    const pointer = r.events("interaction", "pointer")[0]!;
    assert.equal(pointer.count, 2);
    assert.equal(pointer.length, 30);
    assert.equal(pointer.straightness, 1);
    // Reported once: the next click does not repeat it.
    env.clock.t += 1000;
    env.document.dispatchEvent(ev("click", { clientX: 1, clientY: 1 }));
    assert.ok(!("suppressed" in r.events("interaction", "click").at(-1)!));
    stop();
  });

  it("visibility: an event per change, onHide when hidden", () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = start(env, r, { device: false });
    const doc = env.document as unknown as { visibilityState: string };
    doc.visibilityState = "hidden";
    env.document.dispatchEvent(ev("visibilitychange"));
    doc.visibilityState = "visible";
    env.document.dispatchEvent(ev("visibilitychange"));
    assert.deepEqual(
      r.log.filter((c) => c.type !== "page").map((c) => ("data" in c ? c.data.state : c.type)),
      ["hidden", "hide", "visible"],
    );
    stop();

    const r2 = recorder();
    const stop2 = start(env, r2, { device: false, collectors: { visibility: false } });
    doc.visibilityState = "hidden";
    env.document.dispatchEvent(ev("visibilitychange"));
    assert.deepEqual(r2.events("interaction"), [], "no visibility events when turned off");
    assert.equal(r2.log.filter((c) => c.type === "hide").length, 1, "onHide still called");
    stop2();
  });

  it("stop() removes every listener", () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = start(env, r, { device: false, trustedOnly: false });
    stop();
    const before = r.log.length;
    for (
      const t of ["click", "pointermove", "keydown", "keyup", "paste", "submit", "visibilitychange"]
    ) {
      env.document.dispatchEvent(ev(t, { isPrimary: true, clientX: 1, clientY: 1 }));
    }
    for (const t of ["pagehide", "pageshow", "load"]) {
      env.window.dispatchEvent(ev(t, { persisted: true }));
    }
    assert.equal(r.log.length, before);
    assertWellFormed(r.log);
  });
});
