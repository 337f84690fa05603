/**
 * The service's decision logic (DESIGN §2 `core/service`): session registry rules, telemetry
 * ingest decisions, operator rules, risk signals and recommendations. Pure and synchronous:
 * times come in as arguments; the HTTP layer and the stores live in `adapters/`.
 *
 * @module
 */
export * from "./limits.ts";
export * from "./seqs.ts";
export * from "./session.ts";
export * from "./telemetry.ts";
export * from "./ip.ts";
export * from "./rules.ts";
export * from "./signals.ts";
export * from "./action.ts";
export * from "./recommend.ts";
