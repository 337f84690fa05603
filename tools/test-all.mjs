// `npm test`: runs the suite on every leg (node, deno, bun, browser) one after the other,
// streams their output, then prints a per-leg table and a closing `total: N passed, N failed,
// N skipped` line. Exits 1 if any leg failed, ran no test, or printed no summary we can read.
// `node tools/test-all.mjs bun browser` runs a subset; `quickjs` and `workerd` are the
// embedding legs (tools/test-embed.mjs), `quickstart` the README's quick starts
// (tools/test-quickstart.mjs).
//
// Counts are what each runtime reports (they are not comparable across runtimes: Node counts
// subtests and their parents, Bun and the browser shim report each test; for Deno, which reports
// describe blocks as tests and `it`s as steps, we count the leaves of its JUnit report).
import { spawn } from "node:child_process";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./find-tests.mjs";

// Per process: two `npm test` runs in one checkout must not read each other's report.
const JUNIT = join(ROOT, `.tmp/deno-junit-${process.pid}.xml`);
const LEGS = {
  node: ["tools/test-runtime.mjs", "node"],
  deno: ["tools/test-runtime.mjs", "deno"],
  bun: ["tools/test-runtime.mjs", "bun"],
  browser: ["tools/browser-test/run.mjs"],
  // Embedding (embed/test/): the core in QuickJS, the verifier and middleware in workerd.
  quickjs: ["tools/test-embed.mjs", "quickjs"],
  workerd: ["tools/test-embed.mjs", "workerd"],
  // The README's quick starts from the packed tarball, in a project outside the checkout.
  quickstart: ["tools/test-quickstart.mjs"],
};

// deno-lint-ignore no-control-regex
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
const num = (text, re) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
const has = (text, re) => re.test(text);

/** @returns {Promise<{passed:number, failed:number, skipped:number} | "skipped" | null>} */
const PARSERS = {
  node: (out) =>
    has(out, /^[ℹ#] pass \d+$/m)
      ? {
        passed: num(out, /^[ℹ#] pass (\d+)$/gm),
        failed: num(out, /^[ℹ#] fail (\d+)$/gm) + num(out, /^[ℹ#] cancelled (\d+)$/gm),
        skipped: num(out, /^[ℹ#] skipped (\d+)$/gm) + num(out, /^[ℹ#] todo (\d+)$/gm),
      }
      : null,
  deno: async () => {
    const xml = await readFile(JUNIT, "utf8").catch(() => null);
    if (xml === null) return null;
    const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)]
      .map(([, name, body]) => ({ name, body }));
    // A leaf is a test/step that no other step names as its parent ("parent &gt; child").
    const leaves = cases.filter((c) => !cases.some((o) => o.name.startsWith(`${c.name} &gt; `)));
    const count = (re) => leaves.filter((c) => re.test(c.body)).length;
    const failed = count(/<(failure|error)\b/);
    const skipped = count(/<skipped\b/);
    return { passed: leaves.length - failed - skipped, failed, skipped };
  },
  bun: (out) =>
    has(out, /^\s*\d+ pass$/m)
      ? {
        passed: num(out, /^\s*(\d+) pass$/gm),
        failed: num(out, /^\s*(\d+) fail$/gm) + num(out, /^\s*(\d+) errors?$/gm),
        skipped: num(out, /^\s*(\d+) skip$/gm) + num(out, /^\s*(\d+) todo$/gm),
      }
      : null,
  browser: (out) => {
    if (has(out, /^skipped: no Chromium found$/m)) return "skipped";
    const m = out.match(/^browser: (\d+) passed, (\d+) failed, (\d+) skipped$/m);
    return m ? { passed: +m[1], failed: +m[2], skipped: +m[3] } : null;
  },
};
// The embedding legs run node:test; without their npm package they print `skipped: …`.
const embedLeg = (out) => has(out, /^skipped: /m) ? "skipped" : PARSERS.node(out);
PARSERS.quickjs = embedLeg;
PARSERS.workerd = embedLeg;
PARSERS.quickstart = PARSERS.node;

function runLeg(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const env = { ...process.env, DENO_JUNIT_PATH: JUNIT };
    env[process.stdout.isTTY ? "FORCE_COLOR" : "NO_COLOR"] = "1";
    const child = spawn(process.execPath, LEGS[name], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d, process.stdout.write(d)));
    child.stderr.on("data", (d) => (out += d, process.stderr.write(d)));
    child.on("close", (code, signal) => {
      resolve({
        name,
        code: code ?? 1,
        signal,
        out: stripAnsi(out),
        secs: (performance.now() - started) / 1000,
      });
    });
  });
}

const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!LEGS[w]) throw new Error(`unknown leg ${w}; legs: ${Object.keys(LEGS)}`);
}
await rm(JUNIT, { force: true });
await mkdir(join(ROOT, ".tmp"), { recursive: true });

const rows = [];
for (const name of wanted.length ? wanted : Object.keys(LEGS)) {
  console.log(`\n━━━ ${name} ━━━`);
  const r = await runLeg(name);
  const counts = await PARSERS[name](r.out);
  let status = "ok";
  if (counts === "skipped") status = r.code === 0 ? "skipped" : `FAILED (exit ${r.code})`;
  else if (r.code !== 0) status = `FAILED (exit ${r.signal ?? r.code})`;
  else if (counts === null) status = "FAILED (no summary found)";
  else if (counts.passed + counts.failed + counts.skipped === 0) status = "FAILED (ran no test)";
  rows.push({ ...r, status, counts: typeof counts === "object" ? counts : null });
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(
  `\n${pad("leg", 11)}${pad("result", 28)}${lpad("passed", 7)}${lpad("failed", 7)}${
    lpad("skipped", 8)
  }${lpad("time", 8)}`,
);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const r of rows) {
  const c = r.counts ?? { passed: "-", failed: "-", skipped: "-" };
  console.log(
    `${pad(r.name, 11)}${pad(r.status, 28)}${lpad(c.passed, 7)}${lpad(c.failed, 7)}${
      lpad(c.skipped, 8)
    }${lpad(r.secs.toFixed(1) + "s", 8)}`,
  );
  total.passed += r.counts?.passed ?? 0;
  total.skipped += r.counts?.skipped ?? 0;
  // A leg that failed without a failing test (crash, type error, no tests) still counts once.
  total.failed += Math.max(r.counts?.failed ?? 0, r.status.startsWith("FAILED") ? 1 : 0);
}
const failedLegs = rows.filter((r) => r.status.startsWith("FAILED")).map((r) => r.name);
if (failedLegs.length) console.log(`failed legs: ${failedLegs.join(", ")}`);
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
await rm(JUNIT, { force: true });
process.exitCode = failedLegs.length ? 1 : 0;
