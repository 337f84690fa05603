/**
 * Light answers: the service's JSON responses kept as a status, a header record and a body
 * string, with the WHATWG `Response` made only when something asks for more than the status. On
 * Node 20 a `Response` with a body costs a web stream and its transferable wrapper, and writing it
 * costs a reader and two reads: more than the rest of a cached telemetry request. The Node
 * `serve` adapter, which says so with {@link LIGHT} in the connection info, writes a light answer
 * straight to the socket; every other caller of `service.fetch` gets a real `Response`
 * ({@link real} at the service's edge). The idea is `@hono/node-server`'s lightweight response.
 *
 * A light answer is a `Response` to anyone holding it (prototype, every member): reading
 * anything but `status`/`ok` (its headers included) makes the real `Response` once, which from
 * then on answers everything.
 *
 * @module
 */
import { forwardToReal } from "../forward.ts";

/** In a `ConnectionInfo`: the caller (the Node `serve` adapter) writes light answers itself. */
export const LIGHT: unique symbol = Symbol.for("device-session.light-answers") as never;

const REAL = Symbol("real");

/** What the Node adapter writes: status, headers (lower-case names) and the body. */
export interface AnswerParts {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

class LightResponse {
  readonly #status: number;
  readonly #headers: Record<string, string>;
  readonly #body: string;
  #real: Response | undefined;

  constructor(status: number, body: string, headers: Record<string, string>) {
    this.#status = status;
    this.#body = body;
    this.#headers = headers;
  }

  get status(): number {
    return this.#status;
  }
  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }
  get headers(): Headers {
    return this[REAL]().headers;
  }

  /** The parts, while no real `Response` was made (after that, it owns headers and body). */
  parts(): AnswerParts | null {
    return this.#real === undefined
      ? { status: this.#status, headers: this.#headers, body: this.#body }
      : null;
  }

  /** Sets headers on the record (or on the real response, once made). */
  set(headers: Record<string, string>): void {
    if (this.#real !== undefined) {
      for (const k in headers) this.#real.headers.set(k, headers[k]!);
    } else Object.assign(this.#headers, headers);
  }

  [REAL](): Response {
    return this.#real ??= new Response(this.#body, {
      status: this.#status,
      headers: this.#headers,
    });
  }
}

// Every other `Response` member (body, json(), clone(), …) reads the real response.
forwardToReal(LightResponse, Response, (self) => self[REAL]());

/**
 * A light answer (see the module comment).
 *
 * @example
 * ```ts
 * const res = answer(200, '{"ok":true}', { "content-type": "application/json" });
 * res.status; // 200, without a real Response
 * ```
 */
export function answer(status: number, body: string, headers: Record<string, string>): Response {
  return new LightResponse(status, body, headers) as unknown as Response;
}

/**
 * The parts of a light answer not yet made real, else `null` (write it as a `Response`).
 *
 * @example
 * ```ts
 * declare const res: Response;
 * const parts = answerParts(res);
 * if (parts !== null) console.log(parts.status, parts.body);
 * ```
 */
export function answerParts(res: Response): AnswerParts | null {
  return res instanceof LightResponse ? res.parts() : null;
}

/**
 * Sets `headers` on a light answer, without making it real; `false` for any other response.
 *
 * @example
 * ```ts
 * declare const res: Response;
 * if (!setAnswerHeaders(res, { vary: "Origin" })) res.headers.set("vary", "Origin");
 * ```
 */
export function setAnswerHeaders(res: Response, headers: Record<string, string>): boolean {
  if (!(res instanceof LightResponse)) return false;
  res.set(headers);
  return true;
}

/**
 * A real `Response` for `res` (a light answer made real; any other response as it is).
 *
 * @example
 * ```ts
 * const res = real(answer(200, "{}", { "content-type": "application/json" }));
 * ```
 */
export function real(res: Response): Response {
  return res instanceof LightResponse ? res[REAL]() : res;
}
