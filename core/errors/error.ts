/**
 * Error classes: one base class carrying a stable `code` from the catalog, and a subclass per
 * family so callers can `instanceof` broadly and switch on `code` precisely.
 *
 * @module
 */
import { ERROR_CATALOG } from "./catalog.ts";
import { ERROR_FAMILY, ERROR_STATUS, type ErrorCode } from "./status.ts";

/** Options of {@link DeviceSessionError}. */
export interface DeviceSessionErrorOptions {
  /** Structured context (e.g. `cause` code of an inner token, a fresh `nonce`). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The base of every error device-session raises or answers. `code` is stable; `message` is for
 * people (the code itself when none is given: the meanings live in `ERROR_CATALOG`, which the
 * device SDK does not carry); `status` is the HTTP status the service answers it with, or `null`.
 *
 * @example
 * ```ts
 * declare const sdk: { getSessionToken(): Promise<string> };
 * declare function retryLater(): void;
 * try { await sdk.getSessionToken(); } catch (e) {
 *   if (e instanceof DeviceSessionError && e.code === "ERR_TIMEOUT") retryLater();
 * }
 * ```
 */
export class DeviceSessionError extends Error {
  /** Stable code from the catalog (SPEC §11). */
  readonly code: ErrorCode;
  /** HTTP status for this code, or `null` for in-process errors. */
  readonly status: number | null;
  /** Structured context; never contains secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, options: DeviceSessionErrorOptions = {}) {
    super(message ?? code, { cause: options.cause });
    this.name = "DeviceSessionError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }

  /** The JSON error body of SPEC §6.5 (without `time`, which the service adds). */
  toBody(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    const { code, message, details } = this;
    return details === undefined ? { code, message } : { code, message, details };
  }
}

/**
 * Invalid arguments, options or configuration (`ERR_INVALID_INPUT`, `ERR_CONFIG`).
 *
 * @example
 * ```ts
 * throw new InputError("ERR_INVALID_INPUT", "expirationSeconds must be 1..3600");
 * ```
 */
export class InputError extends DeviceSessionError {
  override name = "InputError";
}

/**
 * A token failed verification (SPEC §5).
 *
 * @example
 * ```ts
 * declare const e: unknown;
 * declare function deny(): void;
 * if (e instanceof TokenError && e.code === "ERR_REPLAYED") deny();
 * ```
 */
export class TokenError extends DeviceSessionError {
  override name = "TokenError";
}

/**
 * A request the service rejected at the HTTP level (body, route, auth, limits).
 *
 * @example
 * ```ts
 * throw new ProtocolError("ERR_BODY_TOO_LARGE");
 * ```
 */
export class ProtocolError extends DeviceSessionError {
  override name = "ProtocolError";
}

/**
 * The SDK's state forbids the call, or the transport failed (`ERR_TIMEOUT`, `ERR_CLOSED`, …).
 *
 * @example
 * ```ts
 * throw new SessionError("ERR_CLOSED");
 * ```
 */
export class SessionError extends DeviceSessionError {
  override name = "SessionError";
}

/**
 * Builds the error of the right class for `code` — used when an error crosses a boundary as
 * data (an HTTP error body, a vector, a conformance message). Without a message, the message is
 * the code's meaning from the catalog.
 *
 * @example
 * ```ts
 * const err = errorFromCode("ERR_REPLAYED"); // a TokenError
 * ```
 */
export function errorFromCode(
  code: ErrorCode,
  message?: string,
  options?: DeviceSessionErrorOptions,
): DeviceSessionError {
  return errorOf(code, message ?? ERROR_CATALOG[code].meaning, options);
}

/**
 * Like {@link errorFromCode}, without the catalog's meanings: the device SDK raises its errors
 * with this so that its bundle carries the codes only (the message defaults to the code).
 *
 * @example
 * ```ts
 * throw errorOf("ERR_TIMEOUT", "no token within 10000 ms");
 * ```
 */
export function errorOf(
  code: ErrorCode,
  message?: string,
  options?: DeviceSessionErrorOptions,
): DeviceSessionError {
  const f = ERROR_FAMILY[code];
  return new (f === "I"
    ? InputError
    : f === "T"
    ? TokenError
    : f === "S"
    ? SessionError
    : ProtocolError)(
    code,
    message,
    options,
  );
}
