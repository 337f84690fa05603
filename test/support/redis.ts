/**
 * Real `redis-server` processes for tests: one node on a unix socket, or a 3-node Cluster on
 * free loopback ports, each started in a temporary directory (`--save '' --appendonly no`) and
 * stopped by the test. No Docker. `redisSkip()` says why Redis tests cannot run here:
 * in a browser, or without `redis-server` (unless `REQUIRE_REDIS=1`, which makes that a
 * failure, as in CI).
 *
 * Imported dynamically by server-side tests only (node: modules).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** Why Redis tests are skipped here, or `false` (call only outside the browser). */
export function redisSkip(): string | false {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (r.error === undefined && r.status === 0) return false;
  if (process.env.REQUIRE_REDIS === "1") {
    throw new Error("REQUIRE_REDIS=1 but redis-server cannot run: " + String(r.error ?? r.stderr));
  }
  return "skipped: no redis-server";
}

/** A `redis-server` process the test controls. */
export interface RedisServer {
  /** `redis+unix://…` or `redis://127.0.0.1:port`. */
  readonly url: string;
  /** Stops the process (SIGKILL when `hard`); its data survives only with `persist`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again at the same address. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
  /** Runs `redis-cli` against it; answers stdout. */
  cli(...args: string[]): Promise<string>;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (b: Uint8Array) => (out += new TextDecoder().decode(b)));
    child.stderr!.on("data", (b: Uint8Array) => (err += new TextDecoder().decode(b)));
    child.on("error", reject);
    child.on(
      "close",
      (code) =>
        code === 0
          ? resolve(out)
          : reject(new Error(`${cmd} ${args.join(" ")}: ${code} ${err}${out}`)),
    );
  });
}

/** Spawns `redis-server args…` and resolves once it logs that it accepts connections. */
function launch(args: string[]): Promise<{ kill(signal: "SIGTERM" | "SIGKILL"): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const exited = new Promise<void>((r) => child.on("exit", () => r()));
    const onData = (b: Uint8Array) => {
      log += new TextDecoder().decode(b);
      if (/ready to accept connections/i.test(log)) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        resolve({
          kill: async (signal) => {
            child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (b: Uint8Array) => (log += new TextDecoder().decode(b)));
    child.on("error", reject);
    void exited.then(() => reject(new Error(`redis-server exited: ${log.slice(-2000)}`)));
  });
}

const BASE = [
  "--save",
  "",
  "--appendonly",
  "no",
  "--maxmemory-policy",
  "noeviction",
  "--loglevel",
  "notice",
];

/**
 * One `redis-server` on a unix socket in a fresh temporary directory.
 *
 * @example
 * ```ts
 * import { connectRedis } from "../../adapters/store/redis/node-redis.ts";
 * const redis = await startRedis();
 * const store = await connectRedis({ url: redis.url });
 * ```
 */
export async function startRedis(o: { persist?: boolean } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "ds-redis-"));
  const sock = join(dir, "r.sock");
  const args = [
    "--port",
    "0",
    "--unixsocket",
    sock,
    "--unixsocketperm",
    "700",
    "--dir",
    dir,
    ...BASE,
    // Persistence (append-only file, fsync on every write): a stopped server restarts with
    // its data, as a production Redis does.
    ...(o.persist ? ["--appendonly", "yes", "--appendfsync", "always"] : []),
  ];
  let proc: Awaited<ReturnType<typeof launch>> | null = await launch(args);
  const server: RedisServer = {
    url: `redis+unix://${sock}`,
    async stop(hard = false) {
      const p = proc;
      proc = null;
      await p?.kill(hard ? "SIGKILL" : "SIGTERM");
    },
    async start() {
      if (proc === null) proc = await launch(args);
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    cli: (...a) => run("redis-cli", ["-s", sock, ...a]),
  };
  return server;
}

/** A free loopback port `p` whose cluster bus port `p + 10000` is free too. */
async function freeClusterPort(): Promise<number> {
  const bind = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
  for (;;) {
    const p = 20000 + Math.floor(Math.random() * 35000);
    try {
      await bind(p);
      await bind(p + 10000);
      return p;
    } catch { /* taken: try another */ }
  }
}

/** A 3-node Redis Cluster (masters only) on free loopback ports. */
export async function startRedisCluster(): Promise<RedisServer & { readonly ports: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), "ds-cluster-"));
  const nodes: { kill(signal: "SIGTERM" | "SIGKILL"): Promise<void> }[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < 3) {
      const port = await freeClusterPort();
      try {
        nodes.push(
          await launch([
            "--port",
            String(port),
            "--bind",
            "127.0.0.1",
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            join(dir, `nodes-${port}.conf`),
            "--dir",
            dir,
            ...BASE,
          ]),
        );
        ports.push(port);
      } catch { /* lost a race for the port: pick another */ }
    }
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const p of ports) {
      for (let i = 0;; i++) {
        const info = await run("redis-cli", ["-p", String(p), "cluster", "info"]);
        if (info.includes("cluster_state:ok")) break;
        if (i > 400) throw new Error(`cluster not ok on ${p}: ${info}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  } catch (e) {
    await Promise.all(nodes.map((n) => n.kill("SIGKILL")));
    throw e;
  }
  const stop = async () => {
    await Promise.all(nodes.splice(0).map((n) => n.kill("SIGTERM")));
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}`,
    ports,
    stop,
    start: () => Promise.reject(new Error("a cluster is not restarted")),
    dispose: stop,
    cli: (...a) => run("redis-cli", ["-c", "-p", String(ports[0]), ...a]),
  };
}

/**
 * Resolves once `GET /readyz` answers 200 (the store reconnected: node-redis backs off up to
 * 1 s). Polled without a deadline: how long reconnecting takes depends on the machine's load,
 * and the calling test's timeout is the ceiling.
 *
 * @example
 * ```ts
 * await untilReady((path) => fetch(`http://127.0.0.1:8080${path}`));
 * ```
 */
export async function untilReady(get: (path: string) => Promise<Response>): Promise<void> {
  for (;;) {
    const r = await get("/readyz");
    await r.body?.cancel();
    if (r.status === 200) return;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}
