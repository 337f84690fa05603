/**
 * The CLI on Deno: `Deno.serve`, `node:crypto` verification and signing, Deno's signals.
 *
 * @module
 */
import { nodeCrypto, nodeSigner, type PrivateJwk } from "../../crypto/node.ts";
import { serve } from "../serve/deno.ts";
import type { CliHost } from "./host.ts";
import { main } from "./main.ts";
import { packageVersion, repoDemo } from "./repo.ts";
import { runWorkers, WORKER_ENV } from "./workers.ts";

interface DenoNs {
  readonly args: string[];
  readonly version: { deno: string };
  readonly pid: number;
  readonly mainModule: string;
  execPath(): string;
  env: { toObject(): Record<string, string> };
  readTextFile(path: string): Promise<string>;
  mkdir(path: string, o: { recursive: boolean; mode: number }): Promise<void>;
  readonly stdin: { readonly readable: ReadableStream<Uint8Array>; isTerminal(): boolean };
  writeTextFile(path: string, text: string, o?: { mode?: number }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  addSignalListener(signal: "SIGINT" | "SIGTERM", fn: () => void): void;
  exit(code: number): never;
  readonly errors: { NotFound: new () => Error };
}
const deno = (globalThis as unknown as { Deno: DenoNs }).Deno;
const encoder = new TextEncoder();
const write = (fd: "out" | "err", line: string) => {
  const target = fd === "out" ? "stdout" : "stderr";
  (deno as unknown as Record<string, { writeSync(b: Uint8Array): number }>)[target]!.writeSync(
    encoder.encode(`${line}\n`),
  );
};

const host: CliHost = {
  runtime: `deno ${deno.version.deno}`,
  args: deno.args,
  env: deno.env.toObject(),
  readText: (path) => deno.readTextFile(path),
  readTextIfExists: (path) =>
    deno.readTextFile(path).catch((
      e,
    ) => (e instanceof deno.errors.NotFound ? null : Promise.reject(e))),
  makePrivateDir: (path) => deno.mkdir(path, { recursive: true, mode: 0o700 }),
  readStdin: () => new Response(deno.stdin.readable).text(),
  get stdinIsTerminal() {
    return deno.stdin.isTerminal();
  },
  async writePrivate(path, text) {
    const tmp = `${path}.${deno.pid}.tmp`;
    await deno.writeTextFile(tmp, text, { mode: 0o600 });
    await deno.rename(tmp, path);
  },
  serve,
  // Deno's node:crypto answers synchronously: several times faster than a WebCrypto round trip.
  crypto: nodeCrypto,
  signer: (jwk, alg) => nodeSigner(alg, jwk as PrivateJwk),
  onShutdownSignal(fn) {
    deno.addSignalListener("SIGINT", () => fn("SIGINT"));
    deno.addSignalListener("SIGTERM", () => fn("SIGTERM"));
  },
  out: (line) => write("out", line),
  err: (line) => write("err", line),
  exit: (code) => deno.exit(code),
  version: await packageVersion((p) => deno.readTextFile(p)),
  isWorker: deno.env.toObject()[WORKER_ENV] === "1",
  runWorkers: (n, env) => runWorkers(n, env, deno),
};

await main(host, repoDemo);
