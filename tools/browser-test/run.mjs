// Browser leg: runs the node:test suite (test/**/*.test.ts, or the files given as args) in
// headless Chromium. esbuild bundles every test file into one ESM bundle, mapping `node:test` to
// ./node-test-shim.ts, `node:assert(/strict)` to npm assert@2 and other `node:*` modules to stubs
// that throw when used (so a file whose tests opt out of the browser still bundles). The bundle
// is served from http://localhost (WebCrypto needs a secure context) and driven with
// playwright-core against the system Chromium (Playwright's own download is unreachable here).
//
// Env: CHROMIUM_PATH (default /usr/bin/chromium), REQUIRE_BROWSER=1 (no Chromium = failure),
// TEST_TIMEOUT_MS (per test, tools/test-timeout.mjs), BROWSER_TEST_TIMEOUT_MS (whole run,
// default 1800000: a backstop for a hang outside any test; per-test timeouts catch the rest), BROWSER_TEST_KEEP=1 (write the bundle
// to .tmp/browser-test/ for debugging).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { builtinModules, SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { findTests, ROOT } from "../find-tests.mjs";
import { TEST_TIMEOUT_MS } from "../test-timeout.mjs";

const HERE = join(ROOT, "tools/browser-test");
const OUT_DIR = join(ROOT, ".tmp/browser-test");
const SHIM = join(HERE, "node-test-shim.ts");
const TIMEOUT_MS = Number(process.env.BROWSER_TEST_TIMEOUT_MS ?? 1_800_000);
const CHROMIUM_ARGS = [
  "--no-sandbox", // runs as root in CI
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** `node:fs` etc.: every export becomes a stub that throws a helpful error when touched. */
async function builtinStub(spec) {
  const name = spec.slice("node:".length);
  const keys = builtinModules.includes(name) ? Object.keys(await import(spec)) : [];
  const ident = /^[A-Za-z_$][\w$]*$/;
  const lines = [
    `const fail = (what) => { throw new Error(${JSON.stringify(spec)} + ": " + what +`,
    `  " is not available in the browser; skip the test there: { skip: typeof window !== \\"undefined\\" && \\"reason\\" }"); };`,
    `const stub = (what) => new Proxy(function () {}, {`,
    `  apply: () => fail(what), construct: () => fail(what),`,
    `  get: (_, k) => (typeof k === "symbol" || k === "then" ? undefined : fail(what + "." + k)),`,
    `});`,
    `export default stub("default export");`,
  ];
  keys.filter((k) => k !== "default" && ident.test(k)).forEach((k, i) => {
    lines.push(`const s${i} = stub(${JSON.stringify(k)}); export { s${i} as ${k} };`);
  });
  return lines.join("\n");
}

const shimPlugin = {
  name: "node-shims",
  setup(build) {
    // `ds-file:<path>` markers run __setFile before each test file is evaluated.
    build.onResolve(
      { filter: /^ds-file:/ },
      (a) => ({ path: a.path.slice(8), namespace: "ds-file" }),
    );
    build.onLoad({ filter: /.*/, namespace: "ds-file" }, (a) => ({
      contents: `import { __setFile } from ${JSON.stringify(SHIM)};\n__setFile(${
        JSON.stringify(a.path)
      });`,
      loader: "js",
      resolveDir: ROOT,
    }));
    build.onResolve({ filter: /^node:test$/ }, () => ({ path: SHIM }));
    build.onResolve({ filter: /^node:assert$/ }, () => ({ path: join(HERE, "assert.js") }));
    build.onResolve(
      { filter: /^node:assert\/strict$/ },
      () => ({ path: join(HERE, "assert-strict.js") }),
    );
    build.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: "node-stub" }));
    // Server-only packages (the Redis client): stubs that throw if a test ever touches them.
    build.onResolve({ filter: /^redis$/ }, (a) => ({ path: a.path, namespace: "server-stub" }));
    build.onLoad({ filter: /.*/, namespace: "server-stub" }, (a) => ({
      contents: ["createClient", "createCluster"].map((n) =>
        `export function ${n}() { throw new Error("${a.path} is server-only (browser leg)"); }`
      ).join("\n"),
      loader: "js",
    }));
    build.onLoad({ filter: /.*/, namespace: "node-stub" }, async (a) => ({
      contents: await builtinStub(a.path),
      loader: "js",
    }));
  },
};

