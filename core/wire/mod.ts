/**
 * Valibot schemas of every message and token of the protocol (SPEC §4–§10).
 *
 * @module
 */
export * from "./primitives.ts";
export * from "./tokens.ts";
export * from "./device.ts";
export * from "./telemetry.ts";
export * from "./backend.ts";
export * from "./recommendation.ts";
export * from "./parse.ts";
export * from "./registry.ts";
