// Lints the vector files (vectors/**/*.json; format in vectors/README.md): the envelope's schema,
// unique positive tcIds, numberOfTests equal to the tests present, every flag documented in
// `notes`, results and error codes from the catalog, and canonical formatting
// (`JSON.stringify(v, null, 2) + "\n"`, which also rules out duplicate member names); and the
// test counts vectors/README.md's table quotes equal to each file's numberOfTests.
// Usage: node tools/lint-vectors.mjs [--self-test] [files...]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ENVELOPE = [
  "algorithm",
  "specVersion",
  "generator",
  "numberOfTests",
  "header",
  "notes",
  "testGroups",
];
const RESULTS = ["valid", "invalid", "acceptable"];

/** Error codes of the catalog (their statuses, core/errors/status.ts), read from its source. */
function catalogCodes() {
  const text = readFileSync(join(ROOT, "core/errors/status.ts"), "utf8");
  // One row per code: `NAME FAMILY STATUS`, the name without its `ERR_` prefix.
  return new Set([...text.matchAll(/^([A-Z_]+) [ITSP] (\d{3}|-)$/gm)].map((m) => `ERR_${m[1]}`));
}

const isObj = (x) => typeof x === "object" && x !== null && !Array.isArray(x);
const isStrings = (x) => Array.isArray(x) && x.every((s) => typeof s === "string");

/**
 * Problems of one vector file's text, empty when it is clean.
 * @param {string} name file name for messages @param {string} text its content
 * @param {{ codes: Set<string>, exists: (path: string) => boolean }} env
 * @returns {string[]}
 */
export function lintVectorText(name, text, env) {
  const problems = [];
  const p = (msg) => problems.push(`${name}: ${msg}`);
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    p(`not JSON (${e.message})`);
    return problems;
  }
  if (text !== JSON.stringify(v, null, 2) + "\n") {
    p('not canonical: write it with JSON.stringify(v, null, 2) + "\\n" (duplicate members? trailing spaces?)');
  }
  if (!isObj(v)) return (p("the top level must be an object"), problems);
  // keys.json holds the fixed test keys, not tests: only its own small shape.
  if ("keys" in v && !("testGroups" in v)) {
    if (!isStrings(v.description) || !isObj(v.keys)) {
      p("a key file has description (strings) and keys");
    }
    return problems;
  }
  for (const k of ENVELOPE) if (!(k in v)) p(`missing envelope member ${k}`);
  for (const k of Object.keys(v)) if (!ENVELOPE.includes(k)) p(`unknown envelope member ${k}`);
  if (typeof v.algorithm !== "string" || v.algorithm === "") {
    p("algorithm must be a non-empty string");
  }
  if (v.specVersion !== 1) p("specVersion must be 1 (the SPEC version the vectors test)");
  if (typeof v.generator !== "string") p("generator must name the script that writes the file");
  else if (!env.exists(v.generator)) p(`generator ${v.generator} does not exist`);
  if (!isStrings(v.header)) p("header must be an array of strings");
  if (!isObj(v.notes) || !Object.values(v.notes).every((s) => typeof s === "string")) {
    p("notes must map each flag to its description");
  }
  if (!Array.isArray(v.testGroups) || v.testGroups.length === 0) {
    p("testGroups must be a non-empty array");
    return problems;
  }
  const ids = new Set();
  let count = 0;
  v.testGroups.forEach((g, gi) => {
    if (!isObj(g) || typeof g.type !== "string") {
      return p(`testGroups[${gi}].type must be a string`);
    }
    if (!Array.isArray(g.tests) || g.tests.length === 0) {
      return p(`testGroups[${gi}].tests must be a non-empty array`);
    }
    for (const t of g.tests) {
      count++;
      const at = `tcId ${t?.tcId}`;
      if (!Number.isInteger(t?.tcId) || t.tcId < 1) {
        p(`testGroups[${gi}]: tcId must be a positive integer`);
      } else if (ids.has(t.tcId)) p(`${at} is not unique`);
      else ids.add(t.tcId);
      if (typeof t.comment !== "string") p(`${at}: comment must be a string`);
      if (!isStrings(t.flags)) p(`${at}: flags must be an array of strings`);
      else {for (const f of t.flags) {
          if (!isObj(v.notes) || !(f in v.notes)) p(`${at}: flag ${f} is not in notes`);
        }}
      if (!RESULTS.includes(t.result)) p(`${at}: result must be one of ${RESULTS.join(", ")}`);
      if (t.result === "invalid" && typeof t.code !== "string") {
        p(`${at}: an invalid test names its code`);
      }
      for (const k of ["code", "cause"]) {
        if (t[k] !== undefined && !env.codes.has(t[k])) {
          p(`${at}: ${k} ${t[k]} is not a catalog code`);
        }
      }
    }
  });
  if (v.numberOfTests !== count) {
    p(`numberOfTests is ${v.numberOfTests}, the file has ${count} tests`);
  }
  return problems;
}

