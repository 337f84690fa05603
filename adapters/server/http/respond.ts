/**
 * Responses: JSON bodies, the SPEC §6.5 error body with its catalog status, and the mapping of
 * anything thrown to a typed answer (an unexpected error is a 500 `ERR_INTERNAL` whose details
 * never reach the client).
 *
 * @module
 */
import {
  DeviceSessionError,
  ERROR_CATALOG,
  type ErrorCode,
  errorFromCode,
} from "../../../core/mod.ts";
import { answer } from "./answer.ts";

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * A JSON response (a light answer: ./answer.ts).
 *
 * @example
 * ```ts
 * const now = Date.now();
 * const res = json(200, { ok: true, time: now }, { "cache-control": "no-store" });
 * ```
 */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  const all: Record<string, string> = { "content-type": JSON_TYPE, "cache-control": "no-store" };
  for (const k in headers) all[k] = headers[k]!;
  return answer(status, JSON.stringify(body), all);
}

/** A thrown value as a catalog error; anything unexpected becomes `ERR_INTERNAL`. */
export function asServiceError(e: unknown): { error: DeviceSessionError; unexpected: boolean } {
  if (e instanceof DeviceSessionError && ERROR_CATALOG[e.code].status !== null) {
    return { error: e, unexpected: false };
  }
  // Codes without a status (ERR_INVALID_INPUT from a function below the handler, ERR_NETWORK
  // from a store, …) are the service's own failure, not the caller's input.
  return { error: errorFromCode("ERR_INTERNAL", "unexpected service failure"), unexpected: true };
}

/**
 * The SPEC §6.5 error response for `error` at `time` (seconds).
 *
 * @example
 * ```ts
 * import { errorFromCode } from "../../../core/errors/error.ts";
 * const res = errorResponse(errorFromCode("ERR_SESSION_ENDED"), Date.now());
 * ```
 */
export function errorResponse(
  error: DeviceSessionError,
  time: number,
  headers: Record<string, string> = {},
): Response {
  const status = ERROR_CATALOG[error.code].status ?? 500;
  const body: Record<string, unknown> = {
    code: error.code,
    message: error.message.slice(0, 1024),
    time,
  };
  if (error.details !== undefined) body.details = error.details;
  return json(status, body, headers);
}

/**
 * Throws the error of `code` (a shorthand for handlers).
 *
 * @example
 * ```ts
 * declare const client: { id: string } | undefined;
 * if (!client) fail("ERR_CLIENT_UNKNOWN", "no such client");
 * ```
 */
export function fail(code: ErrorCode, message?: string, details?: Record<string, unknown>): never {
  throw errorFromCode(code, message, details === undefined ? undefined : { details });
}

/**
 * Rethrows a token verification failure of the backend API with SPEC §7.0's code: a token of
 * another client is 403 `ERR_FORBIDDEN` (the original code in `details.cause`).
 */
export function forbidOtherClient(e: unknown): never {
  if (e instanceof DeviceSessionError) {
    const inner = e.details?.cause;
    if (
      e.code === "ERR_AUDIENCE_MISMATCH" ||
      (e.code === "ERR_INNER_TOKEN_INVALID" && inner === "ERR_AUDIENCE_MISMATCH")
    ) {
      throw errorFromCode("ERR_FORBIDDEN", "the token belongs to another client", {
        details: { cause: "ERR_AUDIENCE_MISMATCH" },
      });
    }
  }
  throw e;
}
