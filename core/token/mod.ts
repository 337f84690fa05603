/**
 * Token rules without crypto: canonical base64url, JWS signing input and parsing (SPEC §4).
 *
 * @module
 */
export * from "./base64url.ts";
export * from "./jws.ts";
export * from "./claims.ts";