async function bundle(files) {
  const entry = [
    `import { __run } from ${JSON.stringify(SHIM)};`,
    ...files.flatMap((
      f,
    ) => [`import "ds-file:${f.replace(/^\.\//, "")}";`, `import ${JSON.stringify(f)};`]),
    // A rejection here (a shim bug) surfaces as a pageerror and fails the run.
    `__run();`,
  ].join("\n");
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, sourcefile: "browser-test-entry.js", loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(OUT_DIR, "bundle.js"),
    write: false,
    sourcemap: "external",
    sourcesContent: false,
    plugins: [shimPlugin],
    // assert@2 (and its `util` dependency) expect Node's `process` and `global`.
    inject: [join(HERE, "process-shim.js")],
    define: {
      "process.env.NODE_DEBUG": "false",
      global: "globalThis",
      // The shim's default per-test timeout: the same ceiling as the other legs.
      __DS_TEST_TIMEOUT_MS__: String(TEST_TIMEOUT_MS),
    },
    // package.json says "sideEffects": false (true for the library); without this esbuild
    // would drop the entry's bare `import "./test/x.test.ts"` statements.
    ignoreAnnotations: true,
    logLevel: "silent",
  });
  const js = result.outputFiles.find((f) => f.path.endsWith(".js")).text;
  const map = result.outputFiles.find((f) => f.path.endsWith(".js.map")).text;
  if (process.env.BROWSER_TEST_KEEP === "1") {
    await mkdir(OUT_DIR, { recursive: true });
    await writeFile(join(OUT_DIR, "bundle.js"), js);
    await writeFile(join(OUT_DIR, "bundle.js.map"), map);
  }
  return { js, map: new SourceMap(JSON.parse(map)) };
}

/** Rewrites bundle.js:L:C frames to source positions and drops harness/dependency frames. */
function mapStack(text, map) {
  const mapped = text.split("\n").map((line) =>
    line.replace(/https?:\/\/[^\s)]+\/bundle\.js:(\d+):(\d+)/g, (m, l, c) => {
      const e = map.findEntry(Number(l) - 1, Number(c) - 1);
      if (!e || e.originalSource === undefined) return m;
      const file = relative(ROOT, resolve(OUT_DIR, e.originalSource));
      return `${file}:${e.originalLine + 1}:${e.originalColumn + 1}`;
    })
  );
  const isFrame = (l) => /^\s+at /.test(l);
  const noisy = (l) => /node_modules\/|tools\/browser-test\/|node-stub:/.test(l);
  const head = mapped.filter((l) => !isFrame(l));
  const frames = mapped.filter(isFrame);
  const useful = frames.filter((l) => !noisy(l));
  return [...head, ...(useful.length ? useful : frames).slice(0, 8)].join("\n");
}

function findChromium() {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((p) => existsSync(p));
}

