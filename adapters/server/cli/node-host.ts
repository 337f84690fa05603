/**
 * The CLI's host on Node (and, with its own server, Bun): `node:http` server, `node:crypto`
 * verification, POSIX signals.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { Buffer } from "node:buffer";
import process from "node:process";
import { nodeCrypto, nodeSigner, type PrivateJwk } from "../../crypto/node.ts";
import { serve } from "../serve/node.ts";
import type { CliHost } from "./host.ts";
import { packageVersion } from "./repo.ts";
import { runWorkers, WORKER_ENV } from "./workers.ts";

const readText = (path: string) => readFile(path, "utf8");

/** The Node host of the CLI. */
export async function nodeHost(): Promise<CliHost> {
  return {
    runtime: `node ${process.versions.node}`,
    args: process.argv.slice(2),
    env: process.env,
    readText,
    readTextIfExists: (path) =>
      readText(path).catch((e) => (e?.code === "ENOENT" ? null : Promise.reject(e))),
    makePrivateDir: async (path) => void await mkdir(path, { recursive: true, mode: 0o700 }),
    async readStdin() {
      const chunks: Uint8Array[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Uint8Array);
      return new TextDecoder().decode(Buffer.concat(chunks));
    },
    // A getter: touching process.stdin opens it, which `serve` has no use for.
    get stdinIsTerminal() {
      return process.stdin.isTTY === true;
    },
    async writePrivate(path, text) {
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, path);
    },
    serve,
    crypto: nodeCrypto,
    signer: (jwk, alg) => nodeSigner(alg, jwk as PrivateJwk),
    onShutdownSignal(fn) {
      process.on("SIGINT", () => fn("SIGINT"));
      process.on("SIGTERM", () => fn("SIGTERM"));
    },
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    exit: (code) => process.exit(code),
    version: await packageVersion(readText),
    isWorker: process.env[WORKER_ENV] === "1",
    runWorkers: (n, env) => runWorkers(n, env, null),
  };
}
