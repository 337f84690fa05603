/**
 * Structured request logs: one JSON line per request (method, path without query, status,
 * duration, error code, client). Never a token, a secret, a query string or a body: the query of
 * `GET /v1/backend/recommendation` carries a token.
 *
 * @module
 */

/** One log entry. */
export interface LogEntry {
  readonly time: string;
  readonly level: "info" | "warn" | "error";
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** Receives log entries (`null`: logging off). */
export type Logger = (entry: LogEntry) => void;

/**
 * A logger writing one JSON line per entry to `write` (default `console.log`).
 *
 * @example
 * ```ts
 * const log = jsonLogger();
 * const url = "http://127.0.0.1:8787";
 * log({ time: new Date().toISOString(), level: "info", msg: "listening", url });
 * ```
 */
export function jsonLogger(write: (line: string) => void = (l) => console.log(l)): Logger {
  return (entry) => write(JSON.stringify(entry));
}

/** The fields of a request's log line. */
export interface RequestLog {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string;
  readonly code?: string;
  readonly clientId?: string;
  readonly ip?: string | null;
  /** The client went away mid-body (nothing was answered to anyone). */
  readonly aborted?: boolean;
}

/**
 * The log entry of a finished request: `warn` for 4xx, `error` for 5xx; a request the client
 * abandoned mid-body is `info` "request aborted" (the client's doing, not the service's).
 */
export function requestEntry(r: RequestLog, nowMs: number): LogEntry {
  return {
    time: new Date(nowMs).toISOString(),
    level: r.aborted === true
      ? "info"
      : r.status >= 500
      ? "error"
      : r.status >= 400
      ? "warn"
      : "info",
    msg: r.aborted === true ? "request aborted" : "request",
    method: r.method,
    path: r.path.length > 256 ? `${r.path.slice(0, 256)}…` : r.path,
    status: r.status,
    duration_ms: Math.round(r.durationMs * 1000) / 1000,
    request_id: r.requestId,
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(r.clientId !== undefined ? { client_id: r.clientId } : {}),
    ...(r.ip ? { ip: r.ip } : {}),
  };
}
