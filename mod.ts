/**
 * device-session: open fraud-prevention device sessions (SDK, verifier, service).
 *
 * @module
 */

/** Version of the device-session wire protocol implemented by this package. */
export const PROTOCOL_VERSION: string = "1";
