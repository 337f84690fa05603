// Purity gate: core/ must not reach the clock, timers, randomness, network, crypto, storage or
// a runtime (DESIGN.md §2), and must run on a bare ECMAScript 2022 engine (QuickJS, an engine
// embedded in an app): every free name must be an ES2022 global, or a host requirement listed
// below for the files that need it (documented in docs/embedding.md). esbuild bundles every non-test core/**/*.ts (one generated entry
// re-exports all of them, tree shaking off, npm packages external), so nothing escapes through
// an unexported or unimported file, and relative imports out of core/ are checked too.
// Then:
//   * imports: each external import must be an allow-listed package (never `node:*` or a Node
//     builtin), from esbuild's metafile;
//   * globals: the bundle is parsed with the TypeScript 5 compiler API and every identifier is
//     resolved with its checker (noLib, so a name bound nowhere in the bundle has no symbol).
//     Unresolved names in reference position are free globals: forbidden ones fail the gate,
//     and so does any name that is not a global of ECMAScript 2022 (TextEncoder, atob, Intl,
//     structuredClone, console, AbortController… all come from hosts, not the language);
//   * post-ES2022 built-ins: statics such as `Object.groupBy` and distinctive method names such
//     as `.toSorted(` or `.findLast(`, which a bare ES2022 engine lacks.
//     Strings, property keys, `obj.crypto` member names and shadowing locals are therefore
//     never flagged (tools/purity-fixtures/clean.ts proves it). No minification needed: the
//     checker does real scope resolution, and readable output makes better error snippets.
//
// Usage: node tools/purity.mjs [dir=core]   |   node tools/purity.mjs --fixtures
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ALLOWED_PACKAGES = ["valibot"];

// The global object of ECMAScript 2022 (ECMA-262 13th edition §19, plus Annex B's escape and
// unescape): what a bare engine is guaranteed to have. Some are still forbidden below.
const ES2022_GLOBALS = new Set([
  ..."globalThis Infinity NaN undefined eval isFinite isNaN parseFloat parseInt".split(" "),
  ..."decodeURI decodeURIComponent encodeURI encodeURIComponent escape unescape".split(" "),
  ..."AggregateError Array ArrayBuffer BigInt BigInt64Array BigUint64Array Boolean".split(" "),
  ..."DataView Date Error EvalError FinalizationRegistry Float32Array Float64Array".split(" "),
  ..."Function Int8Array Int16Array Int32Array Map Number Object Promise Proxy".split(" "),
  ..."RangeError ReferenceError RegExp Set SharedArrayBuffer String Symbol SyntaxError".split(
    " ",
  ),
  ..."TypeError Uint8Array Uint8ClampedArray Uint16Array Uint32Array URIError WeakMap".split(" "),
  ..."WeakRef WeakSet Atomics JSON Math Reflect".split(" "),
]);

// Host facilities beyond ES2022 the core may use, each only in the files listed; an embedder
// provides them (docs/embedding.md, "What the core needs from the host").
const HOST_REQUIREMENTS = new Map([
  ["URL", {
    files: ["core/token/checks.ts", "core/wire/guards.ts"],
    why: "WHATWG URL parsing: the SPEC §5.2.1 htu normal form and URL-valued members",
  }],
]);

// Built-ins added after ES2022: statics by `Global.member`, methods by distinctive name.
const POST_ES2022_STATICS = new Set([
  "Object.groupBy",
  "Map.groupBy",
  "Promise.withResolvers",
  "Promise.try",
  "Array.fromAsync",
  "RegExp.escape",
  "Math.sumPrecise",
  "Math.f16round",
  "Error.isError",
  "Uint8Array.fromBase64",
  "Uint8Array.fromHex",
  "Iterator.from",
  "Iterator.concat",
]);
const POST_ES2022_METHODS = new Set([
  "findLast",
  "findLastIndex",
  "toSorted",
  "toReversed",
  "toSpliced",
  "isWellFormed",
  "toWellFormed",
  "transferToFixedLength",
  "symmetricDifference",
  "isSubsetOf",
  "isSupersetOf",
  "isDisjointFrom",
  "toBase64",
  "setFromBase64",
  "setFromHex",
]);

