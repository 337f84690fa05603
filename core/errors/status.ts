/**
 * The error codes of SPEC §11 and their HTTP statuses, without the meanings (`catalog.ts`), so
 * the device SDK can carry the codes alone.
 *
 * @module
 */

/** The union of every stable error code (SPEC §11), spelled out so it is greppable. */
export type ErrorCode =
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

// deno-fmt-ignore
/**
 * Every code in catalog order (SPEC §11), without its `ERR_` prefix: its family (the error
 * class, error.ts: Input, Token, Session, Protocol) and the HTTP status the service answers it
 * with (`-`: raised on the caller's side only). One string, so the device SDK carries each
 * code once.
 */
const TABLE = `
INVALID_INPUT I -
INVALID_BODY P 400
INVALID_QUERY P 400
BODY_TOO_LARGE P 413
UNSUPPORTED_MEDIA_TYPE P 415
BAD_REQUEST P 400
HEADERS_TOO_LARGE P 431
BATCH_TOO_LARGE P 422
NOT_FOUND P 404
METHOD_NOT_ALLOWED P 405
CONFLICT P 409
RATE_LIMITED P 429
INTERNAL P 500
UNAVAILABLE P 503
UNAUTHENTICATED P 401
FORBIDDEN P 403
CLIENT_UNKNOWN P 404
TOKEN_TOO_LARGE T 401
TOKEN_MALFORMED T 401
TYP_MISMATCH T 401
CRIT_UNSUPPORTED T 401
ALG_NOT_ALLOWED T 401
KEY_UNKNOWN T 401
JWK_INVALID T 401
SIGNATURE_INVALID T 401
CLAIM_MISSING T 401
CLAIM_INVALID T 401
VERSION_UNSUPPORTED T 401
ISSUER_MISMATCH T 401
AUDIENCE_MISMATCH T 403
TOKEN_EXPIRED T 401
TOKEN_NOT_YET_VALID T 401
LIFETIME_EXCEEDED T 401
INNER_TOKEN_INVALID T 401
BINDING_MISMATCH T 401
ACTION_MISMATCH T 403
REPLAYED T 409
PROOF_TARGET_MISMATCH T 401
NONCE_INVALID T 401
KEY_MISMATCH T 401
SESSION_UNKNOWN S 404
SESSION_ENDED S 410
ACTION_UNKNOWN P 404
RULE_UNKNOWN P 404
DISABLED S -
SESSION_TOKEN_DISABLED S -
CLOSED S -
TIMEOUT S -
NETWORK S -
SERVICE S -
KEY_STORE S -
CONFIG I -`;

/** The class family of a code: `I`nput, `T`oken, `S`ession or `P`rotocol (error.ts). */
export type ErrorFamily = "I" | "T" | "S" | "P";

const ROWS = TABLE.trim().split("\n").map((l) => l.split(" ") as [string, ErrorFamily, string]);

/**
 * HTTP status of every code, or `null` for errors raised only on the caller's side.
 *
 * @example
 * ```ts
 * ERROR_STATUS.ERR_REPLAYED; // 409
 * ```
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number | null>> = Object.fromEntries(
  ROWS.map(([c, , s]) => [`ERR_${c}`, s === "-" ? null : Number(s)]),
) as Record<ErrorCode, number | null>;

/**
 * The class family of every code (error.ts picks the class from it).
 *
 * @example
 * ```ts
 * ERROR_FAMILY.ERR_REPLAYED; // "T"
 * ```
 */
export const ERROR_FAMILY: Readonly<Record<ErrorCode, ErrorFamily>> = Object.fromEntries(
  ROWS.map(([c, f]) => [`ERR_${c}`, f]),
) as Record<ErrorCode, ErrorFamily>;