/**
 * Problems of vectors/README.md's file table: each row's `tests` count must be the file's
 * `numberOfTests` (a row of `—` is a file without tests).
 * @param {string} readme the README's text
 * @param {Map<string, number | undefined>} counts numberOfTests by path under vectors/
 * @returns {string[]}
 */
export function readmeCountProblems(readme, counts) {
  const problems = [];
  for (const m of readme.matchAll(/^\| `([^`]+\.json)` \|[^|\n]*\| ([^|\n]+?) \|/gm)) {
    const [, path, quoted] = m;
    if (!counts.has(path)) {
      problems.push(`vectors/README.md: ${path} is not a vector file`);
      continue;
    }
    const want = counts.get(path) === undefined ? "—" : String(counts.get(path));
    if (quoted !== want) {
      problems.push(`vectors/README.md: ${path} quotes ${quoted} tests, the file has ${want}`);
    }
  }
  return problems;
}

function vectorFiles() {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".json")) out.push(path);
    }
  };
  walk(join(ROOT, "vectors"));
  return out.sort();
}

function selfTest(env) {
  const good = {
    algorithm: "x",
    specVersion: 1,
    generator: "tools/lint-vectors.mjs",
    numberOfTests: 2,
    header: ["h"],
    notes: { Valid: "ok" },
    testGroups: [{
      type: "T",
      tests: [
        { tcId: 1, comment: "a", flags: ["Valid"], result: "valid" },
        { tcId: 2, comment: "b", flags: ["Valid"], result: "invalid", code: "ERR_REPLAYED" },
      ],
    }],
  };
  const text = (v) => JSON.stringify(v, null, 2) + "\n";
  const bad = structuredClone(good);
  bad.numberOfTests = 3;
  bad.testGroups[0].tests[1].tcId = 1;
  bad.testGroups[0].tests[1].flags = ["Nope"];
  bad.testGroups[0].tests[1].code = "ERR_NOPE";
  delete bad.header;
  bad.extra = true;
  const planted = [
    [/numberOfTests is 3/, text(bad)],
    [/tcId 1 is not unique/, text(bad)],
    [/flag Nope is not in notes/, text(bad)],
    [/ERR_NOPE is not a catalog code/, text(bad)],
    [/missing envelope member header/, text(bad)],
    [/unknown envelope member extra/, text(bad)],
    [/not canonical/, JSON.stringify(good)],
    [
      /not canonical/,
      text(good).replace('"algorithm": "x",', '"algorithm": "x",\n  "algorithm": "x",'),
    ],
  ];
  const missed = planted.filter(([re, t]) =>
    !lintVectorText("fixture", t, env).some((m) => re.test(m))
  );
  const table = "| `a/b.json` | what | 2 | run |\n| `a/keys.json` | keys | — | — |\n";
  const counts = new Map([["a/b.json", 2], ["a/keys.json", undefined]]);
  const readmePlanted = [
    [/quotes 3 tests, the file has 2/, table.replace("| 2 |", "| 3 |")],
    [/a\/c\.json is not a vector file/, table + "| `a/c.json` | x | 1 | y |\n"],
  ];
  for (const [re, t] of readmePlanted) {
    if (!readmeCountProblems(t, counts).some((m) => re.test(m))) missed.push([re, t]);
  }
  const falseAlarms = [
    ...lintVectorText("fixture", text(good), env),
    ...readmeCountProblems(table, counts),
  ];
  if (missed.length || falseAlarms.length) {
    console.error(
      `lint-vectors self-test FAILED: missed ${missed.map(([re]) => re).join(", ") || "none"}; ` +
        `false alarms: ${falseAlarms.join("; ") || "none"}`,
    );
    return false;
  }
  const n = planted.length + readmePlanted.length;
  console.log(`lint-vectors self-test ok (${n} planted problems reported)`);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = { codes: catalogCodes(), exists: (p) => existsSync(join(ROOT, p)) };
  const args = process.argv.slice(2);
  if (args.includes("--self-test") && !selfTest(env)) process.exit(1);
  const files = args.filter((a) => !a.startsWith("--"));
  const list = files.length ? files.map((f) => join(process.cwd(), f)) : vectorFiles();
  const problems = list.flatMap((f) =>
    lintVectorText(relative(ROOT, f), readFileSync(f, "utf8"), env)
  );
  if (!files.length) {
    const counts = new Map(list.map((f) => {
      let n;
      try {
        n = JSON.parse(readFileSync(f, "utf8")).numberOfTests;
      } catch {
        n = NaN; // reported above as not JSON
      }
      return [relative(join(ROOT, "vectors"), f), n];
    }));
    problems.push(
      ...readmeCountProblems(readFileSync(join(ROOT, "vectors/README.md"), "utf8"), counts),
    );
  }
  if (problems.length) {
    console.error(
      `vector lint: ${problems.length} problem(s)\n` + problems.map((x) => `  - ${x}`).join("\n"),
    );
    process.exit(1);
  }
  console.log(`vector lint ok: ${list.length} files`);
}
