/**
 * The harness protocol `ds-conformance/1` (conformance/README.md, schemas in
 * conformance/schemas/): line-delimited JSON over a driver's stdio (or one JSON object per HTTP
 * exchange for `verifier --url`). The driver speaks first with `hello`; then the suite sends
 * requests carrying `seq` and the driver answers each with a response echoing `seq`.
 *
 * @module
 */

/**
 * The protocol this suite speaks. A driver announcing another one is refused.
 *
 * @example
 * ```ts
 * const hello = { type: "hello", protocol: PROTOCOL, role: "sdk", capabilities: ["machine"] };
 * ```
 */
export const PROTOCOL = "ds-conformance/1";

/**
 * Capabilities of an SDK driver. `machine` is required; `traces` opts into the trace vectors.
 *
 * @example
 * ```ts
 * declare const hello: Hello;
 * hello.capabilities.every((c) => (SDK_CAPABILITIES as readonly string[]).includes(c));
 * ```
 */
export const SDK_CAPABILITIES = ["machine", "traces"] as const;
/**
 * Capabilities of a verifier driver. `verify` is required.
 *
 * @example
 * ```ts
 * declare const hello: Hello;
 * hello.capabilities.includes(VERIFIER_CAPABILITIES[1]); // thumbprint
 * ```
 */
export const VERIFIER_CAPABILITIES = ["verify", "thumbprint"] as const;
/**
 * Capabilities of a black-box SDK driver (role `sdk-api`): `api` (required) is the public SDK API
 * behind `sdk.*` requests, answered concurrently (conformance/README.md, "Black-box SDK drivers").
 *
 * @example
 * ```ts
 * declare const hello: Hello;
 * hello.capabilities.includes(SDK_API_CAPABILITIES[0]); // api
 * ```
 */
export const SDK_API_CAPABILITIES = ["api"] as const;

/** The driver's first line. */
export interface Hello {
  readonly type: "hello";
  readonly protocol: string;
  readonly role: "sdk" | "verifier" | "sdk-api";
  readonly implementation?: { readonly name?: string; readonly version?: string };
  readonly capabilities: readonly string[];
}

/** A request of the suite (`seq` is added by the client). */
export type HarnessRequest =
  | { readonly type: "machine.create"; readonly options: Record<string, unknown> }
  | {
    readonly type: "machine.step";
    readonly machine: string;
    readonly input: Record<string, unknown>;
  }
  | { readonly type: "machine.dispose"; readonly machine: string }
  | {
    readonly type: "verify";
    readonly kind: "proof" | "session" | "secure" | "action" | "access";
    readonly token: string;
    readonly options: Record<string, unknown>;
  }
  | { readonly type: "thumbprint"; readonly jwk: Record<string, unknown> }
  | { readonly type: "shutdown" }
  | ({ readonly type: `sdk.${string}` } & Readonly<Record<string, unknown>>);

/** Per-request options of {@link HarnessClient.request}. */
export interface RequestOptions {
  /** Time allowed for this response, ms (default: the client's). */
  readonly timeoutMs?: number;
}

/** A driver's answer (without `seq`): `ok: false` means the driver could not do the request. */
export type HarnessResponse =
  | ({ readonly ok: true } & Record<string, unknown>)
  | { readonly ok: false; readonly error: { readonly code: string; readonly message?: string } };

/** A connection to a driver, whatever carries it (stdio, HTTP, in-process). */
export interface HarnessClient {
  /** The driver's handshake. */
  readonly hello: Hello;
  /** Sends one request and resolves with its response (rejects on a protocol or I/O failure). */
  request(req: HarnessRequest, options?: RequestOptions): Promise<HarnessResponse>;
  /** Asks the driver to shut down and releases the connection. */
  close(): Promise<void>;
  /** Recent stderr lines of a subprocess driver (for failure messages). */
  stderrTail?(): string;
}

/**
 * Why a `hello` is not acceptable for `role`, or `null`.
 *
 * @example
 * ```ts
 * helloProblem({ type: "hello", protocol: "ds-conformance/1", role: "sdk", capabilities: ["machine"] }, "sdk"); // null
 * ```
 */
export function helloProblem(h: unknown, role: Hello["role"]): string | null {
  const o = h as Partial<Hello>;
  if (typeof o !== "object" || o === null || o.type !== "hello") {
    return `the first line must be {"type":"hello",…}, got ${JSON.stringify(h)?.slice(0, 120)}`;
  }
  if (o.protocol !== PROTOCOL) {
    return `the driver speaks ${JSON.stringify(o.protocol)}; this suite speaks ${PROTOCOL}`;
  }
  if (o.role !== role) return `the driver's role is ${JSON.stringify(o.role)}, expected "${role}"`;
  if (!Array.isArray(o.capabilities) || o.capabilities.some((c) => typeof c !== "string")) {
    return "capabilities must be an array of strings";
  }
  const required = role === "sdk" ? "machine" : role === "sdk-api" ? "api" : "verify";
  if (!o.capabilities.includes(required)) return `capability "${required}" is required`;
  return null;
}

/**
 * Why a response line is malformed for request `seq`, or `null`.
 *
 * @example
 * ```ts
 * responseProblem({ seq: 3, ok: true }, 3); // null
 * ```
 */
export function responseProblem(r: unknown, seq: number): string | null {
  const o = r as { seq?: unknown; ok?: unknown; error?: { code?: unknown } };
  if (typeof o !== "object" || o === null || Array.isArray(o)) return "a response is an object";
  if (o.seq !== seq) return `expected seq ${seq}, got ${JSON.stringify(o.seq)}`;
  if (o.ok !== true && o.ok !== false) return "ok must be true or false";
  if (o.ok === false && typeof o.error?.code !== "string") return "ok:false needs error.code";
  return null;
}
