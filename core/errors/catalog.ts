/**
 * The error catalog of SPEC §11: every code, its HTTP status (where the service answers it,
 * `status.ts`) and a one-line meaning. Programs compare codes, never messages.
 *
 * @module
 */
import { ERROR_STATUS, type ErrorCode } from "./status.ts";

export type { ErrorCode } from "./status.ts";

/** One entry of the catalog. */
export interface ErrorEntry {
  /** HTTP status the service answers with, or `null` for errors raised only on the caller's side. */
  readonly status: number | null;
  /** One-line meaning, as in SPEC §11. */
  readonly meaning: string;
}

/** One-line meaning of every code, as in SPEC §11. */
const MEANINGS: Readonly<Record<ErrorCode, string>> = {
  ERR_INVALID_INPUT: "an argument of a public function failed validation",
  ERR_INVALID_BODY: "request body is not valid JSON or does not match its schema",
  ERR_INVALID_QUERY: "a query parameter is missing or invalid",
  ERR_BODY_TOO_LARGE: "request body exceeds its size limit",
  ERR_UNSUPPORTED_MEDIA_TYPE: "request content type is not accepted",
  ERR_BAD_REQUEST: "the request is not valid HTTP/1.1 (request line, headers or framing)",
  ERR_HEADERS_TOO_LARGE: "the request's header section exceeds the server's limit",
  ERR_BATCH_TOO_LARGE: "telemetry batch has too many events or an event is too large",
  ERR_NOT_FOUND: "no such route",
  ERR_METHOD_NOT_ALLOWED: "route exists, method does not",
  ERR_CONFLICT: "the write conflicts with existing state",
  ERR_RATE_LIMITED: "too many requests; retry after Retry-After",
  ERR_INTERNAL: "unexpected service failure",
  ERR_UNAVAILABLE:
    "the service cannot record or read state now (store unreachable or full); retry after Retry-After",
  ERR_UNAUTHENTICATED: "missing or invalid client credentials or access token",
  ERR_FORBIDDEN: "the object belongs to another client, or the origin is not allowed",
  ERR_CLIENT_UNKNOWN: "the client id is not configured",
  ERR_TOKEN_TOO_LARGE: "token longer than 8192 bytes",
  ERR_TOKEN_MALFORMED: "not three canonical base64url segments of duplicate-free JSON objects",
  ERR_TYP_MISMATCH: "header typ is not the expected token kind",
  ERR_CRIT_UNSUPPORTED: "header carries crit",
  ERR_ALG_NOT_ALLOWED: "alg not allowed, or not matching the key",
  ERR_KEY_UNKNOWN: "kid absent or not in the configured key set",
  ERR_JWK_INVALID: "jwk header missing, malformed, wrong type, or private",
  ERR_SIGNATURE_INVALID: "signature does not verify",
  ERR_CLAIM_MISSING: "a required claim is absent",
  ERR_CLAIM_INVALID: "a claim has the wrong type or format",
  ERR_VERSION_UNSUPPORTED: "ver is not a supported protocol version",
  ERR_ISSUER_MISMATCH: "iss is not the expected issuer",
  ERR_AUDIENCE_MISMATCH: "aud is not the expected client id",
  ERR_TOKEN_EXPIRED: "now is at or past exp plus tolerance",
  ERR_TOKEN_NOT_YET_VALID: "iat is in the future beyond tolerance",
  ERR_LIFETIME_EXCEEDED: "exp - iat is not positive or above the kind's maximum",
  ERR_INNER_TOKEN_INVALID: "the session token inside a secure token failed",
  ERR_BINDING_MISMATCH: "signing key thumbprint differs from the inner cnf.jkt",
  ERR_ACTION_MISMATCH: "the secure token is bound to another action type",
  ERR_REPLAYED: "the jti was already consumed",
  ERR_PROOF_TARGET_MISMATCH: "proof htm/htu do not match the request",
  ERR_NONCE_INVALID: "proof nonce unknown or stale",
  ERR_KEY_MISMATCH: "refresh proof signed by a key other than the session's",
  ERR_SESSION_UNKNOWN: "no such device session",
  ERR_SESSION_ENDED: "the device session reached its absolute or idle lifetime",
  ERR_ACTION_UNKNOWN: "no such action",
  ERR_RULE_UNKNOWN: "no such rule for this client",
  ERR_DISABLED: "the SDK was initialized with enabled: false",
  ERR_SESSION_TOKEN_DISABLED: "a session token was requested without enableSessionToken",
  ERR_CLOSED: "the SDK was shut down",
  ERR_TIMEOUT: "no answer within the allowed time",
  ERR_NETWORK: "the transport failed",
  ERR_SERVICE: "the service answered something the protocol does not allow",
  ERR_KEY_STORE: "the key store failed or holds a corrupt or foreign key",
  ERR_CONFIG: "invalid configuration",
};

/**
 * Every error code with its status and meaning (SPEC §11).
 *
 * @example
 * ```ts
 * import { ERROR_CATALOG } from "device-session/core";
 * ERROR_CATALOG.ERR_REPLAYED.status; // 409
 * ```
 */
export const ERROR_CATALOG: Readonly<Record<ErrorCode, ErrorEntry>> = Object.fromEntries(
  Object.entries(ERROR_STATUS).map(([code, status]) => [
    code,
    { status, meaning: MEANINGS[code as ErrorCode] },
  ]),
) as Record<ErrorCode, ErrorEntry>;

/** Every code, in catalog order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_CATALOG) as ErrorCode[];

/**
 * Whether `value` is one of the catalog's codes.
 *
 * @example
 * ```ts
 * isErrorCode("ERR_REPLAYED"); // true
 * isErrorCode("ERR_NOPE"); // false
 * ```
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CATALOG, value);
}
