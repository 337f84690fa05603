/**
 * Error catalog and error classes (SPEC §11).
 *
 * @module
 */
export {
  ERROR_CATALOG,
  ERROR_CODES,
  type ErrorCode,
  type ErrorEntry,
  isErrorCode,
} from "./catalog.ts";
export {
  DeviceSessionError,
  type DeviceSessionErrorOptions,
  errorFromCode,
  errorOf,
  InputError,
  ProtocolError,
  SessionError,
  TokenError,
} from "./error.ts";
