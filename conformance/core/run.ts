/**
 * The runner: executes check bodies one at a time, turns what they throw into results, applies
 * the expectations file, and reports progress as each check ends.
 *
 * @module
 */
import {
  type CheckDef,
  CheckFailure,
  type CheckResult,
  CheckSkip,
  type SkipOptions,
  type Status,
} from "./check.ts";
import { Assert } from "./assert.ts";
import type { Expectations } from "./expect.ts";

/** Options of {@link Runner}. */
export interface RunnerOptions {
  /** Called after each check (progress output). */
  readonly onResult?: (r: CheckResult) => void;
  /** Known failures (`--expect`). */
  readonly expect?: Expectations;
  /** Only run checks whose id starts with one of these prefixes (default: all). */
  readonly only?: readonly string[];
  /** Per-check time limit in ms (default 30000): a hung target fails the check, not the run. */
  readonly checkTimeoutMs?: number;
}

/**
 * Collects results of a run.
 *
 * @example
 * ```ts
 * import { SERVICE_CHECKS as C } from "../service/checks.ts";
 * declare const res: Response;
 * const run = new Runner({ onResult: (r) => console.error(r.id, r.status) });
 * await run.check(C["svc.config.shape"], async (t) => t.equal(res.status, 200, "status"));
 * run.results; // [{ id: "svc.config.shape", status: "pass", … }]
 * ```
 */
export class Runner {
  readonly results: CheckResult[] = [];
  readonly #o: RunnerOptions;

  constructor(options: RunnerOptions = {}) {
    this.#o = options;
  }

  /** Whether `def` is selected by `only`. */
  selected(def: CheckDef): boolean {
    const only = this.#o.only;
    return only === undefined || only.length === 0 ||
      only.some((p) => def.id === p || def.id.startsWith(p.endsWith(".") ? p : `${p}.`));
  }

  /** Runs one check body; answers whether it passed (a skip is not a pass). */
  async check(def: CheckDef, body: (t: Assert) => Promise<void> | void): Promise<boolean> {
    if (!this.selected(def)) return false;
    const t0 = performance.now();
    let status: Status = "pass";
    let detail: string | undefined;
    let skipped: SkipOptions = {};
    const limit = this.#o.checkTimeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(() => body(new Assert())),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new CheckFailure(`no result within ${limit} ms`)),
            limit,
          );
        }),
      ]);
    } catch (e) {
      if (e instanceof CheckSkip) {
        status = skipStatus(def, e.options);
        detail = e.message;
        skipped = e.options;
      } else {
        status = def.level === "MUST" ? "fail" : "warn";
        detail = e instanceof CheckFailure
          ? e.message
          : `error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      }
    } finally {
      clearTimeout(timer);
    }
    const final = this.#record(def, status, detail, performance.now() - t0, skipped.enable);
    return final === "pass" || final === "xpass";
  }

  /**
   * Records a check that cannot run without running it: `incomplete` for a MUST check (unless
   * `notApplicable`), `skip` for a SHOULD.
   */
  skip(def: CheckDef, reason: string, options: SkipOptions = {}): void {
    if (this.selected(def)) {
      this.#record(def, skipStatus(def, options), reason, 0, options.enable);
    }
  }

  #record(
    def: CheckDef,
    status: Status,
    detail: string | undefined,
    ms: number,
    enable: string | undefined,
  ): Status {
    const known = this.#o.expect?.reasonFor(def.id);
    if (known !== undefined) {
      if (status === "fail" || status === "warn") {
        detail = `known failure (${known}): ${detail ?? ""}`;
        status = "xfail";
      } else if (status === "incomplete") {
        detail = `known gap (${known}): ${detail ?? ""}`;
        status = "xfail";
      } else if (status === "pass") {
        detail = `expected to fail (${known}) but passed`;
        status = "xpass";
      }
    }
    const r: CheckResult = {
      ...def,
      status,
      ...(detail !== undefined ? { detail } : {}),
      ...(enable !== undefined && status === "incomplete" ? { enable } : {}),
      durationMs: Math.round(ms),
    };
    this.results.push(r);
    this.#o.onResult?.(r);
    return status;
  }
}

/** A MUST check that cannot run is incomplete unless its profile is not claimed. */
function skipStatus(def: CheckDef, o: SkipOptions): Status {
  return def.level === "MUST" && o.notApplicable !== true ? "incomplete" : "skip";
}
