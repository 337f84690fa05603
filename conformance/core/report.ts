/**
 * Reports of a run: the human summary table (per area), JSON (`ds-conformance-report/1`) and TAP
 * version 13. The exit code is 1 when any MUST check failed unexpectedly, 3 when none failed but
 * a MUST check could not run (incomplete) and incomplete runs are not allowed, else 0.
 *
 * @module
 */
import { areaOf, type CheckResult, hasMustFailure, isIncomplete, type Status } from "./check.ts";

/** How a run is judged. */
export interface JudgeOptions {
  /** Accept a run in which MUST checks could not run (`--allow-incomplete`): exit code 0. */
  readonly allowIncomplete?: boolean;
}

/** What the report says about the implementation (from its handshake, or the URL). */
export interface RunInfo {
  readonly target: "service" | "sdk" | "verifier" | "sdk-api";
  /** `--url` or `--cmd`. */
  readonly subject: string;
  readonly implementation?: { readonly name?: string; readonly version?: string };
  readonly startedAt: string;
  readonly durationMs: number;
}

/** Counts per status. */
export type Counts = Record<Status, number>;

const STATUSES: readonly Status[] = [
  "pass",
  "fail",
  "incomplete",
  "warn",
  "skip",
  "xfail",
  "xpass",
];

function zero(): Counts {
  return { pass: 0, fail: 0, incomplete: 0, warn: 0, skip: 0, xfail: 0, xpass: 0 };
}

/**
 * Counts per area and in total.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const results: CheckResult[];
 * summarize(results).total.fail; // 0
 * ```
 */
export function summarize(
  results: readonly CheckResult[],
): { areas: { area: string; counts: Counts }[]; total: Counts } {
  const areas = new Map<string, Counts>();
  const total = zero();
  for (const r of results) {
    const a = areaOf(r.id);
    if (!areas.has(a)) areas.set(a, zero());
    areas.get(a)![r.status]++;
    total[r.status]++;
  }
  return { areas: [...areas].map(([area, counts]) => ({ area, counts })), total };
}

/**
 * The exit code of a run: 1 on any unexpected MUST failure; else 3 when a MUST check could not
 * run (unless `allowIncomplete`); else 0.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const results: CheckResult[];
 * process.exitCode = exitCode(results, { allowIncomplete: false });
 * ```
 */
export function exitCode(results: readonly CheckResult[], o: JudgeOptions = {}): number {
  if (hasMustFailure(results)) return 1;
  return isIncomplete(results) && o.allowIncomplete !== true ? 3 : 0;
}

/**
 * What to enable so that the incomplete checks run: each hint with the checks it enables (checks
 * without a hint are listed under their reason).
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const results: CheckResult[];
 * toEnable(results); // [{ enable: "--other-client-id/…", checks: ["svc.isolation.rules", …] }]
 * ```
 */
export function toEnable(
  results: readonly CheckResult[],
): { enable: string; checks: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of results.filter((r) => r.status === "incomplete")) {
    const key = r.enable ?? `fix the prerequisite: ${r.detail ?? "unknown"}`;
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  return [...groups].map(([enable, checks]) => ({ enable, checks }));
}

function verdict(results: readonly CheckResult[], total: Counts, o: JudgeOptions): string {
  if (total.fail > 0) return `${total.fail} MUST check(s) FAILED`;
  if (total.incomplete > 0) {
    return `INCOMPLETE: ${total.incomplete} MUST check(s) did not run` +
      (o.allowIncomplete ? " (allowed by --allow-incomplete)" : "") +
      `; ${total.pass} passed`;
  }
  return results.length === 0 ? "no check ran" : "every MUST check passed";
}

/**
 * The summary table, then every failure, warning and unexpected pass with its detail.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const results: CheckResult[];
 * declare const info: RunInfo;
 * console.log(textReport(results, info));
 * ```
 */
