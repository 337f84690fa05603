/**
 * Assertions inside a check body. Each failure throws {@link CheckFailure} with a message that
 * says what was expected and what the target did — the report shows it verbatim.
 *
 * @module
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { validateWire } from "../../core/wire/registry.ts";
import { CheckFailure, CheckSkip, type SkipOptions } from "./check.ts";

/**
 * Short JSON for messages (long values are cut).
 *
 * @example
 * ```ts
 * show({ a: 1 }); // '{"a":1}'
 * ```
 */
export function show(v: unknown, max = 160): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && same(ra[k], rb[k]));
}

/**
 * Structural equality with JSON semantics (member order is free, as SPEC §9.14 asks of checkers).
 *
 * @example
 * ```ts
 * deepEqual({ a: 1, b: [2] }, { b: [2], a: 1 }); // true
 * ```
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  return same(a, b);
}

/**
 * The assertion helper a check body receives.
 *
 * @example
 * ```ts
 * import type { CheckDef } from "./check.ts";
 * import type { Runner } from "./run.ts";
 * declare const run: Runner;
 * declare const def: CheckDef;
 * declare const res: Response, body: unknown;
 * await run.check(def, async (t) => {
 *   t.equal(res.status, 201, "status");
 *   t.wire("CreateSessionResponse", body, "create response");
 * });
 * ```
 */
export class Assert {
  /** Fails the check. */
  fail(message: string): never {
    throw new CheckFailure(message);
  }

  /**
   * The check cannot run (a capability or a prerequisite is missing): `incomplete` for a MUST
   * check unless `notApplicable`, `skip` for a SHOULD.
   */
  skip(reason: string, options: SkipOptions = {}): never {
    throw new CheckSkip(reason, options);
  }

  /** Fails unless `cond` (not an assertion signature: use {@link Assert.need} to narrow). */
  ok(cond: unknown, message: string): void {
    if (!cond) this.fail(message);
  }

  /** Fails unless `actual` equals `expected` (JSON-structural). */
  equal(actual: unknown, expected: unknown, what: string): void {
    if (!same(actual, expected)) {
      this.fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
    }
  }

  /** Fails unless `actual` is one of `allowed`. */
  oneOf(actual: unknown, allowed: readonly unknown[], what: string): void {
    if (!allowed.some((a) => same(a, actual))) {
      this.fail(`${what}: expected one of ${show(allowed)}, got ${show(actual)}`);
    }
  }

  /** Fails unless `lo <= actual <= hi`. */
  between(actual: number, lo: number, hi: number, what: string): void {
    if (!(actual >= lo && actual <= hi)) {
      this.fail(`${what}: ${actual} is not within [${lo}, ${hi}]`);
    }
  }

  /** Validates `value` as the wire message `name` (core/wire registry, by name). */
  wire(name: string, value: unknown, what: string): void {
    try {
      validateWire(name, value);
    } catch (e) {
      const why = e instanceof DeviceSessionError ? `${e.code}: ${e.message}` : String(e);
      this.fail(`${what} is not a valid ${name} (${why}): ${show(value)}`);
    }
  }

  /** A value that must be present to continue (else the check fails). */
  need<T>(value: T | undefined | null, what: string): T {
    if (value === undefined || value === null) this.fail(`${what} is missing`);
    return value;
  }
}
