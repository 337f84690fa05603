/**
 * What the trace scenarios' checks are made of: effect finders over a recorded trace.
 */
import type { TraceStep } from "../../conformance/trace.ts";
import type { Scenario } from "./trace-sim.ts";

export type Check = (steps: TraceStep[]) => string | null;
export type Named = Scenario & { expect: Check };

export const MIN = 60_000;
export const effects = (steps: TraceStep[]) => steps.flatMap((s) => s.effects);
export const last = (steps: TraceStep[]) => steps[steps.length - 1]!;
export const sends = (steps: TraceStep[], purpose: string) =>
  effects(steps).filter((e) =>
    e.type === "send" && (e.request as { purpose: string }).purpose === purpose
  );
export const emitted = (steps: TraceStep[], type: string) =>
  effects(steps).filter((e) => e.type === "emit" && (e.event as { type: string }).type === type);
export const rejected = (steps: TraceStep[], code: string) =>
  effects(steps).some((e) => e.type === "reject" && e.code === code);
export const resolvedTokens = (steps: TraceStep[]) =>
  effects(steps).filter((e) =>
    e.type === "resolve" && (e.value as { kind: string }).kind === "token"
  );
export const all = (...checks: [boolean, string][]) => checks.find(([ok]) => !ok)?.[1] ?? null;
export const phaseIs = (p: string): Check => (s) =>
  last(s).phase === p ? null : `ends ${last(s).phase}, not ${p}`;
export const input = (type: string, extra: Record<string, unknown> = {}) => ({ type, ...extra });
