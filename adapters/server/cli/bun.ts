/**
 * The CLI on Bun: `Bun.serve`, `node:crypto` verification (Bun implements it natively).
 *
 * @module
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import process from "node:process";
import { nodeCrypto, nodeSigner, type PrivateJwk } from "../../crypto/node.ts";
import { serve } from "../serve/bun.ts";
import type { CliHost } from "./host.ts";
import { main } from "./main.ts";
import { packageVersion, repoDemo } from "./repo.ts";

const readText = (path: string) => readFile(path, "utf8");
const bunVersion = (globalThis as { Bun?: { version?: string } }).Bun?.version ?? "?";

const host: CliHost = {
  runtime: `bun ${bunVersion}`,
  args: process.argv.slice(2),
  env: process.env,
  readText,
  readTextIfExists: (path) =>
    readText(path).catch((e) => (e?.code === "ENOENT" ? null : Promise.reject(e))),
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
};

await main(host, repoDemo);
