// Checks that package.json (npm, built files) and deno.json (JSR, sources) publish the same
// API. Mapping rule, per subpath key (both files must have the same keys):
//   package.json  "./x": { "types": "./dist/P.d.ts", "default": "./dist/P.js" }
//   deno.json     "./x": "./P.ts"
// i.e. dist/P.js is tsc's output for P.ts (tsconfig.build.json: rootDir ".", outDir "dist").
// A string export ("./x": "./dist/P.js") is accepted too. Name-independent metadata that must
// agree as well: version and license.
// Usage: node tools/check-exports.mjs [--self-test]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * @param {any} pkg parsed package.json
 * @param {any} deno parsed deno.json
 * @param {(path: string) => boolean} exists whether a repo-relative source file exists
 * @returns {string[]} problems, empty when they agree
 */
export function compareExports(pkg, deno, exists) {
  const problems = [];
  const norm = (e) => (typeof e === "string" || e == null ? { ".": e } : e);
  const npm = norm(pkg.exports);
  const jsr = norm(deno.exports);
  for (const k of Object.keys(npm)) {
    if (!(k in jsr)) problems.push(`"${k}" is in package.json exports but not in deno.json`);
  }
  for (const k of Object.keys(jsr)) {
    if (!(k in npm)) problems.push(`"${k}" is in deno.json exports but not in package.json`);
  }
  for (const key of Object.keys(npm).filter((k) => k in jsr)) {
    const entry = npm[key];
    const js = typeof entry === "string" ? entry : entry?.default ?? entry?.import;
    const m = typeof js === "string" && js.match(/^\.\/dist\/(.+)\.js$/);
    if (!m) {
      problems.push(
        `package.json exports["${key}"] must point at "./dist/<path>.js" (found ${
          JSON.stringify(js)
        })`,
      );
      continue;
    }
    const want = `./${m[1]}.ts`;
    if (jsr[key] !== want) {
      problems.push(
        `exports["${key}"]: package.json has ${js}, so deno.json should have "${want}" (found ${
          JSON.stringify(jsr[key])
        })`,
      );
    } else if (!exists(want)) problems.push(`exports["${key}"]: source ${want} does not exist`);
    if (typeof entry === "object" && entry.types !== `./dist/${m[1]}.d.ts`) {
      problems.push(
        `package.json exports["${key}"].types should be "./dist/${m[1]}.d.ts" (found ${
          JSON.stringify(entry.types)
        })`,
      );
    }
  }
  for (const field of ["version", "license"]) {
    if (pkg[field] !== deno[field]) {
      problems.push(`${field} differs: package.json ${pkg[field]}, deno.json ${deno[field]}`);
    }
  }
  return problems;
}

const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));

function selfTest() {
  const dir = join(ROOT, "tools/check-exports-fixtures");
  const problems = compareExports(
    readJson(join(dir, "package.fixture.json")),
    readJson(join(dir, "deno.fixture.json")),
    () => true,
  );
  // Each planted disagreement must be reported.
  const expected = [
    /"\.\/node" is in package.json/,
    /"\.\/deno" is in deno.json/,
    /should have "\.\/adapters\/browser\.ts"/,
    /types should be/,
    /version differs/,
  ];
  const missed = expected.filter((re) => !problems.some((p) => re.test(p)));
  const agree = compareExports(
    {
      version: "1",
      license: "MIT",
      exports: { ".": { types: "./dist/mod.d.ts", default: "./dist/mod.js" } },
    },
    { version: "1", license: "MIT", exports: { ".": "./mod.ts" } },
    () => true,
  );
  if (missed.length || agree.length) {
    console.error(
      `check-exports self-test FAILED: missed ${missed.join(", ") || "none"}; false alarms: ${
        agree.join("; ") || "none"
      }`,
    );
    return false;
  }
  console.log(`check-exports self-test ok (${problems.length} planted problems reported)`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--self-test") && !selfTest()) process.exit(1);
  const problems = compareExports(
    readJson(join(ROOT, "package.json")),
    readJson(join(ROOT, "deno.json")),
    (p) => existsSync(join(ROOT, p)),
  );
  if (problems.length) {
    console.error(
      "package.json and deno.json exports disagree:\n" + problems.map((p) => `  - ${p}`).join("\n"),
    );
    process.exit(1);
  }
  console.log("exports agree: package.json ↔ deno.json");
}
