// The README's quick starts, run as a user would (`npm run test:quickstart`): the repository is
// packed (`npm pack`, whose prepack builds dist/), the tarball installed into a new project
// outside the checkout, each quick start written there verbatim (tools/quickstart/extract.mjs)
// and run against a real `device-session serve` from that install, on a free loopback port.
// Node programs run on Node; the browser quick start is bundled by esbuild and run in headless
// Chromium, its `http://localhost:8787/` routed to the service (started with that public URL).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { ROOT } from "../find-tests.mjs";
import { readmeQuickstarts } from "./extract.mjs";
import { withLock } from "./lock.mjs";
import { e2eSkip, launch } from "../../test/support/chromium.ts";

const QUICKSTARTS = readmeQuickstarts();
const DECISIONS = ["TRUST", "ALLOW", "CHALLENGE", "DENY"];
const BROWSER_ORIGIN = "http://localhost:8787";

/** Processes started here, stopped (with their children) after the tests. */
const running = [];
let tmp = "";
let app = "";

/** Starts `cmd` in the app project (own process group) and resolves when `ready` matches. */
function start(cmd, args, env, ready) {
  const child = spawn(cmd, args, {
    cwd: app,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (b) => {
      out += b;
      const m = ready.exec(out);
      if (m) resolve({ match: m, output: () => out, child });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}):\n${out}`)));
  });
}

/** Runs `cmd` to completion in the app project. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: app, env: { ...process.env, ...env } });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

/** `device-session serve --demo` from the installed package: its URL and the demo secrets. */
async function demoService(extraArgs = []) {
  const { match } = await start(
    process.execPath,
    ["node_modules/.bin/device-session", "serve", "--demo", "--port", "0", ...extraArgs],
    {},
    /listening on (http:\/\/\S+)[\s\S]*export DS_URL=(\S+) DS_CLIENT_ID=(\S+) DS_CLIENT_SECRET=(\S+)[\s\S]*second demo client: (\S+) \/ (\S+)[\s\S]*--other-client-secret \S+/,
  );
  return {
    listen: match[1],
    env: {
      DS_URL: match[2],
      DS_CLIENT_ID: match[3],
      DS_CLIENT_SECRET: match[4],
      DS_OTHER_CLIENT_ID: match[5],
      DS_OTHER_CLIENT_SECRET: match[6],
    },
  };
}

const installed = (path) =>
  import(pathToFileURL(join(app, "node_modules/device-session", path)).href);

describe("README quick starts, from the packed tarball", () => {
  let service;

  before(async () => {
    assert.deepEqual(
      [...QUICKSTARTS.keys()].sort(),
      ["backend", "browser", "conformance", "connect", "node", "operator"],
      "README.md must mark one quick start per role",
    );
    tmp = mkdtempSync(join(tmpdir(), "ds-quickstart-"));
    app = join(tmp, "app");
    mkdirSync(app);
    // prepack rebuilds dist/ in the checkout: one pack at a time (two suites may run at once).
    const pack = await withLock(
      join(ROOT, ".tmp/pack.lock"),
      () =>
        spawnSync("npm", ["pack", "--json", "--pack-destination", tmp], {
          cwd: ROOT,
          encoding: "utf8",
        }),
    );
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = join(tmp, JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")))[0].filename);
    await writeFile(
      join(app, "package.json"),
      JSON.stringify({ name: "quickstart-app", private: true, type: "module" }),
    );
    // Dependencies come from the npm cache when they are there (offline-capable).
    const install = spawnSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball],
      { cwd: app, encoding: "utf8" },
    );
    assert.equal(install.status, 0, install.stderr);
    for (const { file, code } of QUICKSTARTS.values()) {
      if (file) await writeFile(join(app, file), code);
    }
    service = await demoService();
  });

  after(() => {
    for (const child of running) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("a Node app gets its tokens verified by the hono backend, which gets a recommendation", async () => {
    const backend = await start(
      process.execPath,
      ["backend.mjs"],
      { ...service.env, PORT: "0" },
      /backend listening on (http:\/\/\S+)/,
    );
    const r = await run(process.execPath, ["app.mjs"], {
      ...service.env,
      BACKEND_URL: backend.match[1],
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /whoami: \{\s*deviceId: 'd_[\w-]+',\s*sessionId: 's_[\w-]+'\s*\}/);
    const decision = /transfer: \{\s*decision: '(\w+)'/.exec(r.out)?.[1];
    assert.ok(DECISIONS.includes(decision), r.out);
  });

  it("the (req, res, next) backend accepts a login token once and refuses a replay", async () => {
    const backend = await start(
      process.execPath,
      ["backend-connect.mjs"],
      { ...service.env, PORT: "0" },
      /backend listening on port (\d+)/,
    );
    // The page's side of the quick start, played from Node by the installed SDK.
    await writeFile(
      join(app, "login-probe.mjs"),
      `import { init } from "device-session/node";
const ds = init({ clientId: "demo", serverPath: process.env.DS_URL + "/", enableSessionToken: true, dir: ".probe" });
const post = async (secureToken) => {
  const r = await fetch("http://127.0.0.1:${backend.match[1]}/api/login", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "alice", password: "…", secureToken }),
  });
  return { status: r.status, body: await r.json() };
};
const login = await ds.getSecureSessionToken("login");
const results = [await post(login), await post(login), await post(await ds.getSecureSessionToken("transaction"))];
await ds.shutdown();
console.log(JSON.stringify(results));
`,
    );
    const r = await run(process.execPath, ["login-probe.mjs"], service.env);
    assert.equal(r.code, 0, r.out);
    const [first, replay, otherAction] = JSON.parse(r.out.trim().split("\n").at(-1));
    assert.equal(first.status, 200, r.out);
    assert.match(first.body.deviceId, /^d_/);
    assert.deepEqual([replay.status, replay.body.code], [409, "ERR_REPLAYED"]);
    assert.deepEqual([otherAction.status, otherAction.body.code], [403, "ERR_ACTION_MISMATCH"]);
  });

  it("the conformance suite passes every MUST check against the demo service", async () => {
    const r = await run("sh", ["-c", QUICKSTARTS.get("conformance").code], service.env);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /every MUST check passed/);
  });

  it("the operator's config starts a service that serves its keys", async () => {
    const svc = await start(
      "sh",
      ["-c", QUICKSTARTS.get("operator").code],
      { DEVICE_SESSION_PORT: "0" },
      /listening on (http:\/\/\S+)[\s\S]*signing keys:/,
    );
    const config = JSON.parse(readFileSync(join(app, "device-session.json"), "utf8"));
    assert.match(config.clients[0].secret_sha256, /^[A-Za-z0-9_-]{43}$/);
    const jwks = await (await fetch(`${svc.match[1]}/.well-known/jwks.json`)).json();
    assert.ok(jwks.keys.length >= 1);
    assert.equal(statSync(join(app, "device-session-keys.json")).mode & 0o777, 0o600);
    process.kill(-svc.child.pid, "SIGTERM");
  });

  it("the browser quick start, bundled by esbuild, gets tokens the backend verifies", {
    skip: e2eSkip(),
  }, async () => {
    const browserService = await demoService(["--public-url", BROWSER_ORIGIN]);
    const bundle = await esbuild.build({
      entryPoints: [join(app, "main.js")],
      absWorkingDir: app,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      splitting: true,
      outdir: join(app, "out"),
      write: false,
      logLevel: "silent",
    });
    const files = new Map(
      bundle.outputFiles.map((f) => [`/app/${f.path.slice(f.path.lastIndexOf("/") + 1)}`, f.text]),
    );
    const { createMemoryReplayStore, verifySecureSessionToken, verifySessionToken } =
      await installed(
        "dist/verify.js",
      );
    const jwks = await (await fetch(`${browserService.listen}/.well-known/jwks.json`)).json();
    const trust = { issuer: BROWSER_ORIGIN, audience: "demo", jwks };
    const replayStore = createMemoryReplayStore();
    const verified = [];

    const context = await launch();
    try {
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e));
      await context.route(`${BROWSER_ORIGIN}/**`, async (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === "/app/") {
          // The module script finishes after main.js has run to its end (top-level await).
          return route.fulfill({
            contentType: "text/html",
            body:
              `<!doctype html><script type="module">import "/app/main.js"; document.title = "done";</script>`,
          });
        }
        if (files.has(url.pathname)) {
          return route.fulfill({ contentType: "text/javascript", body: files.get(url.pathname) });
        }
        if (url.pathname === "/api/transfer") {
          // Your backend's part: both tokens verified locally, as the backend quick start does.
          const headers = route.request().headers();
          const session = await verifySessionToken(headers["ds-session-token"], trust);
          const secure = await verifySecureSessionToken(headers["ds-secure-session-token"], {
            ...trust,
            action: "transaction",
            replayStore,
          });
          verified.push({ session, secure });
          return route.fulfill({ json: { decision: "ALLOW", deviceId: secure.deviceId } });
        }
        const response = await route.fetch({
          url: `${browserService.listen}${url.pathname}${url.search}`,
        });
        return route.fulfill({ response });
      });
      await page.goto(`${BROWSER_ORIGIN}/app/`);
      await Promise.race([
        page.waitForFunction(() => document.title === "done", null, { timeout: 0 }),
        page.waitForEvent("pageerror", { timeout: 0 }).then((e) => Promise.reject(e)),
      ]);
      assert.deepEqual(errors, []);
      assert.equal(verified.length, 1);
      const [{ session, secure }] = verified;
      assert.equal(secure.deviceId, session.deviceId);
      assert.deepEqual(JSON.parse(await page.textContent("body")), {
        decision: "ALLOW",
        deviceId: session.deviceId,
      });
    } finally {
      // The SDK's telemetry may still be on its way through the proxy above: once the test has
      // its answer, a fulfill after the close must not fail it.
      await context.unrouteAll({ behavior: "ignoreErrors" });
      await context.close();
    }
  });
});
