/**
 * Checks: a stable id, a level (MUST / SHOULD) and the SPEC section each enforces, and what a
 * run of one produced. The id's first segment names the target (`svc`, `sdk`, `ver`), the second
 * its area (the rows of the summary table); `api` is the black-box SDK profile (`sdk-api`).
 *
 * @module
 */

/** RFC 2119 level of the rule a check enforces. */
export type Level = "MUST" | "SHOULD";

/**
 * Outcome of one check: `fail` is a MUST that failed, `warn` a SHOULD that failed; `incomplete`
 * a MUST that could not run (a prerequisite, a second client or the test-control extension is
 * missing) — never a pass; `skip` a SHOULD that could not run, or a check of an optional profile
 * the implementation does not claim; `xfail` a failure (or a known gap) the expectations file
 * lists (not counted), `xpass` a listed failure that passed.
 */
export type Status = "pass" | "fail" | "warn" | "incomplete" | "skip" | "xfail" | "xpass";

/** The definition of a check. */
export interface CheckDef {
  /** Stable id, e.g. `svc.session.create.proof-replayed`. Never reused for another rule. */
  readonly id: string;
  readonly level: Level;
  /** The SPEC.md section(s) enforced, e.g. `§5.2`. */
  readonly spec: string;
  /** One line: what must hold. */
  readonly title: string;
}

/** What running one check produced. */
export interface CheckResult extends CheckDef {
  readonly status: Status;
  /** Why it failed or was skipped (first failure), or the expectation's reason. */
  readonly detail?: string;
  /** For a check that could not run: what to enable so that it runs. */
  readonly enable?: string;
  readonly durationMs: number;
}

/**
 * Thrown inside a check body: the check fails with this message.
 *
 * @example
 * ```ts
 * throw new CheckFailure("status: expected 201, got 500");
 * ```
 */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

/** Options of {@link CheckSkip} and `Runner.skip`. */
export interface SkipOptions {
  /** What to enable so that the check runs (shown in the report), e.g. `--other-client-id`. */
  readonly enable?: string;
  /**
   * The check belongs to an optional profile the implementation does not claim (a driver
   * capability): `skip`, not `incomplete`, even for a MUST check.
   */
  readonly notApplicable?: boolean;
}

/**
 * Thrown inside a check body: the check cannot run (a capability or prerequisite is missing). A
 * MUST check that cannot run is `incomplete` (the run is not green) unless
 * `notApplicable`.
 *
 * @example
 * ```ts
 * throw new CheckSkip("needs a second client", { enable: "--other-client-id/--other-client-secret" });
 * ```
 */
export class CheckSkip extends Error {
  readonly options: SkipOptions;
  constructor(message: string, options: SkipOptions = {}) {
    super(message);
    this.name = "CheckSkip";
    this.options = options;
  }
}

/**
 * Declares checks from a compact table `{ id: [level, spec, title] }`; the result maps each id to
 * its {@link CheckDef}, so a suite can only run checks it declared.
 *
 * @example
 * ```ts
 * const C = defineChecks({ "svc.config.shape": ["MUST", "§6.1", "config answers 200"] });
 * C["svc.config.shape"].level; // "MUST"
 * ```
 */
export function defineChecks<K extends string>(
  table: Record<K, readonly [Level, string, string]>,
): Record<K, CheckDef> {
  const out = {} as Record<K, CheckDef>;
  for (const id of Object.keys(table) as K[]) {
    const [level, spec, title] = table[id];
    if (!/^(svc|sdk|ver|api)(\.[a-z0-9][a-z0-9-]*)+$/.test(id)) {
      throw new Error(`bad check id ${id}`);
    }
    out[id] = { id, level, spec, title };
  }
  return out;
}

/**
 * The target a check id belongs to (`svc` → `service`, …).
 *
 * @example
 * ```ts
 * targetOf("sdk.refresh.timing"); // "sdk"
 * ```
 */
export function targetOf(id: string): "service" | "sdk" | "verifier" | "sdk-api" {
  const p = id.slice(0, id.indexOf("."));
  return p === "svc" ? "service" : p === "sdk" ? "sdk" : p === "api" ? "sdk-api" : "verifier";
}

/**
 * The summary area of a check id: its first two segments (`svc.session`).
 *
 * @example
 * ```ts
 * areaOf("svc.session.create.proof-replayed"); // "svc.session"
 * ```
 */
export function areaOf(id: string): string {
  return id.split(".").slice(0, 2).join(".");
}

/**
 * Whether results contain a failure that makes the run fail (an unexpected MUST failure).
 *
 * @example
 * ```ts
 * import type { Runner } from "./run.ts";
 * declare const run: Runner;
 * process.exitCode = hasMustFailure(run.results) ? 1 : 0;
 * ```
 */
export function hasMustFailure(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === "fail");
}

/**
 * Whether a MUST check could not run (the run is incomplete, never green).
 *
 * @example
 * ```ts
 * import type { Runner } from "./run.ts";
 * declare const run: Runner;
 * isIncomplete(run.results); // true when e.g. the isolation checks had no second client
 * ```
 */
export function isIncomplete(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === "incomplete");
}
