/**
 * What the CLI needs from its runtime, bound by the runtime's entry (`node.ts`, `deno.ts`,
 * `bun.ts`): the CLI itself never looks at globals.
 *
 * @module
 */
import type { Alg } from "../../../core/mod.ts";
import type { TokenSigner, VerifyCrypto } from "../../crypto/types.ts";
import type { RunningServer, ServeOptions } from "../serve/types.ts";

/** The runtime, as the CLI uses it. */
export interface CliHost {
  /** `node`, `deno` or `bun` (for the banner). */
  readonly runtime: string;
  /** Arguments after the script. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readText(path: string): Promise<string>;
  /** Reads a file, or `null` when it does not exist. */
  readTextIfExists(path: string): Promise<string | null>;
  /** Creates a directory and its missing parents, readable only by the owner (mode 0700). */
  makePrivateDir(path: string): Promise<void>;
  /** All of stdin, as text. */
  readStdin(): Promise<string>;
  /** Whether stdin is a terminal (nothing piped in). */
  readonly stdinIsTerminal: boolean;
  /** Writes a file readable only by the owner (mode 0600), atomically where possible. */
  writePrivate(path: string, text: string): Promise<void>;
  /** The runtime's server. */
  serve(options: ServeOptions): Promise<RunningServer>;
  /** Faster verification crypto, if the runtime has one (node:crypto). */
  readonly crypto?: VerifyCrypto;
  /** Faster signing of service keys, if the runtime has it (node:crypto). */
  readonly signer?: (privateJwk: JsonWebKey, alg: Alg) => TokenSigner;
  /** Calls `fn` once on SIGINT or SIGTERM. */
  onShutdownSignal(fn: (signal: string) => void): void;
  /** A line to stdout / stderr. */
  out(line: string): void;
  err(line: string): void;
  exit(code: number): never;
  /** The package version. */
  readonly version: string;
  /** This process is a worker started by `--workers` (it serves; it does not supervise). */
  readonly isWorker: boolean;
  /**
   * Starts `n` worker processes running this command with `env` added, and resolves when all
   * have exited; `stop` forwards a shutdown signal to them.
   */
  runWorkers(n: number, env: Record<string, string>): { exited: Promise<number>; stop(): void };
}