export function textReport(
  results: readonly CheckResult[],
  info: RunInfo,
  o: JudgeOptions = {},
): string {
  const { areas, total } = summarize(results);
  const width = Math.max(8, ...areas.map((a) => a.area.length));
  const col = (s: Status) => Math.max(5, s.length);
  const head = ["area".padEnd(width), ...STATUSES.map((s) => s.padStart(col(s)))].join("  ");
  const row = (name: string, c: Counts) =>
    [name.padEnd(width), ...STATUSES.map((s) => String(c[s]).padStart(col(s)))].join("  ");
  const impl = info.implementation?.name
    ? ` — ${info.implementation.name} ${info.implementation.version ?? ""}`.trimEnd()
    : "";
  const lines = [
    `device-session conformance: ${info.target} ${info.subject}${impl}`,
    "",
    head,
    "-".repeat(head.length),
    ...areas.map((a) => row(a.area, a.counts)),
    "-".repeat(head.length),
    row("total", total),
    "",
  ];
  const notable = results.filter((r) => r.status !== "pass" && r.status !== "skip");
  for (const r of notable) {
    lines.push(`${r.status.toUpperCase().padEnd(5)} ${r.id} [${r.level} ${r.spec}] ${r.title}`);
    if (r.detail) lines.push(`      ${r.detail}`);
  }
  const enable = toEnable(results);
  if (enable.length > 0) {
    lines.push("", "To run the incomplete MUST checks:");
    for (const g of enable) lines.push(`  - ${g.enable}: ${g.checks.join(", ")}`);
    lines.push("");
  }
  lines.push(
    `${results.length} checks in ${(info.durationMs / 1000).toFixed(1)} s: ` +
      verdict(results, total, o) +
      (total.warn ? `, ${total.warn} SHOULD warning(s)` : "") +
      (total.xpass ? `, ${total.xpass} unexpected pass(es)` : ""),
  );
  return lines.join("\n");
}

/**
 * The JSON report (`ds-conformance-report/1`, schema `conformance/schemas/report.json`).
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const results: CheckResult[];
 * declare const info: RunInfo;
 * const json = jsonReport(results, info); // { format, target, summary, checks, exitCode, … }
 * ```
 */
export function jsonReport(
  results: readonly CheckResult[],
  info: RunInfo,
  o: JudgeOptions = {},
): object {
  const { areas, total } = summarize(results);
  return {
    format: "ds-conformance-report/1",
    ...info,
    exitCode: exitCode(results, o),
    allowIncomplete: o.allowIncomplete === true,
    summary: { total, areas },
    toEnable: toEnable(results),
    checks: results,
  };
}

const tapEscape = (s: string) => s.replace(/\\/g, "\\\\").replace(/#/g, "\\#").replace(/\n/g, " ");

/**
 * TAP version 13: SHOULD failures, known failures and unexpected passes are `TODO` (they never
 * fail a TAP consumer); skips are `SKIP`; an incomplete MUST check is `not ok` (a run is never
 * green by skipping a MUST) unless `allowIncomplete`, where it is `SKIP`.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const results: CheckResult[];
 * console.log(tapReport(results)); // "TAP version 13\n1..57\nok 1 - svc.config.shape …"
 * ```
 */
export function tapReport(results: readonly CheckResult[], o: JudgeOptions = {}): string {
  const lines = ["TAP version 13", `1..${results.length}`];
  results.forEach((r, i) => {
    const name = `${r.id} [${r.level} ${r.spec}] ${tapEscape(r.title)}`;
    const detail = tapEscape(
      `${r.detail ?? ""}${r.enable !== undefined ? ` (to run it: ${r.enable})` : ""}`,
    );
    const allowed = r.status === "incomplete" && o.allowIncomplete === true;
    const ok = r.status === "pass" || r.status === "skip" || r.status === "xpass" || allowed;
    const directive = r.status === "skip" || allowed
      ? ` # SKIP ${detail}`
      : r.status === "warn"
      ? ` # TODO SHOULD: ${detail}`
      : r.status === "xfail" || r.status === "xpass"
      ? ` # TODO ${detail}`
      : "";
    lines.push(`${ok ? "ok" : "not ok"} ${i + 1} - ${name}${directive}`);
    if (r.status === "fail" || (r.status === "incomplete" && !allowed)) {
      lines.push("  ---", `  message: ${JSON.stringify(detail)}`, "  ...");
    }
  });
  return lines.join("\n");
}

/**
 * One progress line for a finished check.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * declare const result: CheckResult;
 * progressLine(result); // "  ✓ svc.config.shape"
 * ```
 */
export function progressLine(r: CheckResult): string {
  const mark: Record<Status, string> = {
    pass: "✓",
    fail: "✗",
    warn: "!",
    incomplete: "…",
    skip: "-",
    xfail: "x",
    xpass: "?",
  };
  const tail = r.status === "pass" ? "" : ` (${r.status}${r.detail ? `: ${r.detail}` : ""})`;
  return `  ${mark[r.status]} ${r.id}${tail.length > 200 ? `${tail.slice(0, 199)}…)` : tail}`;
}
