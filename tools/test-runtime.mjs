// Runs the suite (tools/find-tests.mjs) on one server runtime: `node tools/test-runtime.mjs
// node|deno|bun [files...]`. Extra args replace the file list (handy: one file, one leg).
import { spawnSync } from "node:child_process";
import { findTests, ROOT } from "./find-tests.mjs";
import { NODE_TEST_ARGS, TEST_TIMEOUT_MS } from "./test-timeout.mjs";

const bin = (name) => `${ROOT}node_modules/.bin/${name}`;
// TEST_TIMEOUT_MS (tools/test-timeout.mjs) is every leg's per-test ceiling: on Node through
// tools/test-node-hooks.mjs, Bun's --timeout (its default of 5 s was too short under load). Deno has no
// flag for it: tools/deno-test/ maps the suite's `node:test` to a wrapper that fills in
// `{ timeout }` (the browser leg's shim does the same).
const LEGS = {
  // Node 20 cannot strip types: tsx's loader does it. spec reporter: readable in CI logs.
  // The per-test ceiling comes from tools/test-node-hooks.mjs (NODE_TEST_ARGS): Node's own
  // --test-timeout would also cut every file at TEST_TIMEOUT_MS in total.
  node: (files) => [process.execPath, [...NODE_TEST_ARGS, ...files]],
  // Type-checks with Deno's bundled TS; node_modules is read, never written ("manual").
  // DENO_JUNIT_PATH (set by test-all.mjs): JUnit report, used to count leaf tests.
  deno: (files) => [bin("deno"), [
    "test",
    "-A",
    "--import-map=tools/deno-test/import-map.json",
    ...(process.env.DENO_JUNIT_PATH ? [`--junit-path=${process.env.DENO_JUNIT_PATH}`] : []),
    ...files,
  ]],
  // "./"-prefixed args are paths for bun, not name filters.
  bun: (files) => [bin("bun"), ["test", `--timeout=${TEST_TIMEOUT_MS}`, ...files]],
};

const [leg, ...args] = process.argv.slice(2);
if (!LEGS[leg]) {
  console.error(`usage: test-runtime.mjs ${Object.keys(LEGS).join("|")} [files...]`);
  process.exit(2);
}
const files = args.length ? args : findTests();
if (files.length === 0) {
  console.error(`${leg}: no test files found under test/`);
  process.exit(1);
}
const [cmd, cmdArgs] = LEGS[leg](files);
const r = spawnSync(cmd, cmdArgs, {
  cwd: ROOT,
  stdio: "inherit",
  env: {
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
    ...process.env,
    TEST_TIMEOUT_MS: String(TEST_TIMEOUT_MS),
  },
});
if (r.error) throw r.error;
process.exit(r.status ?? 1);
