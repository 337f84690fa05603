// `npm run check`: every static gate, in order. All steps run even after a failure, so one run
// shows everything that is wrong; the summary names the failed steps and the exit code is 1.
// `node tools/check.mjs lint fmt` runs only the named steps.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./find-tests.mjs";

const bin = (name) => join(ROOT, "node_modules/.bin", name);
const node = (...args) => [process.execPath, args];
// Only what exists: the other source folders appear as the project grows.
const present = (paths) => paths.filter((p) => existsSync(join(ROOT, p)));
const checkTargets = present([
  "mod.ts",
  "core.ts",
  "core/",
  "adapters/",
  "conformance/",
  "test/",
  "tools/",
  "bench/",
  "examples/",
  "embed/",
]);

const STEPS = [
  ["tsc", "TypeScript 5 type-check (tsconfig.json)", [bin("tsc"), ["-p", "tsconfig.json"]]],
  ["deno-check", `deno check ${checkTargets.join(" ")}`, [bin("deno"), ["check", ...checkTargets]]],
  ["lint", "deno lint", [bin("deno"), ["lint"]]],
  ["fmt", "deno fmt --check", [bin("deno"), ["fmt", "--check"]]],
  [
    "exports",
    "package.json and deno.json exports agree (+ self-test)",
    node("tools/check-exports.mjs", "--self-test"),
  ],
  [
    "api",
    "public exports of every entry match test/api/exports.snapshot.ts and docs/api-surface.md",
    node("tools/api-surface.mjs", "--check"),
  ],
  [
    "vectors",
    "vector files: envelope, unique tcIds, counts, canonical formatting (+ self-test)",
    node("tools/lint-vectors.mjs", "--self-test"),
  ],
  [
    "purity-fixtures",
    "purity gate catches every fixture violation",
    node("tools/purity.mjs", "--fixtures"),
  ],
  ["purity", "purity gate on core/", node("tools/purity.mjs", "core")],
  [
    "size",
    "bundle size budgets per entry, gzip and minified (+ self-test)",
    node("tools/size.mjs", "--self-test"),
  ],
  [
    "bench-tables",
    "README goals and docs/performance.md match bench/results (+ self-test)",
    node("tools/bench-readme.mjs", "--check", "--self-test"),
  ],
  [
    "links",
    "docs link only inside the repository; tests cite no issue numbers (+ self-test)",
    node("tools/check-links.mjs", "--self-test"),
  ],
  [
    "doc-examples",
    "deno check --doc-only: every @example of every non-test .ts file",
    node("tools/check-doc-examples.mjs"),
  ],
  ["jsr", "deno publish --dry-run", [bin("deno"), ["publish", "--dry-run", "--allow-dirty"]]],
  ["build", "tsc -p tsconfig.build.json (dist/)", [process.execPath, [
    join(ROOT, "node_modules/typescript/bin/tsc"),
    "-p",
    "tsconfig.build.json",
  ]]],
  ["pack", "npm pack --dry-run", ["npm", ["pack", "--dry-run", "--ignore-scripts"]]],
  ["publint", "publint (lints the packed file list)", [bin("publint"), ["--strict"]]],
];

const only = process.argv.slice(2);
const results = [];
for (const [id, title, [cmd, args]] of STEPS) {
  if (only.length && !only.includes(id)) continue;
  console.log(`\n━━━ ${id}: ${title}`);
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: { DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", ...process.env },
  });
  const secs = (performance.now() - t0) / 1000;
  const ok = r.status === 0;
  console.log(
    `━━━ ${id}: ${ok ? "ok" : `FAILED (exit ${r.status ?? r.signal ?? r.error?.message})`} in ${
      secs.toFixed(1)
    }s`,
  );
  results.push({ id, ok, secs });
}

console.log("\ncheck summary:");
for (const r of results) {
  console.log(`  ${r.ok ? "ok    " : "FAILED"} ${r.id.padEnd(16)} ${r.secs.toFixed(1)}s`);
}
const failed = results.filter((r) => !r.ok).map((r) => r.id);
console.log(failed.length ? `check FAILED at: ${failed.join(", ")}` : "check ok");
process.exitCode = failed.length ? 1 : 0;
