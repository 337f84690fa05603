// The one per-test ceiling of every leg (Node, Deno, Bun, the browser and the embedding legs):
// generous, so a loaded 2-core machine never fails a healthy test, and finite, so a hung test
// fails instead of hanging the run. Tests that need longer set their own `timeout`.
// TEST_TIMEOUT_MS overrides it (the harness self-test uses a short one).
export const TEST_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);
