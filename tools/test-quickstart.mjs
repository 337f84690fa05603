// `npm run test:quickstart` (also the last leg of `npm test`): the README's quick starts from
// the packed tarball in a fresh project (tools/quickstart/quickstart.test.mjs), on Node, with
// the per-test ceiling of every leg. Packing builds dist/ (tsc), so the leg takes a minute or
// more. REQUIRE_BROWSER=1 makes a missing Chromium a failure, as on the browser leg.
import { spawnSync } from "node:child_process";
import { ROOT } from "./find-tests.mjs";
import { NODE_TEST_ARGS, TEST_TIMEOUT_MS } from "./test-timeout.mjs";

const r = spawnSync(process.execPath, [...NODE_TEST_ARGS, "tools/quickstart/quickstart.test.mjs"], {
  cwd: ROOT,
  stdio: "inherit",
  // Packing, installing and starting services happen in the suite's `before` hook, which the
  // per-test ceiling covers as well: give it the ceiling of two tests.
  env: { ...process.env, TEST_TIMEOUT_MS: String(2 * TEST_TIMEOUT_MS) },
});
if (r.error) throw r.error;
process.exit(r.status ?? 1);
