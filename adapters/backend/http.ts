/**
 * One HTTP exchange with the service: timeout, transport failures, the SPEC §6.5 error body
 * turned into a typed error with its catalog code, and the success body checked against its
 * wire schema.
 *
 * Mapping: no answer in time → `ERR_TIMEOUT`; `fetch` failed → `ERR_NETWORK`; an error status
 * with a valid error body → that body's `code` (`errorFromCode`); anything else the protocol
 * does not allow (unexpected status, body not matching its schema) → `ERR_SERVICE`.
 *
 * @module
 */
import type * as v from "valibot";
import {
  type DeviceSessionError,
  ErrorBodySchema,
  errorFromCode,
  safeParseWith,
} from "../../core/mod.ts";
import type { ResolvedBackendOptions } from "./options.ts";

/** One request to the service. */
export interface ServiceRequest<T> {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path relative to the base URL, e.g. `"v1/backend/actions"`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value (sent as `application/json`) or a form (`x-www-form-urlencoded`). */
  readonly body?: unknown;
  /** The one success status the protocol allows for this call (SPEC §7). */
  readonly expect: number;
  /** Schema of the success body; `null` for a body-less answer (204). */
  readonly schema: v.GenericSchema<T> | null;
}

const serviceError = (message: string, details?: Record<string, unknown>): DeviceSessionError =>
  errorFromCode("ERR_SERVICE", message, details === undefined ? undefined : { details });

function encodeBody(body: unknown): { body?: string; type?: string } {
  if (body === undefined) return {};
  if (body instanceof URLSearchParams) {
    return { body: body.toString(), type: "application/x-www-form-urlencoded" };
  }
  return { body: JSON.stringify(body), type: "application/json" };
}

/** The typed error of a non-success answer. */
function errorOf(status: number, text: string, headers: Headers): DeviceSessionError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return serviceError(`the service answered ${status} without an error body`, { status });
  }
  const parsed = safeParseWith(ErrorBodySchema, json);
  if (!parsed.ok) {
    return serviceError(`the service answered ${status} with an invalid error body`, { status });
  }
  const body = parsed.value;
  const details: Record<string, unknown> = { ...body.details };
  const retryAfter = Number(headers.get("retry-after"));
  // Kept as a number so a caller can schedule its retry without parsing headers (SPEC §6.5).
  if (headers.has("retry-after") && Number.isFinite(retryAfter)) details.retryAfter = retryAfter;
  return errorFromCode(body.code, body.message, {
    details: Object.keys(details).length ? details : undefined,
  });
}

/**
 * Sends `request` with `token` as the bearer (when given) and answers the checked body.
 *
 * @example
 * ```ts
 * import { RuleSchema } from "../../core/wire/backend.ts";
 * import type { ResolvedBackendOptions } from "./options.ts";
 * declare const o: ResolvedBackendOptions;
 * declare const accessToken: string;
 * const rule = await send(o, { method: "GET", path: "v1/backend/rules/r_1", expect: 200,
 *   schema: RuleSchema }, accessToken);
 * ```
 */
export async function send<T>(
  o: ResolvedBackendOptions,
  request: ServiceRequest<T>,
  token?: string,
): Promise<T> {
  const url = new URL(request.path, o.base);
  for (const [k, val] of Object.entries(request.query ?? {})) url.searchParams.set(k, val);
  const { body, type } = encodeBody(request.body);
  const headers: Record<string, string> = {
    accept: "application/json",
    ...o.headers,
    ...request.headers,
    ...(type ? { "content-type": type } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  let status: number;
  let text: string;
  let responseHeaders: Headers;
  try {
    // The timer covers the body too: a service that sends headers and then stalls times out.
    const res = await o.fetch(url.href, {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: controller.signal,
      // Backend calls carry the client's credentials explicitly, never ambient cookies.
      credentials: "omit",
      redirect: "error",
    });
    status = res.status;
    responseHeaders = res.headers;
    text = await res.text();
  } catch (e) {
    if (timedOut) {
      throw errorFromCode("ERR_TIMEOUT", `no answer from the service within ${o.timeoutMs} ms`, {
        cause: e,
      });
    }
    throw errorFromCode("ERR_NETWORK", "the request to the service failed", { cause: e });
  } finally {
    clearTimeout(timer);
  }
  if (status !== request.expect) {
    if (status >= 400) throw errorOf(status, text, responseHeaders);
    throw serviceError(`the service answered ${status}, expected ${request.expect}`, { status });
  }
  if (request.schema === null) return undefined as T;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw serviceError(`the service answered ${status} with a body that is not JSON`, { status });
  }
  const parsed = safeParseWith(request.schema, json);
  if (!parsed.ok) {
    throw serviceError(`the service answered an invalid body: ${parsed.message}`, { status });
  }
  return parsed.value;
}
