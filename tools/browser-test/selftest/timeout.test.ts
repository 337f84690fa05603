// Harness self-test (tools/browser-test/selftest.mjs): run with a short TEST_TIMEOUT_MS, every
// leg must fail this file by that default per-test timeout (no test here sets its own), and
// report the quick test as passed.
import { after, describe, it, test } from "node:test";

// A live timer keeps the event loop busy, so the runtime cannot see that the promise never
// settles: only the default per-test timeout can end the test. Cleared when the file is done.
const timers: ReturnType<typeof setInterval>[] = [];
const hang = (): Promise<never> =>
  new Promise<never>(() => void timers.push(setInterval(() => {}, 1000)));
after(() => timers.forEach(clearInterval));

describe("timeout", () => {
  it("quick", () => {});
  it("hangs", hang);
});

test("hangs at top level", hang);
