// The operator console in a real headless Chromium (docs/operations.md): over the seeded
// scenario of support/console-scenario.ts (logins, transfers, a preview rule, dropped
// telemetry), the page shows the real numbers — tiles, chart bars that are drawn and visible,
// rule hits, decisions, search, the audit trail — and an operator action lands in the trail.
// Runs from Node (playwright-core).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { e2eSkip } from "../support/chromium.ts";

const skip = e2eSkip();
// Computed specifiers: the browser leg bundles this file (and skips it).
const SUPPORT = "../support/";
const SERVER_SUPPORT = "../server/support/";

describe("operator console (Chromium + service on loopback)", { skip, timeout: 240_000 }, () => {
  // deno-lint-ignore no-explicit-any
  let s: any, sc: any, context: any, page: any;

  before(async () => {
    sc = await import(SERVER_SUPPORT + "console-scenario.ts");
    s = await sc.seedConsole();
    const { launch } = await import(SUPPORT + "chromium.ts");
    context = await launch();
    page = await context.newPage();
    await page.setViewportSize({ width: 1400, height: 1100 });
    page.on("pageerror", (e: Error) => console.error("page error:", e.message));
  });
  after(async () => {
    await context?.close();
    await s?.h.close();
  });

  const text = (sel: string): Promise<string> => page.locator(sel).first().innerText();
  // deno-lint-ignore no-explicit-any
  const rows = (sel: string): Promise<any[]> =>
    page.$$eval(
      sel,
      (els: Element[]) =>
        els.map((e) => [e.getAttribute("data-name"), Number(e.getAttribute("data-value"))]),
    );

  it("asks for a token, then shows the seeded counters", { timeout: 120_000 }, async () => {
    await page.goto(`${s.h.url}/console/`);
    assert.equal(await page.locator("#login").isVisible(), true);
    assert.equal(await page.locator("#main").isVisible(), false);
    await page.fill("#token", sc.ALICE);
    await page.click("#login button[type=submit]");
    await page.waitForFunction(() => document.querySelector("#t-sessions")!.textContent !== "–");
    assert.equal(await text("#t-sessions"), String(s.sessionsA));
    assert.equal(await text("#t-actions"), String(s.logins + s.transfers));
    const share = Math.round((s.denies / (s.logins + s.transfers)) * 100);
    assert.equal(await text("#t-deny"), `${share}%`);
    assert.equal(await text("#t-dropped"), String(s.dropped));
    assert.equal(await text("#t-preview"), String(s.transfers));
    assert.match(await text("#client"), /^a — signed in as operator:alice/);
  });

  it("draws chart bars for the real numbers, visible on screen", { timeout: 120_000 }, async () => {
    const total = await page.$eval(
      "#c-sessions-hour svg",
      (e: Element) => Number(e.getAttribute("data-total")),
    );
    assert.equal(total, s.sessionsA);
    const bars = await page.$$eval(
      "#c-sessions-hour rect.bar",
      (els: Element[]) => els.map((e) => Number(e.getAttribute("data-value"))),
    );
    assert.equal(bars.length, 60);
    assert.equal(bars.reduce((a: number, b: number) => a + b, 0), s.sessionsA);
    // The tallest bar is painted: its centre on screen is the bar itself, with a real height.
    const painted = await page.$eval("#c-sessions-hour svg", (svg: Element) => {
      const rects = [...svg.querySelectorAll("rect.bar")];
      const top = rects.reduce((a, b) =>
        Number(b.getAttribute("data-value")) > Number(a.getAttribute("data-value")) ? b : a
      );
      const box = top.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return { height: box.height, hit: hit === top, fill: getComputedStyle(top).fill };
    });
    assert.ok(painted.height > 50, `bar height ${painted.height}`);
    assert.equal(painted.hit, true);
    assert.equal(painted.fill, "rgb(58, 111, 247)");
    assert.deepEqual(await rows("#c-actions .row"), [["login", s.logins], [
      "transfer",
      s.transfers,
    ]]);
    const recs = new Map<string, number>(await rows("#c-recs .row"));
    assert.equal(recs.get("DENY"), s.denies);
    assert.equal([...recs.values()].reduce((a, b) => a + b, 0), s.logins + s.transfers);
    const reasons = new Map(await rows("#c-reasons .row"));
    assert.equal(reasons.get("RULE_DENY"), s.denies);
    const dropped = await page.$eval(
      "#c-dropped-hour svg",
      (e: Element) => Number(e.getAttribute("data-total")),
    );
    assert.equal(dropped, s.dropped);
    const shot: Uint8Array = await page.locator(".charts").screenshot();
    assert.ok(shot.length > 5000, "the charts render to a non-trivial image");
  });

  it("lists rules with preview hits next to production ones, decisions, and the audit trail", {
    timeout: 120_000,
  }, async () => {
    const prev = page.locator(`tr[data-rule="${s.previewRuleId}"]`);
    assert.equal(await prev.locator("td.prev").innerText(), String(s.transfers));
    assert.equal(await prev.locator("td.prod").innerText(), "0");
    const prod = page.locator(`tr[data-rule="${s.productionRuleId}"]`);
    assert.equal(await prod.locator("td.prod").innerText(), String(s.denies));
    assert.equal(await page.locator("#decisions tr").count(), s.logins + s.transfers);
    assert.equal(await page.locator("#decisions tr.DENY").count(), s.denies);
    assert.match(await page.locator("#decisions tr.DENY").innerText(), /RULE_DENY/);
    await page.fill("#q", s.deviceA.id);
    await page.click("#search button");
    await page.waitForFunction(
      (n: number) => document.querySelectorAll("#decisions tr").length === n,
      s.deviceA.decisions,
    );
    assert.equal(await page.locator("#audit tr").count(), 3);
    // An operator action: promote the preview rule; the page re-reads and the trail shows it.
    await prev.locator("button", { hasText: "promote" }).click();
    await page.waitForFunction(() => document.querySelectorAll("#audit tr").length === 4);
    assert.match(
      await page.locator("#audit tr").first().innerText(),
      /operator:alice\s+rule\.update/,
    );
    assert.match(
      await page.locator("#audit tr").first().innerText(),
      /mode: "preview" → "production"/,
    );
    const body = await page.locator("body").innerText();
    for (const t of [s.bOnly.deviceId, s.bOnly.userId, s.bOnly.ruleName]) {
      assert.ok(!body.includes(t), `client b's ${t} on client a's page`);
    }
  });
});
