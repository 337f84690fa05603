/**
 * The pure, synchronous core of device-session: wire schemas, the error catalog, the client
 * state machines and the token rules. It touches no clock, randomness, crypto or I/O.
 *
 * @module
 */
export * from "./errors/mod.ts";
export * from "./wire/mod.ts";
export * from "./token/mod.ts";
export * from "./telemetry/mod.ts";
export * from "./session/mod.ts";
