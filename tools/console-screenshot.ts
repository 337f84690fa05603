// Takes docs/console.png: the operator console over the seeded scenario of the console tests
// (test/server/support/console-scenario.ts), in the system Chromium with playwright-core.
// `node --import tsx tools/console-screenshot.ts [out.png]`
import { ALICE, seedConsole } from "../test/server/support/console-scenario.ts";
import { launch } from "../test/support/chromium.ts";

const out = process.argv[2] ?? new URL("../docs/console.png", import.meta.url).pathname;
const s = await seedConsole();
const context = await launch();
try {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`${s.h.url}/console/`);
  await page.fill("#token", ALICE);
  await page.click("#login button[type=submit]");
  await page.waitForFunction(() => document.querySelectorAll("#audit tr").length > 0);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await context.close();
  await s.h.close();
}
