// `npm run check` step "links": the documentation never sends a reader outside the repository,
// and tests cite SPEC sections, never tracker issues.
//   - Markdown files (README.md, SPEC.md, docs/, conformance/, vectors/, examples/): every link
//     `[text](target)` or `<scheme://…>` must be a relative path to a file or folder that exists
//     in the repository (an optional `#anchor` is allowed), never a URL or a path out of it.
//   - Test files (test/, embed/test/): no tracker numbers (`#` or the word followed by digits) in comments.
// `--self-test` first proves each rule catches its fixture.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./find-tests.mjs";

const DOCS = ["README.md", "SPEC.md", "docs", "conformance", "vectors", "examples", "embed"];
const TESTS = ["test", "embed/test"];
const SKIP = new Set(["node_modules", "dist", ".tmp", "api"]);

/** Files under `path` (a file or a folder) whose names end with `ext`. */
function walk(path, ext, out = []) {
  const full = join(ROOT, path);
  if (!existsSync(full)) return out;
  if (!statSync(full).isDirectory()) return path.endsWith(ext) ? [...out, path] : out;
  for (const e of readdirSync(full, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(path, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Problems of one markdown text at `file` (relative to the root). */
export function linkProblems(file, text) {
  const problems = [];
  // Code spans and fenced blocks are not links.
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "``");
  const targets = [
    ...[...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/<([a-z][a-z0-9+.-]*:[^>\s]*)>/gi)].map((m) => m[1]),
  ];
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) {
      problems.push(`${file}: link leaves the repository: ${target}`);
      continue;
    }
    const path = target.split("#")[0];
    if (path === "") continue; // an anchor in the same file
    const abs = resolve(ROOT, dirname(file), decodeURI(path));
    const rel = relative(ROOT, abs);
    if (rel.startsWith("..")) problems.push(`${file}: link leaves the repository: ${target}`);
    else if (!existsSync(abs)) problems.push(`${file}: link to a missing file: ${target}`);
  }
  return problems;
}

/** Problems of one test file's text: issue numbers in comments. */
export function testProblems(file, text) {
  const comments = text.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? [];
  return comments
    .filter((c) => /(?:^|[\s(])#\d+\b|\bissues?\s+#?\d+/i.test(c))
    .map((c) => `${file}: cites an issue number (cite a SPEC section): ${c.trim().slice(0, 80)}`);
}

function selfTest() {
  const cases = [
    [linkProblems("README.md", "see [x](https://example.com)").length, 1],
    [linkProblems("README.md", "see <https://example.com>").length, 1],
    // Fixtures are built from parts so this file itself names no path outside the repo.
    [linkProblems("README.md", `see [x](../${"shared"}/DESIGN.md)`).length, 1],
    [linkProblems("README.md", "see [x](docs/nope.md)").length, 1],
    [linkProblems("README.md", "see [x](SPEC.md#1-scope) and `[y](https://a.b)`").length, 0],
    [linkProblems("docs/a.md", "see [x](../SPEC.md)").length, 0],
    [testProblems("test/a.test.ts", "// regression for #12\nit()").length, 1],
    [testProblems("test/a.test.ts", `/* see ${"issue"} 7 */`).length, 1],
    [testProblems("test/a.test.ts", "// SPEC §5.7\nconst c = '#12';").length, 0],
  ];
  const failed = cases.filter(([got, want]) => got !== want);
  if (failed.length) throw new Error(`check-links self-test failed: ${JSON.stringify(failed)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--self-test")) selfTest();
  const docs = DOCS.flatMap((p) => walk(p, ".md"));
  const tests = TESTS.flatMap((p) => walk(p, ".ts"));
  const problems = [
    ...docs.flatMap((f) => linkProblems(f, readFileSync(join(ROOT, f), "utf8"))),
    ...tests.flatMap((f) => testProblems(f, readFileSync(join(ROOT, f), "utf8"))),
  ];
  for (const p of problems) console.error(p);
  console.log(
    `links: ${docs.length} markdown files, ${tests.length} test files: ${
      problems.length ? `${problems.length} problem(s)` : "ok"
    }`,
  );
  process.exitCode = problems.length ? 1 : 0;
}
