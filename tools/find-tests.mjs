// Lists the suite's files: test/**/*.test.ts, sorted, as "./test/..." paths.
// Every leg (node, deno, bun, browser) runs exactly this list, so the legs cannot drift apart
// (Node 20 has no glob support in `--test` args, and bun/deno have their own default patterns).
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** @param {string} dir directory relative to the repo root @returns {string[]} */
export function findTests(dir = "test") {
  const out = [];
  const walk = (abs) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      if (err.code === "ENOENT") return;
      throw err;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".test.ts")) out.push(p);
    }
  };
  walk(join(ROOT, dir));
  return out.map((p) => "./" + relative(ROOT, p).split("\\").join("/")).sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of findTests(process.argv[2])) console.log(f);
}
