// Browser collectors on real DOM events (Chromium only): nothing typed, pasted or named ever
// appears in an event; limits, stop() and sizes hold.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { startCollectors } from "../../adapters/browser/collectors/mod.ts";

import { assertWellFormed, fakeEnv, recorder } from "./collectors-support.ts";

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
