/**
 * The driver side of the HTTP contract (`verifier --url`): `GET` answers the hello, `POST` one
 * request (the stdio request without `seq`) with its response (without `seq`). Also a plain
 * fetch handler, so tests can call it in-process.
 *
 * @module
 */
import type { Driver } from "../harness/local.ts";
import type { RunningServer } from "../../adapters/server/serve/types.ts";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

/**
 * The HTTP contract as a fetch handler.
 *
 * @example
 * ```ts
 * import { createVerifierDriver } from "./verifier-handler.ts";
 * declare const req: unknown; // a driver request
 * const handler = httpDriverHandler(createVerifierDriver());
 * await handler(new Request("http://x/", { method: "POST", body: JSON.stringify(req) }));
 * ```
 */
export function httpDriverHandler(driver: Driver): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === "GET") return json(200, driver.hello);
    if (request.method !== "POST") {
      return json(405, { ok: false, error: { code: "ERR_METHOD_NOT_ALLOWED" } });
    }
    let req: Record<string, unknown>;
    try {
      req = await request.json();
    } catch {
      return json(400, { ok: false, error: { code: "ERR_INVALID_BODY", message: "not JSON" } });
    }
    const { seq: _, ...rest } = await driver.handle({ ...req, seq: 0 });
    return json(200, rest);
  };
}

/**
 * Serves a driver over HTTP on loopback (the runtime's `node:http`, which Node, Deno and Bun run).
 *
 * @example
 * ```ts
 * import { createVerifierDriver } from "./verifier-handler.ts";
 * const server = await serveHttpDriver(createVerifierDriver(), { port: 9000 });
 * ```
 */
export async function serveHttpDriver(
  driver: Driver,
  o: { port?: number; hostname?: string } = {},
): Promise<RunningServer> {
  const { serve } = await import("../../adapters/server/serve/node.ts");
  const handler = httpDriverHandler(driver);
  return serve({
    fetch: (r) => handler(r),
    port: o.port ?? 0,
    hostname: o.hostname ?? "127.0.0.1",
  });
}
