// `npm run size`: what each published entry costs a user, against the budgets in
// tools/size-budgets.json. Each entry is bundled with esbuild the way an application bundler
// would (ESM, minified, code splitting, browser or neutral platform) and measured from the
// metafile: the *initial* cost is the entry chunk plus every chunk it imports statically (what a
// page downloads before `init` can run); the *total* adds the chunks behind `import()`. Sizes are
// minified bytes and gzip -9 bytes of each chunk, summed (each chunk is its own request).
// A budget exceeded fails with the modules that fill the chunk, largest first.
// Usage: node tools/size.mjs [--self-test] [--json]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { ROOT } from "./find-tests.mjs";

/**
 * Bundles one entry and returns its chunks with sizes and module breakdown.
 * @param {{ entry: string, platform?: string, external?: string[] }} spec
 * @param {string} root
 */
export async function measure(spec, root) {
  const r = await esbuild.build({
    entryPoints: [join(root, spec.entry)],
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    write: false,
    metafile: true,
    outdir: join(root, ".tmp/size"),
    platform: spec.platform ?? "browser",
    target: "es2022",
    external: spec.external ?? [],
    logLevel: "silent",
  });
  const bytes = new Map(r.outputFiles.map((f) => [f.path, f.contents]));
  const chunks = new Map();
  for (const [path, out] of Object.entries(r.metafile.outputs)) {
    if (!path.endsWith(".js")) continue;
    const data = bytes.get(join(root, path));
    chunks.set(path, {
      path,
      entry: out.entryPoint !== undefined,
      min: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      statics: out.imports.filter((i) => i.kind === "import-statement").map((i) => i.path),
      modules: Object.entries(out.inputs)
        .map(([m, v]) => ({ module: m, bytes: v.bytesInOutput }))
        .filter((m) => m.bytes > 0)
        .sort((a, b) => b.bytes - a.bytes),
    });
  }
  const entry = [...chunks.values()].find((c) => c.entry);
  const initial = new Set();
  const visit = (p) => {
    if (initial.has(p) || !chunks.has(p)) return;
    initial.add(p);
    for (const s of chunks.get(p).statics) visit(s);
  };
  visit(entry.path);
  const sum = (list, k) => list.reduce((n, c) => n + c[k], 0);
  const initialChunks = [...initial].map((p) => chunks.get(p));
  const all = [...chunks.values()];
  return {
    initial: {
      min: sum(initialChunks, "min"),
      gzip: sum(initialChunks, "gzip"),
      chunks: initialChunks,
    },
    total: { min: sum(all, "min"), gzip: sum(all, "gzip"), chunks: all },
  };
}

/**
 * Measures every budget and returns rows plus the failures (with their breakdown).
 * @param {{ name: string, entry: string, scope: "initial" | "total", gzip: number, min: number }[]} budgets
 */
export async function run(budgets, root) {
  const cache = new Map();
  const rows = [];
  for (const b of budgets) {
    const key = JSON.stringify([b.entry, b.platform, b.external]);
    if (!cache.has(key)) cache.set(key, await measure(b, root));
    const m = cache.get(key)[b.scope];
    const over = m.gzip > b.gzip || m.min > b.min;
    rows.push({ ...b, gzipActual: m.gzip, minActual: m.min, ok: !over, chunks: m.chunks });
  }
  return rows;
}

const kb = (n) => (n / 1000).toFixed(2).padStart(6);

/** The table, and for each failed row the modules that fill its chunks. */
export function report(rows) {
  const lines = [
    "entry                          scope     gzip KB  budget   min KB  budget",
    "-----------------------------  -------   -------  ------   ------  ------",
  ];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(29)}  ${r.scope.padEnd(7)}   ${kb(r.gzipActual)}  ${kb(r.gzip)}   ${
        kb(r.minActual)
      }  ${kb(r.min)}  ${r.ok ? "ok" : "OVER BUDGET"}`,
    );
  }
  for (const r of rows.filter((r) => !r.ok)) {
    lines.push("", `${r.name} (${r.scope}) is over budget; minified bytes by module:`);
    for (const c of r.chunks) {
      lines.push(`  chunk ${c.path}: ${c.min} B min, ${c.gzip} B gzip`);
      for (const m of c.modules.slice(0, 25)) {
        lines.push(`    ${String(m.bytes).padStart(7)}  ${m.module}`);
      }
    }
  }
  return lines.join("\n");
}

async function selfTest() {
  // A fixture with an entry, a static chunk and a lazy chunk: the generous budgets pass, the
  // tight ones fail and name the module that is too big; initial excludes the lazy chunk.
  const root = join(ROOT, "tools/size-fixtures");
  const budgets = JSON.parse(readFileSync(join(root, "budgets.json"), "utf8"));
  const rows = await run(budgets, root);
  const text = report(rows);
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  const problems = [];
  if (!byName["fits"]?.ok) problems.push("the generous budget failed");
  if (byName["too-small-gzip"]?.ok !== false) problems.push("a gzip budget overrun passed");
  if (byName["too-small-min"]?.ok !== false) problems.push("a minified budget overrun passed");
  if (!text.includes("lazy-big.js")) problems.push("the breakdown does not name the big module");
  if (!(byName["total"].minActual > byName["fits"].minActual + 2000)) {
    problems.push("the lazy chunk was counted as initial (or not in total)");
  }
  if (problems.length) {
    console.error(text);
    console.error(`size self-test FAILED: ${problems.join("; ")}`);
    return false;
  }
  console.log(`size self-test ok (${rows.filter((r) => !r.ok).length} planted overruns caught)`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--self-test") && !(await selfTest())) process.exit(1);
  const budgets = JSON.parse(readFileSync(join(ROOT, "tools/size-budgets.json"), "utf8"));
  const rows = await run(budgets, ROOT);
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify(
      rows.map(({ chunks: _, ...r }) => r),
      null,
      2,
    ));
  } else console.log(report(rows));
  if (rows.some((r) => !r.ok)) {
    console.error("size: over budget");
    process.exitCode = 1;
  }
}
