// `npm run check` step "doc-examples": type-checks every `@example` (every fenced `ts` block of
// the TSDoc) with `deno check --doc-only`, in every non-test `.ts` file: the root entry points and
// everything under DIRS. Examples import the package by its published name; an import map
// (written to .tmp/) points each `device-session/…` export of deno.json at its source file, as a
// user's install would resolve it. Examples inside the package may also import neighbouring
// modules by relative path, and `declare` the values they assume (`declare const token: string;`).
// `node tools/check-doc-examples.mjs [files…]` checks only the given files.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./find-tests.mjs";

const { exports } = JSON.parse(readFileSync(join(ROOT, "deno.json"), "utf8"));
const NAME = "device-session";

/** Directories whose non-test `.ts` files are checked, besides the root entry files. */
const DIRS = [
  "core",
  "adapters",
  "conformance",
  "embed",
  "examples",
  "bench",
  "bin",
  "test",
  "tools",
];
/** @type {Map<string, string>} Files that cannot be checked, each with the reason (none today). */
const EXCLUDE = new Map();

/** Every non-test `.ts` file at the root and under {@link DIRS}, sorted. */
export const DOC_FILES = [
  ...readdirSync(ROOT).filter((f) => f.endsWith(".ts")),
  ...DIRS.flatMap((d) =>
    readdirSync(join(ROOT, d), { recursive: true }).map((f) => `${d}/${f}`.split("\\").join("/"))
  ),
].filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !EXCLUDE.has(f)).sort();

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
