/**
 * Telemetry queue and sender rules (SPEC §8).
 *
 * @module
 */
export * from "./queue.ts";
export * from "./sender.ts";
