// Shared by the conformance tests: our service in-process or on the runtime's loopback server,
// commands that start the reference drivers on the runtime running the tests, and result
// helpers. Server runtimes only: the tests import this file with a computed specifier.
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { CheckResult } from "../../conformance/core/check.ts";
import type { ServiceTarget } from "../../conformance/service/http.ts";
import type { ServiceMutant } from "../../conformance/mutants/service.ts";
import type { Service } from "../../adapters/server/mod.ts";
import type { RunningServer } from "../../adapters/server/serve/types.ts";

/** The repository root (drivers are started from it). */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

export const CLIENT_A = { id: "a", secret: "conformance-secret-a-0123456789" };
export const CLIENT_B = {
  id: "b",
  secret: "conformance-secret-b-0123456789",
  allowedOrigins: ["https://b.example"],
};

const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };

/** The runtime running the tests. */
export const RUNTIME: "node" | "deno" | "bun" = g.Bun !== undefined
  ? "bun"
  : g.Deno !== undefined
  ? "deno"
  : "node";

/** A shell command starting `script` (repo-relative) on this runtime, with `args`. */
export function driverCmd(script: string, args = ""): string {
  const q = (s: string) => `"${s}"`;
  const cmd = RUNTIME === "bun"
    ? `${q(process.execPath)} ${script}`
    : RUNTIME === "deno"
    ? `${q(g.Deno!.execPath())} run -A ${script}`
    : `${q(process.execPath)} --import tsx ${script}`;
  return args === "" ? cmd : `${cmd} ${args}`;
}

/** A service target and how to stop it. */
export interface Started {
  readonly target: ServiceTarget;
  close(): Promise<void>;
}

async function service(
  url: string,
  mutant?: ServiceMutant,
  clock = { skew: 0 },
  o: { testControl?: boolean } = {},
): Promise<Service> {
  const { createService } = await import("../../adapters/server/mod.ts");
  const { webCrypto } = await import("../../adapters/crypto/webcrypto.ts");
  const { MemoryStore } = await import("../../adapters/store/memory.ts");
  let self: Service | null = null;
  return self = await createService({
    publicUrl: url,
    clients: [CLIENT_A, CLIENT_B],
    log: null,
    // Default rate limits: svc.errors.rate-limited exceeds the token endpoint's (60/min).
    now: () => Date.now() + clock.skew,
    testControl: o.testControl ?? true,
    keyRotationS: 7 * 86400, // as `serve --conformance` rotates (svc.jwks.scheduled-rotation)
    ...(mutant?.crypto ? { crypto: mutant.crypto(webCrypto) } : {}),
    // The store runs on the service clock (which test control moves).
    ...(mutant?.store ? { store: mutant.store(new MemoryStore({ now: () => self!.now() })) } : {}),
  });
}

function target(url: string, fetch: (r: Request) => Promise<Response>, clock: { skew: number }) {
  return {
    url,
    clientId: CLIENT_A.id,
    clientSecret: CLIENT_A.secret,
    otherClient: { id: CLIENT_B.id, secret: CLIENT_B.secret },
    fetch,
    advance: (ms: number) => void (clock.skew += ms),
  };
}

/** Our service in-process (its fetch handler), optionally broken by a mutant. */
export async function inProcess(mutant?: ServiceMutant): Promise<Started> {
  const url = "http://service.test";
  const clock = { skew: 0 };
  const s = await service(url, mutant, clock);
  // A peer address as a server would report it: the client IP of SPEC §8.6 (svc.telemetry.client-ip).
  const inner = (r: Request) => s.fetch(r, { remoteAddr: "192.0.2.10" });
  const handler = mutant?.wrap ? mutant.wrap(inner, CLIENT_A) : inner;
  return { target: target(url, handler, clock), close: () => s.close() };
}

async function serveFor() {
  if (RUNTIME === "bun") return (await import("../../adapters/server/serve/bun.ts")).serve;
  if (RUNTIME === "deno") return (await import("../../adapters/server/serve/deno.ts")).serve;
  return (await import("../../adapters/server/serve/node.ts")).serve;
}

/** Our service on this runtime's own server on loopback, reached with the global fetch. */
export async function onLoopback(): Promise<Started> {
  const serve = await serveFor();
  let s: Service | null = null;
  const server: RunningServer = await serve({ port: 0, fetch: (r, info) => s!.fetch(r, info) });
  const clock = { skew: 0 };
  s = await service(server.url, undefined, clock);
  return {
    target: target(server.url, (r) => fetch(r), clock),
    async close() {
      await server.shutdown(2000);
      await s!.close();
    },
  };
}

/** The ids of failed checks (MUST `fail` and SHOULD `warn`), sorted. */
export function failing(results: readonly CheckResult[]): string[] {
  return results.filter((r) => r.status === "fail" || r.status === "warn").map((r) => r.id).sort();
}

/** Failures with their details, for assertion messages. */
export function explain(results: readonly CheckResult[]): string {
  return results.filter((r) => r.status === "fail" || r.status === "warn")
    .map((r) => `${r.id}: ${r.detail}`).join("\n");
}