const FORBIDDEN = new Map([
  ...["Date", "performance"].map((n) => [n, "clock: take `now` from the input"]),
  ...[
    "setTimeout",
    "setInterval",
    "clearTimeout",
    "clearInterval",
    "setImmediate",
    "queueMicrotask",
    "requestAnimationFrame",
    "requestIdleCallback",
  ]
    .map((n) => [n, "scheduling: emit a schedule effect"]),
  ...["fetch", "XMLHttpRequest", "WebSocket", "EventSource", "BroadcastChannel"].map((
    n,
  ) => [n, "I/O: emit a send effect"]),
  ["crypto", "crypto: the adapter signs and verifies"],
  ...["process", "Deno", "Bun", "require", "module", "__dirname", "__filename"].map((
    n,
  ) => [n, "runtime access: bind it in an adapter"]),
  ...["globalThis", "self", "global"].map((n) => [n, "global object: reaches any global"]),
  ...[
    "window",
    "document",
    "navigator",
    "location",
    "localStorage",
    "sessionStorage",
    "indexedDB",
    "caches",
  ]
    .map((n) => [n, "browser API: bind it in an adapter"]),
]);

/** All non-test .ts files under dir, repo-relative. */
function sources(dir) {
  const out = [];
  const walk = (abs) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name)) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

