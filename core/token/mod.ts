/**
 * Token rules without crypto (SPEC §4, §5): canonical base64url, JWS parsing and signing
 * input, claim builders, and the verification procedures, whose crypto, key lookups and replay
 * store are effects a driver in adapters performs.
 *
 * @module
 */
export * from "./base64url.ts";
export * from "./utf8.ts";
export * from "./jws.ts";
export * from "./members.ts";
export * from "./claims.ts";
export * from "./header.ts";
export * from "./jwk.ts";
export * from "./p256.ts";
export * from "./thumbprint.ts";
export * from "./time.ts";
export * from "./checks.ts";
export * from "./effects.ts";
export * from "./results.ts";
export * from "./common-steps.ts";
export * from "./session-claims.ts";
export * from "./service-parts.ts";
export * from "./service-steps.ts";
export * from "./device-steps.ts";
