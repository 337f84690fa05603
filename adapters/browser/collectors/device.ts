/**
 * Device attributes: a flat map for the session's `device` event and its create request
 * (SPEC §6.2, §8.2): at most 64 entries and 4 KiB, strings at most 1024 characters.
 *
 * Importable anywhere: nothing here runs at import time. Server runtimes use `server.ts`.
 *
 * @module
 */
import type { FlatAttributes } from "../../../core/wire/primitives.ts";

/** Globals set by automation tools (PhantomJS, Nightmare, Selenium, ChromeDriver's
 * `--dom-automation`, Cypress). Each exists only under its tool, so a hit is a strong signal. */
const AUTOMATION_GLOBALS = [
  "callPhantom",
  "_phantom",
  "__nightmare",
  "_selenium",
  "__selenium_unwrapped",
  "__webdriver_evaluate",
  "__driver_evaluate",
  "domAutomation",
  "domAutomationController",
  "Cypress",
];

/** `f()`, or `false` when it throws: storage getters do where storage is blocked (sandboxed
 * frames, some privacy modes). */
function can(f: () => unknown): boolean {
  try {
    return !!f();
  } catch {
    return false;
  }
}

/**
 * What the browser says about the device: platform "browser", `user_agent`, `language` (the
 * preferred languages, comma-joined), `timezone`, `screen` (`"1920x1080x24"`: width, height,
 * colour depth), `dpr`, `hardware_concurrency`, `device_memory` (Chromium only), `touch_points`
 * (0: no touch), `cookie_enabled`, `local_storage`, `indexed_db`, and the automation hints:
 * `webdriver` (`navigator.webdriver`, set under WebDriver and CDP-driven Playwright/Puppeteer),
 * `headless_ua` (`HeadlessChrome` in the user agent, Chromium's headless default),
 * `automation_globals` (a global only automation tools define) and `automation`, true when any
 * of them is. A missing API just leaves its attribute out, so this also runs (with little to
 * say) off-browser. Bounded well within SPEC §6.2 (64 entries, 4 KiB): strings are cut.
 *
 * @example
 * ```ts
 * import type { SessionDriver } from "../../driver/driver.ts";
 * declare const driver: SessionDriver;
 * await driver.start({ attributes: deviceAttributes() });
 * ```
 */
export function deviceAttributes(o: { window?: Window } = {}): FlatAttributes {
  const w = (o.window ?? globalThis) as Window & Record<string, unknown>;
  const n = (w.navigator ?? {}) as Partial<Navigator> & { deviceMemory?: number };
  const s = w.screen;
  const ua = (n.userAgent || "").slice(0, 512);
  const webdriver = n.webdriver === true;
  const headless = /HeadlessChrome/.test(ua);
  const globals = AUTOMATION_GLOBALS.some((k) => k in w);
  const a: FlatAttributes = {
    platform: "browser",
    user_agent: ua,
    automation: webdriver || headless || globals,
    webdriver,
    headless_ua: headless,
    automation_globals: globals,
    indexed_db: can(() => w.indexedDB),
    local_storage: can(() => w.localStorage),
  };
  const more: Record<string, unknown> = {
    language: (n.languages?.join(",") || n.language)?.slice(0, 256),
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: s && [s.width, s.height, s.colorDepth].join("x"),
    dpr: w.devicePixelRatio,
    hardware_concurrency: n.hardwareConcurrency,
    device_memory: n.deviceMemory,
    touch_points: n.maxTouchPoints,
    cookie_enabled: n.cookieEnabled,
  };
  // Only well-typed values: a missing API (undefined, "") or NaN is left out.
  for (const k in more) {
    const v = more[k];
    if (
      typeof v === "boolean" || (typeof v === "number" && isFinite(v)) ||
      (v && typeof v === "string")
    ) {
      a[k] = v;
    }
  }
  return a;
}