/** Bundles `files` and returns { violations, globals, bytes }. */
export async function analyse(files) {
  const result = await esbuild.build({
    stdin: {
      contents: files.map((f, i) => `export * as m${i} from ${JSON.stringify(`./${f}`)};`).join(
        "\n",
      ),
      resolveDir: ROOT,
      sourcefile: "purity-entry.js",
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    packages: "external",
    external: ["node:*"],
    treeShaking: false,
    ignoreAnnotations: true, // keep code that "sideEffects": false or /* @__PURE__ */ would drop
    metafile: true,
    write: false,
    outfile: "purity.js",
    logLevel: "silent",
  });
  const violations = [];

  for (const [input, meta] of Object.entries(result.metafile.inputs)) {
    for (const imp of meta.imports.filter((i) => i.external)) {
      const spec = imp.original ?? imp.path;
      const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (spec.startsWith("node:") || builtinModules.includes(pkg)) {
        violations.push({
          file: input,
          name: spec,
          reason: "Node builtin import: bind it in an adapter",
          snippet: "",
        });
      } else if (!ALLOWED_PACKAGES.includes(pkg)) {
        violations.push({
          file: input,
          name: spec,
          reason: `package not in the allow-list (${ALLOWED_PACKAGES})`,
          snippet: "",
        });
      }
    }
  }

  const text = result.outputFiles[0].text;
  const fileName = "/purity/bundle.js";
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const host = ts.createCompilerHost({});
  host.getSourceFile = (name) => (name === fileName ? sf : undefined);
  host.fileExists = (name) => name === fileName;
  const program = ts.createProgram({
    rootNames: [fileName],
    options: { allowJs: true, noLib: true, noResolve: true, types: [] },
    host,
  });
  const checker = program.getTypeChecker();

  const lines = text.split("\n");
  // esbuild's readable output marks each module with a `// path/to/file.ts` comment line.
  const origin = (pos) => {
    const { line } = sf.getLineAndCharacterOfPosition(pos);
    for (let l = line; l >= 0; l--) {
      const m = lines[l].match(/^\/\/ (\S+\.(?:[cm]?[jt]s|json))$/);
      if (m) return { file: m[1], snippet: lines[line].trim().slice(0, 140) };
    }
    return { file: "?", snippet: lines[line].trim().slice(0, 140) };
  };
  const globals = new Set();
  const requirements = new Set();
  const report = (node, name, reason) =>
    violations.push({ ...origin(node.getStart()), name, reason });

  /** Identifier positions that name a property or label rather than refer to a binding. */
  const notAReference = (id) => {
    const p = id.parent;
    return (ts.isPropertyAccessExpression(p) && p.name === id) ||
      ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) ||
        ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) && p.name === id) ||
      (ts.isBindingElement(p) && p.propertyName === id) ||
      (ts.isImportSpecifier(p) && p.propertyName === id) ||
      (ts.isExportSpecifier(p) && (p.propertyName ? p.name === id : false)) ||
      ((ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) && p.label === id) ||
      ts.isMetaProperty(p);
  };

  const visit = (node) => {
    if (
      ts.isPropertyAccessExpression(node) && POST_ES2022_METHODS.has(node.name.text)
    ) {
      report(
        node.name,
        `.${node.name.text}`,
        "a method added after ECMAScript 2022: a bare ES2022 engine lacks it",
      );
    }
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      report(node, "import.meta", "runtime access: bind it in an adapter");
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, "import()", "dynamic import: the core loads nothing at run time");
    } else if (ts.isIdentifier(node) && !notAReference(node)) {
      const sym = ts.isShorthandPropertyAssignment(node.parent)
        ? checker.getShorthandAssignmentValueSymbol(node.parent)
        : ts.isExportSpecifier(node.parent)
        ? checker.getExportSpecifierLocalTargetSymbol(node.parent)
        : checker.getSymbolAtLocation(node);
      // Free = declared nowhere in the bundle (TS gives `globalThis` a built-in symbol).
      if (!sym?.declarations?.some((d) => d.getSourceFile() === sf)) {
        const name = node.text;
        globals.add(name);
        const p = node.parent;
        const qualified = ts.isPropertyAccessExpression(p) && p.expression === node
          ? `${name}.${p.name.text}`
          : null;
        if (FORBIDDEN.has(name)) report(node, name, FORBIDDEN.get(name));
        else if (HOST_REQUIREMENTS.has(name)) {
          const req = HOST_REQUIREMENTS.get(name);
          const file = origin(node.getStart()).file;
          if (!req.files.includes(file)) {
            report(
              node,
              name,
              `host requirement allowed only in ${req.files.join(", ")} (${req.why})`,
            );
          } else requirements.add(name);
        } else if (!ES2022_GLOBALS.has(name)) {
          report(
            node,
            name,
            "not an ECMAScript 2022 global: a bare engine lacks it (write a pure helper)",
          );
        } else if (qualified !== null && POST_ES2022_STATICS.has(qualified)) {
          report(node, qualified, "added after ECMAScript 2022: a bare ES2022 engine lacks it");
        } else if (name === "Math") {
          // Math.floor etc. are pure; Math.random, or Math passed around (aliasing), is not.
          const member = ts.isPropertyAccessExpression(p) && p.expression === node
            ? p.name.text
            : ts.isElementAccessExpression(p) && p.expression === node &&
                ts.isStringLiteral(p.argumentExpression)
            ? p.argumentExpression.text
            : null;
          if (member === null || member === "random") {
            report(node, "Math.random", "randomness: take it from the input");
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return {
    violations,
    globals: [...globals].sort(),
    requirements: [...requirements].sort(),
    bytes: text.length,
  };
}

const show = (v) => `  ${v.file}: ${v.name}: ${v.reason}${v.snippet ? `\n      ${v.snippet}` : ""}`;

/** Each fixture's first line says `// expect: clean` or `// expect: <name reported>`. */
async function runFixtures() {
  const dir = "tools/purity-fixtures";
  let ok = true;
  const files = sources(dir);
  for (const f of files) {
    const expect = readFileSync(join(ROOT, f), "utf8").match(/^\/\/ expect: (\S+)/)?.[1];
    const { violations } = await analyse([f]);
    const good = expect === "clean"
      ? violations.length === 0
      : violations.some((v) => v.name === expect);
    if (!good) {
      ok = false;
      console.error(
        `purity fixture ${f}: expected ${
          expect === "clean" ? "no violation" : `"${expect}" to be reported`
        }, got:\n${violations.map(show).join("\n") || "  nothing"}`,
      );
    }
  }
  console.log(
    ok
      ? `purity fixtures ok: ${files.length - 1} violating fixtures caught, clean fixture accepted`
      : "purity fixtures FAILED: the gate is broken",
  );
  return ok;
}

async function main() {
  if (process.argv.includes("--fixtures")) return (await runFixtures()) ? 0 : 1;
  const dir = process.argv[2] ?? "core";
  const exists = (() => {
    try {
      return statSync(join(ROOT, dir)).isDirectory();
    } catch {
      return false;
    }
  })();
  const files = exists ? sources(dir) : [];
  if (files.length === 0) {
    console.log(`purity: nothing to check (no .ts files under ${dir}/)`);
    return 0;
  }
  const { violations, globals, requirements, bytes } = await analyse(files);
  if (violations.length) {
    console.error(
      `purity: ${dir}/ is not pure (${violations.length} violation${
        violations.length > 1 ? "s" : ""
      }):\n${violations.map(show).join("\n")}`,
    );
    return 1;
  }
  console.log(
    `purity: ${dir}/ ok (${files.length} files, ${
      (bytes / 1024).toFixed(1)
    } KB bundle; globals used: ${globals.join(", ") || "none"}; host requirements beyond ES2022: ${
      requirements.map((r) => `${r} (${HOST_REQUIREMENTS.get(r).why})`).join(", ") || "none"
    })`,
  );
  return 0;
}

process.exitCode = await main();
