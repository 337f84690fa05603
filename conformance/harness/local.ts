/**
 * In-process and HTTP transports of the harness protocol. The in-process one passes every message
 * through `JSON.stringify`/`JSON.parse`, so a driver tested in-process sees exactly what it would
 * see on stdio; the HTTP one is the `verifier --url` contract (README, "HTTP verifier").
 *
 * @module
 */
import {
  type HarnessClient,
  type HarnessRequest,
  type HarnessResponse,
  type Hello,
  helloProblem,
  responseProblem,
} from "./protocol.ts";

/** A driver's request handler: one request object (with `seq`) in, one response object out. */
export type DriverHandler = (request: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A driver: its handshake and its request handler. */
export interface Driver {
  readonly hello: Hello;
  readonly handle: DriverHandler;
}

/**
 * A client for a driver running in this process.
 *
 * @example
 * ```ts
 * import { createSdkDriver } from "../drivers/sdk-handler.ts";
 * const { hello, handle } = createSdkDriver();
 * const client = localDriver(hello, handle);
 * ```
 */
export function localDriver(hello: Hello, handle: DriverHandler): HarnessClient {
  const problem = helloProblem(JSON.parse(JSON.stringify(hello)), hello.role);
  if (problem !== null) throw new Error(`handshake refused: ${problem}`);
  let seq = 0;
  return {
    hello,
    async request(req: HarnessRequest): Promise<HarnessResponse> {
      const n = ++seq;
      const wire = JSON.parse(JSON.stringify({ seq: n, ...req }));
      const r = JSON.parse(JSON.stringify(await handle(wire)));
      const p = responseProblem(r, n);
      if (p !== null) throw new Error(`protocol error: ${p}`);
      delete r.seq;
      return r as HarnessResponse;
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}

/** Options of {@link httpDriver}. */
export interface HttpDriverOptions {
  /** The endpoint: `GET` answers the hello, `POST` one request. */
  readonly url: string;
  readonly role: Hello["role"];
  /** `fetch` to use (default: the global one). */
  readonly fetch?: typeof fetch;
  readonly requestTimeoutMs?: number;
}

/**
 * A client for a driver behind an HTTP endpoint (one JSON object per exchange, no `seq`).
 *
 * @example
 * ```ts
 * const client = await httpDriver({ url: "http://127.0.0.1:9000/verify", role: "verifier" });
 * ```
 */
export async function httpDriver(o: HttpDriverOptions): Promise<HarnessClient> {
  const f = o.fetch ?? fetch;
  const signal = () => AbortSignal.timeout(o.requestTimeoutMs ?? 10_000);
  const res = await f(o.url, { signal: signal() });
  if (res.status !== 200) throw new Error(`GET ${o.url} answered ${res.status}`);
  const hello = await res.json();
  const problem = helloProblem(hello, o.role);
  if (problem !== null) throw new Error(`handshake refused: ${problem}`);
  return {
    hello: hello as Hello,
    async request(req: HarnessRequest): Promise<HarnessResponse> {
      const r = await f(o.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(req),
        signal: signal(),
      });
      if (r.status !== 200) throw new Error(`POST ${o.url} answered ${r.status}`);
      const body = await r.json() as Record<string, unknown>;
      const p = responseProblem({ seq: 0, ...body }, 0);
      if (p !== null) throw new Error(`protocol error: ${p}`);
      return body as HarnessResponse;
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}
