/**
 * The scenarios behind `vectors/session/traces.json`. Each names what it demonstrates and an
 * `expect` check the generator runs on its trace, so a vector never records a behaviour
 * nobody meant.
 */
import type { Named } from "./trace-checks.ts";
import { SESSION_SCENARIOS } from "./trace-scenarios-session.ts";
import { TELEMETRY_SCENARIOS } from "./trace-scenarios-telemetry.ts";

export type { Named } from "./trace-checks.ts";

/** Every scenario, in vector order. */
export const SCENARIOS: Named[] = [...SESSION_SCENARIOS, ...TELEMETRY_SCENARIOS];
