/**
 * The error catalog of SPEC §11: every code, its HTTP status (where the service answers it)
 * and a one-line meaning. Programs compare codes, never messages.
 *
 * @module
 */

/** One entry of the catalog. */
export interface ErrorEntry {
  /** HTTP status the service answers with, or `null` for errors raised only on the caller's side. */
  readonly status: number | null;
  /** One-line meaning, as in SPEC §11. */
  readonly meaning: string;
}

/** Every code of the catalog, spelled out so the type is explicit (JSR) and greppable. */
type ErrorCodeName =
  | "ERR_INVALID_INPUT"
  | "ERR_INVALID_BODY"
  | "ERR_INVALID_QUERY"
  | "ERR_BODY_TOO_LARGE"
  | "ERR_UNSUPPORTED_MEDIA_TYPE"
  | "ERR_BAD_REQUEST"
  | "ERR_HEADERS_TOO_LARGE"
  | "ERR_BATCH_TOO_LARGE"
  | "ERR_NOT_FOUND"
  | "ERR_METHOD_NOT_ALLOWED"
  | "ERR_CONFLICT"
  | "ERR_RATE_LIMITED"
  | "ERR_INTERNAL"
  | "ERR_UNAVAILABLE"
  | "ERR_UNAUTHENTICATED"
  | "ERR_FORBIDDEN"
  | "ERR_CLIENT_UNKNOWN"
  | "ERR_TOKEN_TOO_LARGE"
  | "ERR_TOKEN_MALFORMED"
  | "ERR_TYP_MISMATCH"
  | "ERR_CRIT_UNSUPPORTED"
  | "ERR_ALG_NOT_ALLOWED"
  | "ERR_KEY_UNKNOWN"
  | "ERR_JWK_INVALID"
  | "ERR_SIGNATURE_INVALID"
  | "ERR_CLAIM_MISSING"
  | "ERR_CLAIM_INVALID"
  | "ERR_VERSION_UNSUPPORTED"
  | "ERR_ISSUER_MISMATCH"
  | "ERR_AUDIENCE_MISMATCH"
  | "ERR_TOKEN_EXPIRED"
  | "ERR_TOKEN_NOT_YET_VALID"
  | "ERR_LIFETIME_EXCEEDED"
  | "ERR_INNER_TOKEN_INVALID"
  | "ERR_BINDING_MISMATCH"
  | "ERR_ACTION_MISMATCH"
  | "ERR_REPLAYED"
  | "ERR_PROOF_TARGET_MISMATCH"
  | "ERR_NONCE_INVALID"
  | "ERR_KEY_MISMATCH"
  | "ERR_SESSION_UNKNOWN"
  | "ERR_SESSION_ENDED"
  | "ERR_ACTION_UNKNOWN"
  | "ERR_RULE_UNKNOWN"
  | "ERR_DISABLED"
  | "ERR_SESSION_TOKEN_DISABLED"
  | "ERR_CLOSED"
  | "ERR_TIMEOUT"
  | "ERR_NETWORK"
  | "ERR_SERVICE"
  | "ERR_KEY_STORE"
  | "ERR_CONFIG";

const entry = (status: number | null, meaning: string): ErrorEntry => ({ status, meaning });

/**
 * Every error code with its status and meaning (SPEC §11).
 *
 * @example
 * ```ts
 * import { ERROR_CATALOG } from "device-session";
 * ERROR_CATALOG.ERR_REPLAYED.status; // 409
 * ```
 */
