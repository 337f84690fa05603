/**
 * Starts a Worker in workerd, the binary from npm (`workerd`, whose platform package is an
 * optional dependency): bundles the entry with esbuild, writes a generated config next to it
 * ({@link workerdConfig}) and serves it on a free loopback port that workerd reports on its
 * control fd (`--control-fd`, JSON lines). Everything lives in a temporary directory.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Options of {@link startWorkerd}. */
export interface WorkerdOptions {
  /** The Worker's entry module (default `embed/workerd/worker.ts`). */
  readonly entry?: string;
  /** Text bindings (`vars`). */
  readonly vars: Readonly<Record<string, string>>;
  /** Time to wait for workerd to listen (default 30 s). */
  readonly startTimeoutMs?: number;
}

/** A running workerd. */
export interface RunningWorkerd {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What workerd wrote to stderr so far (for failure messages). */
  logs(): string;
  /** Stops workerd and deletes its directory. */
  close(): Promise<void>;
}

/**
 * Bundles `entry` for workerd: ES2022, ESM, no Node built-ins.
 *
 * @example
 * ```ts
 * const js = await bundleWorker("embed/workerd/worker.ts");
 * ```
 */
export async function bundleWorker(entry: string): Promise<string> {
  const r = await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    // The harness's HTTP driver module can also serve on node:http; the Worker never calls that
    // path, and tree shaking drops it once it resolves.
    external: ["*/server/serve/node.ts"],
    write: false,
    logLevel: "silent",
  });
  return r.outputFiles[0]!.text;
}

/**
 * The workerd config (Cap'n Proto text, workerd's native format): the Worker with its text
 * bindings and the `REPLAY` Durable Object namespace (in-memory storage: state lives as long as
 * the process), served on a free loopback port, and an outbound network that may reach loopback
 * (workerd's default allows public addresses only; the test's service listens on 127.0.0.1).
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * await writeFile("config.capnp", workerdConfig({ DS_ISSUER: "http://127.0.0.1:8787" }));
 * ```
 */
export function workerdConfig(vars: Readonly<Record<string, string>>): string {
  const text = Object.entries(vars).map(([k, v]) =>
    `    (name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)}),`
  );
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-01",
  bindings = [
${text.join("\n")}
    (name = "REPLAY", durableObjectNamespace = (className = "ReplayObject")),
  ],
  durableObjectNamespaces = [(className = "ReplayObject", uniqueKey = "device-session-replay")],
  durableObjectStorage = (inMemory = void),
);
`;
}

/**
 * Bundles the Worker, writes its config and starts workerd on a free port.
 *
 * @example
 * ```ts
 * const w = await startWorkerd({ vars: { DS_ISSUER: "http://127.0.0.1:8787" } });
 * await fetch(`${w.url}/verify`);
 * await w.close();
 * ```
 */
export async function startWorkerd(o: WorkerdOptions): Promise<RunningWorkerd> {
  const dir = await mkdtemp(join(tmpdir(), "ds-workerd-"));
  await writeFile(join(dir, "worker.js"), await bundleWorker(o.entry ?? "embed/workerd/worker.ts"));
  await writeFile(join(dir, "config.capnp"), workerdConfig(o.vars));
  const bin = join(ROOT, "node_modules/.bin/workerd");
  const child = spawn(
    bin,
    ["serve", "config.capnp", "--control-fd", "3"],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`workerd did not listen in time:\n${stderr}`)),
        o.startTimeoutMs ?? 30_000,
      );
      let buf = "";
      const control = child.stdio[3] as NodeJS.ReadableStream;
      control.setEncoding("utf8");
      control.on("data", (d: string) => {
        buf += d;
        for (const line of buf.split("\n").slice(0, -1)) {
          const m = JSON.parse(line) as { event?: string; socket?: string; port?: number };
          if (m.event === "listen" && m.socket === "http" && typeof m.port === "number") {
            clearTimeout(timer);
            resolve(m.port);
          }
        }
        buf = buf.slice(buf.lastIndexOf("\n") + 1);
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        reject(new Error(`workerd exited (${code}) before listening:\n${stderr}`));
      });
    });
    return { url: `http://127.0.0.1:${port}`, logs: () => stderr, close: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
