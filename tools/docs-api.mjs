// `npm run docs:api`: the API reference, generated from the TSDoc of every entry point in
// deno.json (`deno doc --html`), into docs/api/ (not committed: .gitignore).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./find-tests.mjs";

const { exports } = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const out = join(ROOT, "docs/api");
rmSync(out, { recursive: true, force: true });
const r = spawnSync(join(ROOT, "node_modules/.bin/deno"), [
  "doc",
  "--html",
  "--name=device-session",
  `--output=${out}`,
  ...Object.values(exports),
], { cwd: ROOT, stdio: "inherit", env: { DENO_NO_UPDATE_CHECK: "1", ...process.env } });
if (r.error) throw r.error;
if (r.status === 0) console.log(`API reference: docs/api/index.html`);
process.exitCode = r.status ?? 1;
