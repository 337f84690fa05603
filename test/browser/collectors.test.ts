// Browser collectors (adapters/browser/collectors): the pure parts (rate limiter, helpers,
// device attributes) and the collectors on fake event targets run everywhere; real DOM events
// run in Chromium only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type CollectedType,
  type CollectorOptions,
  createRateLimiter,
  DEFAULT_LIMITS,
  deviceAttributes,
  type EventData,
  fieldKind,
  lengthBucket,
  type Sink,
  startCollectors,
} from "../../adapters/browser/collectors/mod.ts";
import { serverDeviceAttributes } from "../../adapters/browser/collectors/server.ts";

type Call = { type: CollectedType; data: EventData } | { type: "activity" } | { type: "hide" };

/** A sink that records every call, plus an onHide that records its call in the same log. */
function recorder(): {
  sink: Sink;
  log: Call[];
  events: (type?: CollectedType, kind?: string) => EventData[];
  activity: () => number;
  onHide: () => void;
} {
  const log: Call[] = [];
  return {
    log,
    sink: {
      track: (type, data) => log.push({ type, data: JSON.parse(JSON.stringify(data)) }),
      activity: () => log.push({ type: "activity" }),
    },
    onHide: () => log.push({ type: "hide" }),
    events: (type, kind) =>
      log.flatMap((c) =>
        "data" in c && (!type || c.type === type) && (!kind || c.data.kind === kind) ? [c.data] : []
      ),
    activity: () => log.filter((c) => c.type === "activity").length,
  };
}

/** Every event: a flat JSON object within the SPEC §8.1 limit. */
function assertWellFormed(log: Call[]): void {
  for (const c of log) {
    if (!("data" in c)) continue;
    assert.ok(new TextEncoder().encode(JSON.stringify(c.data)).length <= 4096, c.type);
    for (const [k, v] of Object.entries(c.data)) {
      assert.ok(["string", "number", "boolean"].includes(typeof v), `${k}: ${typeof v}`);
      if (typeof v === "number") assert.ok(Number.isFinite(v), `${k} is finite`);
    }
  }
}

/** A window and document made of plain EventTargets: enough for the collectors, any runtime. */
function fakeEnv(
  pathname = "/pay/42",
): { window: Window; document: Document; clock: { t: number } } {
  const clock = { t: 1000 };
  const document = Object.assign(new EventTarget(), {
    readyState: "complete",
    visibilityState: "visible",
  });
  const window = Object.assign(new EventTarget(), {
    document,
    location: { pathname, search: "?reset_token=QUERYSECRET", hash: "#FRAGSECRET" },
    performance: { now: () => clock.t, getEntriesByType: () => [] },
    innerWidth: 1280,
    innerHeight: 720,
    setTimeout: (f: () => void, ms: number) => setTimeout(f, ms),
    clearTimeout: (h: number) => clearTimeout(h),
    navigator: { userAgent: "fake", webdriver: false, languages: ["en-GB", "de"] },
  });
  return {
    window: window as unknown as Window,
    document: document as unknown as Document,
    clock,
  };
}

/** An Event with extra (non-DOM) fields, for fake environments. */
function ev(type: string, extra: Record<string, unknown> = {}): Event {
  return Object.assign(new Event(type), extra);
}

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

const DOM = typeof window !== "undefined" && typeof document !== "undefined";

