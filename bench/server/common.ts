/**
 * Shared by the server benchmark's parts: command-line options, the runtime, and the service as
 * the CLI runs it.
 *
 * @module
 */
import process from "node:process";
import { createService, MemoryStore, type Service } from "../../server.ts";
import { nodeCrypto, nodeSigner, type PrivateJwk } from "../../adapters/crypto/node.ts";
import type { RunningServer, ServeOptions } from "../../adapters/server/serve/types.ts";

/** `--name=value` from the command line, or `fallback`. */
export const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;

/** The runtime's globals the benchmark looks at. */
export const g = globalThis as {
  Deno?: { version: { deno: string } };
  Bun?: { version: string; gc(full: boolean): void };
  gc?: () => void;
};

/** `node v20…`, `deno 2…` or `bun 1…`. */
export const runtime: string = g.Bun
  ? `bun ${g.Bun.version}`
  : g.Deno
  ? `deno ${g.Deno.version.deno}`
  : `node ${process.version}`;

/** The public URL of in-process services. */
export const BASE = "http://localhost:8787";

/** The runtime's `serve` helper. */
export async function serveFn(): Promise<(o: ServeOptions) => Promise<RunningServer>> {
  if (g.Bun) return (await import("../../adapters/server/serve/bun.ts")).serve;
  if (g.Deno) return (await import("../../adapters/server/serve/deno.ts")).serve;
  return (await import("../../adapters/server/serve/node.ts")).serve;
}

/** node:crypto verification and signing, as the CLI runs the service on all three runtimes. */
export const NODE_CRYPTO = {
  crypto: nodeCrypto,
  signer: (jwk: JsonWebKey, alg: "EdDSA" | "ES256") => nodeSigner(alg, jwk as PrivateJwk),
};

/** A service as the CLI runs it. */
export async function makeService(publicUrl: string): Promise<Service> {
  return await createService({
    publicUrl,
    clients: [{ id: "bench", secret: "bench-secret-0123456789", allowedOrigins: ["*"] }],
    rateLimits: false,
    log: null,
    ...NODE_CRYPTO,
    store: new MemoryStore({ maxReplayIds: 10_000_000 }),
  });
}
