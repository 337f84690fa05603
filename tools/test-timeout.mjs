// The one per-test ceiling of every leg (Node, Deno, Bun, the browser and the embedding legs):
// generous, so a loaded 2-core machine never fails a healthy test, and finite, so a hung test
// fails instead of hanging the run. Tests that need longer set their own `timeout`.
// TEST_TIMEOUT_MS overrides it (the harness self-test uses a short one).
export const TEST_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);
// Node's --test-timeout also bounds each whole test FILE (Node 20), so the Node legs pass this
// backstop there (a hung file still fails) and give each test TEST_TIMEOUT_MS through
// tools/test-node-hooks.mjs. FILE_TIMEOUT_MS overrides it.
export const FILE_TIMEOUT_MS = Number(process.env.FILE_TIMEOUT_MS ?? 30 * 60_000);
/** The Node legs' arguments before the file list: the per-test ceiling and the file backstop. */
export const NODE_TEST_ARGS = [
  "--import",
  "tsx",
  "--import",
  "./tools/test-node-hooks.mjs",
  "--test",
  "--test-reporter=spec",
  `--test-timeout=${FILE_TIMEOUT_MS}`,
];
