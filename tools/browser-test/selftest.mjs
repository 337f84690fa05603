// Harness self-test (`npm run test:harness`): proves each leg runs the node:test features the
// suite relies on and fails when a test fails, so a green `npm test` means something.
//   selftest/features.test.ts must pass on node, deno, bun, browser and the embedding legs (it asserts its own hook
//   order, subtests, skips, opt-outs, mocks and fast-check runs);
//   selftest/failures.test.ts must make every leg exit 1, and the browser must report each
//   expected failure as "not ok" (and the passing test as ok);
//   selftest/timeout.test.ts, whose tests never settle and set no timeout, must make every leg
//   exit 1 by the default per-test timeout (TEST_TIMEOUT_MS, shortened here) and say so.
// Output of the legs is shown only when an expectation is not met.
import { spawnSync } from "node:child_process";
import { ROOT } from "../find-tests.mjs";

const FEATURES = "./tools/browser-test/selftest/features.test.ts";
const FAILURES = "./tools/browser-test/selftest/failures.test.ts";
const TIMEOUT = "./tools/browser-test/selftest/timeout.test.ts";
const SHORT_TIMEOUT_MS = "3000";
const EXPECTED_FAILURES = [
  "deepEqual diff",
  "bad sub",
  "failing subtest",
  "victim",
  "node api without opt-out",
];
const LEGS = {
  node: ["tools/test-runtime.mjs", "node"],
  deno: ["tools/test-runtime.mjs", "deno"],
  bun: ["tools/test-runtime.mjs", "bun"],
  browser: ["tools/browser-test/run.mjs"],
  // The embedding legs run node:test through tools/test-embed.mjs (file args replace theirs).
  quickjs: ["tools/test-embed.mjs", "quickjs"],
  workerd: ["tools/test-embed.mjs", "workerd"],
};

const run = (leg, file, env = {}) => {
  const r = spawnSync(process.execPath, [...LEGS[leg], file], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", CI: "", ...env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

let ok = true;
const expect = (what, cond, out) => {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) [ok] = [false, console.log(out.split("\n").map((l) => `    | ${l}`).join("\n"))];
};

for (const leg of Object.keys(LEGS)) {
  const features = run(leg, FEATURES);
  if (leg === "browser" && /^skipped: no Chromium found$/m.test(features.out)) {
    const required = process.env.REQUIRE_BROWSER === "1";
    expect(
      `browser: no Chromium found${required ? " (REQUIRE_BROWSER=1)" : ", skipped"}`,
      !required,
      "",
    );
    continue;
  }
  if (/^skipped: /m.test(features.out) && (leg === "quickjs" || leg === "workerd")) {
    const required = process.env.REQUIRE_EMBED === "1";
    expect(`${leg}: package absent${required ? " (REQUIRE_EMBED=1)" : ", skipped"}`, !required, "");
    continue;
  }
  expect(`${leg}: features.test.ts passes`, features.code === 0, features.out);
  const failures = run(leg, FAILURES);
  expect(`${leg}: failures.test.ts fails the leg (exit 1)`, failures.code === 1, failures.out);
  const hung = run(leg, TIMEOUT, { TEST_TIMEOUT_MS: SHORT_TIMEOUT_MS });
  expect(
    `${leg}: a hung test fails the leg by the default per-test timeout`,
    hung.code === 1 && new RegExp(`timed out after ${SHORT_TIMEOUT_MS} ?ms`).test(hung.out),
    hung.out,
  );
  if (leg === "browser") {
    const reported = (status, name) =>
      new RegExp(`^${status} \\d+ - .* > ${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(`, "m")
        .test(failures.out);
    const missing = EXPECTED_FAILURES.filter((n) => !reported("not ok", n));
    expect(
      `browser: reports each expected failure`,
      missing.length === 0,
      `missing: ${missing}\n${failures.out}`,
    );
    expect(
      `browser: passing tests next to failures still pass`,
      reported("ok", "passes"),
      failures.out,
    );
    expect(
      `browser: opt-out describe is skipped with its reason`,
      /# SKIP needs a server runtime$/m.test(features.out),
      features.out,
    );
  }
}
console.log(ok ? "harness self-test ok" : "harness self-test FAILED");
process.exitCode = ok ? 0 : 1;
