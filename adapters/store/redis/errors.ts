/**
 * How Redis failures surface: every failure to reach Redis or to get an answer in time is a
 * `DeviceSessionError` `ERR_UNAVAILABLE` (503 with `Retry-After`, SPEC §11), so the service
 * fails closed and never answers another 5xx for a store fault.
 *
 * @module
 */
import { type DeviceSessionError, errorFromCode } from "../../../core/errors/mod.ts";

/** Seconds a client is told to wait before retrying after a store fault. */
export const RETRY_AFTER_S = 1;

/**
 * The `ERR_UNAVAILABLE` error for a store fault, with the underlying error as `cause`.
 *
 * @example
 * ```ts
 * throw storeUnavailable(new Error("ECONNREFUSED"));
 * ```
 */
export function storeUnavailable(cause: unknown, retryAfterS = RETRY_AFTER_S): DeviceSessionError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return errorFromCode("ERR_UNAVAILABLE", `store unavailable: ${why.slice(0, 200)}`, {
    details: { retry_after_s: retryAfterS },
    cause,
  });
}

/** Whether a rejection is the Redis error reply `prefix` (e.g. `NOSCRIPT`). */
export function isReplyError(e: unknown, prefix: string): boolean {
  return e instanceof Error && e.message.startsWith(prefix);
}

/**
 * Rejects with `ERR_UNAVAILABLE` when `p` has not settled within `ms` (the command timeout);
 * otherwise settles as `p`, with any rejection mapped to `ERR_UNAVAILABLE`.
 */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).then(
    (v) => {
      clearTimeout(timer);
      return v;
    },
    (e) => {
      clearTimeout(timer);
      throw storeUnavailable(e);
    },
  );
}