describe("collectors: real DOM events", { skip: !DOM && "needs a DOM" }, () => {
  const SECRETS = [
    "hunter2",
    "KeyH",
    "secret_name",
    "secret_id",
    "PASTED-s3cret",
    "QUERYSECRET",
    "Backspace",
  ];

  /** A form with a password, an email and a textarea field, appended to the real document. */
  function form(): {
    form: HTMLFormElement;
    pw: HTMLInputElement;
    email: HTMLInputElement;
    ta: HTMLTextAreaElement;
    button: HTMLButtonElement;
    other: HTMLButtonElement;
    done: () => void;
  } {
    const f = document.createElement("form");
    f.addEventListener("submit", (e) => e.preventDefault());
    const pw = Object.assign(document.createElement("input"), {
      type: "password",
      name: "secret_name",
      id: "secret_id",
    });
    const email = Object.assign(document.createElement("input"), { type: "email", name: "mail" });
    const hidden = Object.assign(document.createElement("input"), {
      type: "hidden",
      value: "csrf",
    });
    const ta = document.createElement("textarea");
    const button = Object.assign(document.createElement("button"), {
      type: "submit",
      textContent: "Pay hunter2",
    });
    // Not a submit button: a click on a submit button submits the form (a trusted submit event).
    const other = Object.assign(document.createElement("button"), {
      type: "button",
      textContent: "Show hunter2",
    });
    f.append(pw, email, hidden, ta, other, button);
    document.body.append(f);
    return { form: f, pw, email, ta, button, other, done: () => f.remove() };
  }

  /** Types `text` into `el` with real KeyboardEvents, as a user would (value set too). */
  function typeInto(el: HTMLElement, text: string, clock?: { t: number }): void {
    for (const ch of text) {
      const code = /[a-z]/i.test(ch) ? `Key${ch.toUpperCase()}` : `Digit${ch}`;
      el.dispatchEvent(new KeyboardEvent("keydown", { key: ch, code, bubbles: true }));
      if (el instanceof HTMLInputElement) el.value += ch;
      el.dispatchEvent(new KeyboardEvent("keyup", { key: ch, code, bubbles: true }));
      if (clock) clock.t += 100;
    }
  }

  function pasteInto(el: HTMLElement, text: string): void {
    const dt = new DataTransfer();
    dt.setData("text/plain", text);
    el.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }),
    );
  }

  it("never records field values, key values, names, ids or clipboard text", () => {
    const env = fakeEnv("/login");
    const r = recorder();
    const f = form();
    const stop = startCollectors({
      sink: r.sink,
      window: env.window,
      document,
      now: () => env.clock.t,
      onHide: r.onHide,
    });
    try {
      f.pw.focus();
      typeInto(f.pw, "hunter2");
      f.pw.dispatchEvent(
        new KeyboardEvent("keydown", { key: "Backspace", code: "Backspace", bubbles: true }),
      );
      f.pw.dispatchEvent(
        new KeyboardEvent("keyup", { key: "Backspace", code: "Backspace", bubbles: true }),
      );
      f.pw.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
      pasteInto(f.email, "PASTED-s3cret@example.com");
      f.email.value = "PASTED-s3cret@example.com";
      typeInto(f.ta, "hunter2");
      f.other.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: 40, clientY: 60 }));
      f.form.dispatchEvent(
        new SubmitEvent("submit", { bubbles: true, cancelable: true, submitter: f.button }),
      );
      env.window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: false }));
    } finally {
      stop();
      f.done();
    }
    const json = JSON.stringify(r.log);
    for (const s of SECRETS) assert.ok(!json.includes(s), `"${s}" leaked: ${json}`);
    assert.ok(
      !/"(key|code|value|name|id|text)"/.test(json),
      "no key/code/value/name/id/text members",
    );
    assertWellFormed(r.log);

    const [pwKeys, taKeys] = r.events("interaction", "keys");
    assert.equal(pwKeys!.field, "input:password");
    assert.equal(pwKeys!.count, 8, "7 letters + backspace, bucketed");
    assert.equal(pwKeys!.corrections, 1);
    assert.equal(pwKeys!.untrusted, 8);
    assert.equal(typeof pwKeys!.dwell_mean, "number");
    assert.equal(typeof pwKeys!.flight_mean, "number");
    assert.equal(taKeys!.field, "textarea");
    assert.deepEqual(r.events("interaction", "paste").map((p) => [p.field, p.length]), [[
      "input:email",
      16,
    ]]);
    const click = r.events("interaction", "click")[0]!;
    assert.deepEqual([click.target, click.x, click.y, click.trusted], ["button", 40, 60, false]);
    const submit = r.events("interaction", "submit")[0]!;
    assert.deepEqual([submit.field_count, submit.had_paste, submit.trusted], [3, true, false]);
    assert.equal(r.events("interaction", "submit").length, 1);
    assert.equal(r.activity(), 0);
    assert.equal(r.log.at(-1)!.type, "hide");
  });

  it("key timing: dwell and flight from event timestamps, repeats ignored", () => {
    const r = recorder();
    const f = form();
    const stop = startCollectors({
      sink: r.sink,
      window: fakeEnv().window,
      document,
      device: false,
    });
    try {
      const key = (t: string, repeat = false): boolean =>
        f.email.dispatchEvent(
          new KeyboardEvent(t, { key: "a", code: "KeyA", bubbles: true, repeat }),
        );
      key("keydown");
      key("keydown", true);
      key("keyup");
      key("keydown");
      key("keyup");
      f.email.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    } finally {
      stop();
      f.done();
    }
    const [k] = r.events("interaction", "keys");
    assert.equal(k!.count, 2, "an auto-repeat is not a new press");
    for (const m of ["dwell_mean", "dwell_sd", "flight_mean", "flight_sd"]) {
      assert.ok(Number.isInteger(k![m]) && (k![m] as number) >= 0, m);
    }
  });

  it("key bursts: one per field, and every keyBurstMs while typing on", () => {
    const env = fakeEnv();
    const r = recorder();
    const f = form();
    const stop = startCollectors({
      sink: r.sink,
      window: env.window,
      document,
      device: false,
      keyBurstMs: 5000,
    });
    try {
      typeInto(f.pw, "ab");
      typeInto(f.email, "cd");
      f.email.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    } finally {
      stop();
      f.done();
    }
    assert.deepEqual(r.events("interaction", "keys").map((k) => k.field), [
      "input:password",
      "input:email",
    ]);

    const r2 = recorder();
    const f2 = form();
    // keyBurstMs 0: every press starts a new burst (the age check runs before a press counts).
    const stop2 = startCollectors({
      sink: r2.sink,
      window: env.window,
      document,
      device: false,
      keyBurstMs: 0,
    });
    try {
      typeInto(f2.pw, "abc");
      f2.pw.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    } finally {
      stop2();
      f2.done();
    }
    assert.equal(r2.events("interaction", "keys").length, 3);
  });

  it("pointer: one statistics event per window, with straightness", async () => {
    const env = fakeEnv();
    const r = recorder();
    const stop = startCollectors({
      sink: r.sink,
      window: env.window,
      document,
      device: false,
      pointerWindowMs: 40,
    });
    try {
      const move = (x: number, y: number, isPrimary = true): boolean =>
        document.body.dispatchEvent(
          new PointerEvent("pointermove", {
            clientX: x,
            clientY: y,
            isPrimary,
            pointerType: "mouse",
            bubbles: true,
          }),
        );
      for (let i = 0; i <= 10; i++) move(i * 10, i * 10);
      move(500, 500, false); // not the primary pointer: ignored
      await new Promise((ok) => setTimeout(ok, 120)); // the window's timer closes it
      for (let i = 0; i <= 10; i++) move(i * 10, i % 2 ? 50 : 0); // zig-zag
      env.window.dispatchEvent(new PageTransitionEvent("pagehide"));
    } finally {
      stop();
    }
    const [line, zig] = r.events("interaction", "pointer");
    assert.equal(line!.count, 11);
    assert.equal(line!.length, 141);
    assert.equal(line!.straightness, 1);
    assert.equal(line!.pointer, "mouse");
    assert.equal(line!.untrusted, 11);
    assert.ok((zig!.straightness as number) < 0.5, `zig-zag straightness ${zig!.straightness}`);
    assert.equal(r.events("interaction", "pointer").length, 2);
  });

  it("runs on the real window and document by default, and stop() detaches it", () => {
    const r = recorder();
    const b = document.body.appendChild(document.createElement("button"));
    const stop = startCollectors({ sink: r.sink });
    try {
      assert.equal(r.events("device")[0]!.platform, "browser");
      b.dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: 5, clientY: 5 }));
      assert.equal(r.events("interaction", "click").length, 1);
    } finally {
      stop();
    }
    b.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    b.dispatchEvent(new KeyboardEvent("keydown", { bubbles: true }));
    b.dispatchEvent(new Event("paste", { bubbles: true }));
    assert.equal(r.events("interaction").length, 1);
    b.remove();
    assertWellFormed(r.log);
  });

  it("a flood of DOM clicks is capped and the excess reported", () => {
    const env = fakeEnv();
    const r = recorder();
    const b = document.body.appendChild(document.createElement("button"));
    const stop = startCollectors({
      sink: r.sink,
      window: env.window,
      document,
      device: false,
      now: () => env.clock.t,
    });
    try {
      for (let i = 0; i < 1000; i++) b.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      env.clock.t += 200; // two click tokens
      b.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    } finally {
      stop();
      b.remove();
    }
    const clicks = r.events("interaction", "click");
    assert.equal(clicks.length, 21);
    assert.equal(clicks[20]!.suppressed, 980);
  });
});
