// `npm run check` step "doc-examples": type-checks the `@example` blocks of the public entry
// points with `deno check --doc-only` (what `deno doc` and the API reference show). Examples
// import the package by its published name; an import map (written to .tmp/) points each
// `device-session/…` export of deno.json at its source file, as a user's install would resolve
// it. `node tools/check-doc-examples.mjs [files…]` checks other files.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./find-tests.mjs";

const { exports } = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const NAME = "device-session";

/** The entry points, and the modules whose exports they re-export with examples. */
export const DOC_FILES = [
  ...new Set([
    ...Object.values(exports).map((p) => p.replace(/^\.\//, "")),
    "adapters/backend/hono.ts",
    "adapters/backend/connect.ts",
    "adapters/backend/client.ts",
    "adapters/sdk/device-session.ts",
  ]),
];

const imports = Object.fromEntries(
  Object.entries(exports).map((
    [k, p],
  ) => [k === "." ? NAME : `${NAME}${k.slice(1)}`, `../${p.slice(2)}`]),
);
const map = join(ROOT, ".tmp/doc-examples-import-map.json");
mkdirSync(join(ROOT, ".tmp"), { recursive: true });
writeFileSync(map, JSON.stringify({ imports }, null, 2));

const files = process.argv.slice(2).length ? process.argv.slice(2) : DOC_FILES;
const r = spawnSync(
  join(ROOT, "node_modules/.bin/deno"),
  ["check", "--doc-only", `--import-map=${map}`, ...files],
  { cwd: ROOT, stdio: "inherit", env: { DENO_NO_UPDATE_CHECK: "1", ...process.env } },
);
if (r.error) throw r.error;
console.log(`doc examples of ${files.length} files: ${r.status === 0 ? "ok" : "FAILED"}`);
process.exitCode = r.status ?? 1;