export const ERROR_CATALOG: Readonly<Record<ErrorCodeName, ErrorEntry>> = {
  ERR_INVALID_INPUT: entry(null, "an argument of a public function failed validation"),
  ERR_INVALID_BODY: entry(400, "request body is not valid JSON or does not match its schema"),
  ERR_INVALID_QUERY: entry(400, "a query parameter is missing or invalid"),
  ERR_BODY_TOO_LARGE: entry(413, "request body exceeds its size limit"),
  ERR_UNSUPPORTED_MEDIA_TYPE: entry(415, "request content type is not accepted"),
  ERR_BAD_REQUEST: entry(
    400,
    "the request is not valid HTTP/1.1 (request line, headers or framing)",
  ),
  ERR_HEADERS_TOO_LARGE: entry(431, "the request's header section exceeds the server's limit"),
  ERR_BATCH_TOO_LARGE: entry(422, "telemetry batch has too many events or an event is too large"),
  ERR_NOT_FOUND: entry(404, "no such route"),
  ERR_METHOD_NOT_ALLOWED: entry(405, "route exists, method does not"),
  ERR_CONFLICT: entry(409, "the write conflicts with existing state"),
  ERR_RATE_LIMITED: entry(429, "too many requests; retry after Retry-After"),
  ERR_INTERNAL: entry(500, "unexpected service failure"),
  ERR_UNAVAILABLE: entry(
    503,
    "the service cannot record or read state now (store unreachable or full); retry after Retry-After",
  ),
  ERR_UNAUTHENTICATED: entry(401, "missing or invalid client credentials or access token"),
  ERR_FORBIDDEN: entry(403, "the object belongs to another client, or the origin is not allowed"),
  ERR_CLIENT_UNKNOWN: entry(404, "the client id is not configured"),
  ERR_TOKEN_TOO_LARGE: entry(401, "token longer than 8192 bytes"),
  ERR_TOKEN_MALFORMED: entry(
    401,
    "not three canonical base64url segments of duplicate-free JSON objects",
  ),
  ERR_TYP_MISMATCH: entry(401, "header typ is not the expected token kind"),
  ERR_CRIT_UNSUPPORTED: entry(401, "header carries crit"),
  ERR_ALG_NOT_ALLOWED: entry(401, "alg not allowed, or not matching the key"),
  ERR_KEY_UNKNOWN: entry(401, "kid absent or not in the configured key set"),
  ERR_JWK_INVALID: entry(401, "jwk header missing, malformed, wrong type, or private"),
  ERR_SIGNATURE_INVALID: entry(401, "signature does not verify"),
  ERR_CLAIM_MISSING: entry(401, "a required claim is absent"),
  ERR_CLAIM_INVALID: entry(401, "a claim has the wrong type or format"),
  ERR_VERSION_UNSUPPORTED: entry(401, "ver is not a supported protocol version"),
  ERR_ISSUER_MISMATCH: entry(401, "iss is not the expected issuer"),
  ERR_AUDIENCE_MISMATCH: entry(403, "aud is not the expected client id"),
  ERR_TOKEN_EXPIRED: entry(401, "now is at or past exp plus tolerance"),
  ERR_TOKEN_NOT_YET_VALID: entry(401, "iat is in the future beyond tolerance"),
  ERR_LIFETIME_EXCEEDED: entry(401, "exp - iat is not positive or above the kind's maximum"),
  ERR_INNER_TOKEN_INVALID: entry(401, "the session token inside a secure token failed"),
  ERR_BINDING_MISMATCH: entry(401, "signing key thumbprint differs from the inner cnf.jkt"),
  ERR_ACTION_MISMATCH: entry(403, "the secure token is bound to another action type"),
  ERR_REPLAYED: entry(409, "the jti was already consumed"),
  ERR_PROOF_TARGET_MISMATCH: entry(401, "proof htm/htu do not match the request"),
  ERR_NONCE_INVALID: entry(401, "proof nonce unknown or stale"),
  ERR_KEY_MISMATCH: entry(401, "refresh proof signed by a key other than the session's"),
  ERR_SESSION_UNKNOWN: entry(404, "no such device session"),
  ERR_SESSION_ENDED: entry(410, "the device session reached its absolute or idle lifetime"),
  ERR_ACTION_UNKNOWN: entry(404, "no such action"),
  ERR_RULE_UNKNOWN: entry(404, "no such rule for this client"),
  ERR_DISABLED: entry(null, "the SDK was initialized with enabled: false"),
  ERR_SESSION_TOKEN_DISABLED: entry(
    null,
    "a session token was requested without enableSessionToken",
  ),
  ERR_CLOSED: entry(null, "the SDK was shut down"),
  ERR_TIMEOUT: entry(null, "no answer within the allowed time"),
  ERR_NETWORK: entry(null, "the transport failed"),
  ERR_SERVICE: entry(null, "the service answered something the protocol does not allow"),
  ERR_KEY_STORE: entry(null, "the key store failed or holds a corrupt or foreign key"),
  ERR_CONFIG: entry(null, "invalid configuration"),
};

/** The union of every stable error code (SPEC §11). */
export type ErrorCode = ErrorCodeName;

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
