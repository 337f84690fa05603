/**
 * The expectations file (`--expect`): a third party's known failures, each with a reason. A listed
 * check that fails is `xfail` (shown, not counted); one that passes is `xpass` (shown, so the list
 * can be pruned). Format `ds-conformance-expect/1`, schema `conformance/schemas/expect.json`.
 *
 * @module
 */

/** One known failure: an exact check id, or a prefix ending in `.*`. */
export interface ExpectedFailure {
  readonly id: string;
  readonly reason: string;
}

/** The parsed file. */
export interface Expectations {
  readonly entries: readonly ExpectedFailure[];
  /** The reason a check is expected to fail, or `undefined`. */
  reasonFor(id: string): string | undefined;
}

/**
 * The format tag of an expectations file.
 *
 * @example
 * ```ts
 * const file = { format: EXPECT_FORMAT, expectedFailures: [] };
 * ```
 */
export const EXPECT_FORMAT = "ds-conformance-expect/1";

/**
 * Parses an expectations file; throws `Error` naming the first problem.
 *
 * @example
 * ```ts
 * const e = parseExpectations({
 *   format: "ds-conformance-expect/1",
 *   expectedFailures: [{ id: "svc.telemetry.limit-body", reason: "proxy caps bodies at 1 MiB" }],
 * });
 * e.reasonFor("svc.telemetry.limit-body"); // "proxy caps bodies at 1 MiB"
 * ```
 */
export function parseExpectations(json: unknown): Expectations {
  const o = json as { format?: unknown; expectedFailures?: unknown };
  if (typeof o !== "object" || o === null) throw new Error("expectations: not a JSON object");
  if (o.format !== EXPECT_FORMAT) {
    throw new Error(`expectations: format must be "${EXPECT_FORMAT}"`);
  }
  if (!Array.isArray(o.expectedFailures)) {
    throw new Error("expectations: expectedFailures must be an array");
  }
  const entries: ExpectedFailure[] = o.expectedFailures.map((e: unknown, i: number) => {
    const x = e as { id?: unknown; reason?: unknown };
    if (typeof x?.id !== "string" || !/^(svc|sdk|ver)(\.[a-z0-9*][a-z0-9-]*)+$/.test(x.id)) {
      throw new Error(`expectations: expectedFailures[${i}].id is not a check id`);
    }
    if (typeof x.reason !== "string" || x.reason.trim() === "") {
      throw new Error(`expectations: expectedFailures[${i}] (${x.id}) needs a reason`);
    }
    return { id: x.id, reason: x.reason };
  });
  return {
    entries,
    reasonFor(id: string): string | undefined {
      for (const e of entries) {
        if (e.id === id) return e.reason;
        if (e.id.endsWith(".*") && id.startsWith(e.id.slice(0, -1))) return e.reason;
      }
      return undefined;
    },
  };
}

/**
 * Entries that name no known check (typos would otherwise silently match nothing).
 *
 * @example
 * ```ts
 * declare const expectations: Expectations;
 * unknownEntries(expectations, ["svc.config.shape"]); // [{ id: "svc.confg.shape", … }]
 * ```
 */
export function unknownEntries(e: Expectations, ids: readonly string[]): ExpectedFailure[] {
  return e.entries.filter((x) =>
    x.id.endsWith(".*") ? !ids.some((id) => id.startsWith(x.id.slice(0, -1))) : !ids.includes(x.id)
  );
}