async function main() {
  const files = process.argv.length > 2 ? process.argv.slice(2) : findTests();
  if (files.length === 0) {
    console.error("browser: no test files found under test/");
    return 1;
  }
  let built;
  try {
    built = await bundle(files.map((f) => (f.startsWith(".") || f.startsWith("/") ? f : `./${f}`)));
  } catch (err) {
    for (const e of err.errors ?? []) {
      console.error(`bundle error: ${e.text} (${e.location?.file}:${e.location?.line})`);
    }
    if (!err.errors) console.error(err);
    return 1;
  }
  const executablePath = findChromium();
  if (!executablePath) {
    console.log("skipped: no Chromium found");
    return process.env.REQUIRE_BROWSER === "1" ? 1 : 0;
  }

  const html = `<!doctype html><meta charset="utf-8"><title>tests</title>` +
    `<script type="module" src="/bundle.js"></script>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/") res.writeHead(200, { "content-type": "text/html" }).end(html);
    else if (path === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(built.js);
    } else res.writeHead(path === "/favicon.ico" ? 204 : 404).end();
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://localhost:${server.address().port}/`;
  const profile = await mkdtemp(join(tmpdir(), "device-session-chromium-"));

  let context;
  let timer;
  let n = 0;
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const indent = (s) => s.split("\n").map((l) => `    ${l}`).join("\n");
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (msg) => console.log(`# console.${msg.type()}: ${msg.text()}`));
    let finish;
    const finished = new Promise((ok) => (finish = ok));
    await page.exposeFunction("__dsReport", (r) => {
      if (r.status === "diagnostic") return console.log(`# ${r.name}: ${r.reason}`);
      const ms = ` (${Math.round(r.ms)}ms)`;
      n++;
      if (r.status === "pass") {
        counts.passed++;
        console.log(`ok ${n} - ${r.name}${ms}`);
      } else if (r.status === "fail") {
        counts.failed++;
        console.log(`not ok ${n} - ${r.name}${ms}\n${indent(mapStack(r.error, built.map))}`);
      } else {
        counts[r.status === "skip" ? "skipped" : "todo"]++;
        const tag = r.status === "skip" ? "SKIP" : "TODO";
        console.log(`ok ${n} - ${r.name} # ${tag}${r.reason ? ` ${r.reason}` : ""}`);
        if (r.error) console.log(indent(mapStack(r.error, built.map)));
      }
    });
    await page.exposeFunction("__dsFinish", (s) => finish(s));
    const pageError = new Promise((_, fail) => {
      page.on(
        "pageerror",
        (e) =>
          fail(new Error(`uncaught error in page: ${mapStack(e.stack ?? String(e), built.map)}`)),
      );
      page.on("crash", () => fail(new Error("page crashed")));
    });
    pageError.catch(() => {}); // may reject before the race below starts
    const timeout = new Promise((_, fail) => {
      timer = setTimeout(async () => {
        // Bounded: a test stuck in a synchronous loop never answers evaluate().
        const current = await Promise.race([
          page.evaluate(() => globalThis.__dsCurrent).catch(() => undefined),
          new Promise((ok) => setTimeout(ok, 2000)),
        ]);
        fail(
          new Error(
            `timed out after ${TIMEOUT_MS}ms${current ? ` while running: ${current}` : ""}`,
          ),
        );
      }, TIMEOUT_MS);
    });
    timeout.catch(() => {});
    // Navigation is raced too: a test that blocks the event loop also blocks "load".
    const drive = async () => {
      await page.goto(url, { waitUntil: "commit" });
      if (!(await page.evaluate(() => globalThis.isSecureContext))) {
        throw new Error(`${url} is not a secure context`); // WebCrypto would be missing
      }
      return await finished;
    };
    const summary = await Promise.race([drive(), pageError, timeout]);
    if (n === 0) throw new Error("no test ran");

    if (summary.onlyUsed) console.log("# warning: .only() used, other tests were not run");
    if (counts.todo) console.log(`# todo ${counts.todo}`);
    const onlyFails = summary.onlyUsed && Boolean(process.env.CI);
    if (onlyFails) console.log("not ok - .only() is not allowed under CI");
    console.log(
      `browser: ${counts.passed} passed, ${counts.failed} failed, ${
        counts.skipped + counts.todo
      } skipped`,
    );
    return counts.failed > 0 || onlyFails ? 1 : 0;
  } catch (err) {
    console.log(`not ok - ${err.message}`);
    console.log(
      `browser: ${counts.passed} passed, ${counts.failed + 1} failed, ${
        counts.skipped + counts.todo
      } skipped`,
    );
    return 1;
  } finally {
    clearTimeout(timer);
    await context?.close().catch(() => {});
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

process.exitCode = await main();
