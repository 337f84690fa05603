/**
 * The vectors the suite feeds (vectors/session/traces.json, vectors/tokens/*.json), loaded on
 * demand as JSON modules so the package carries them with the suite.
 *
 * @module
 */

/** One trace of `vectors/session/traces.json`. */
export interface TraceVector {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly options: Record<string, unknown>;
  readonly steps: readonly {
    readonly input: Record<string, unknown> & { type: string; now: number; random: string };
    readonly phase: string;
    readonly effects: readonly Record<string, unknown>[];
    readonly deadline: number | null;
  }[];
}

/** A vector file's envelope (Wycheproof style, vectors/README.md). */
export interface VectorFile<T> {
  readonly algorithm: string;
  readonly specVersion: number;
  readonly numberOfTests: number;
  readonly notes: Readonly<Record<string, string>>;
  readonly testGroups: readonly ({ readonly tests: readonly T[] } & Record<string, unknown>)[];
}

/** One test of `vectors/tokens/verify.json`. */
export interface TokenVector {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly token: string;
  readonly now: number;
  readonly result: "valid" | "invalid";
  readonly code?: string;
  readonly cause?: string;
  readonly expected?: Record<string, unknown>;
  readonly [option: string]: unknown;
}

/** One test of `vectors/tokens/thumbprints.json`. */
export interface ThumbprintVector {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly jwk: Record<string, unknown>;
  readonly thumbprint?: string;
  readonly result: "valid" | "invalid";
  readonly code?: string;
}

/**
 * The session trace vectors.
 *
 * @example
 * ```ts
 * const traces = await loadTraces();
 * traces.testGroups[0].tests.length; // 39
 * ```
 */
export async function loadTraces(): Promise<VectorFile<TraceVector>> {
  const m = await import("../vectors/session/traces.json", { with: { type: "json" } });
  return m.default as unknown as VectorFile<TraceVector>;
}

/**
 * The token verification vectors.
 *
 * @example
 * ```ts
 * const v = await loadTokenVectors(); // groups by kind: session, secure, proof, action, access
 * ```
 */
export async function loadTokenVectors(): Promise<VectorFile<TokenVector>> {
  const m = await import("../vectors/tokens/verify.json", { with: { type: "json" } });
  return m.default as unknown as VectorFile<TokenVector>;
}

/**
 * The RFC 7638 thumbprint vectors.
 *
 * @example
 * ```ts
 * const v = await loadThumbprintVectors();
 * ```
 */
export async function loadThumbprintVectors(): Promise<VectorFile<ThumbprintVector>> {
  const m = await import("../vectors/tokens/thumbprints.json", { with: { type: "json" } });
  return m.default as unknown as VectorFile<ThumbprintVector>;
}

/**
 * A vector flag as a check-id segment: `SingleFlight` → `single-flight`.
 *
 * @example
 * ```ts
 * flagSegment("AlgNone"); // "alg-none"
 * ```
 */
export function flagSegment(flag: string): string {
  return flag.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/**
 * The SPEC section a flag's note cites (`… (SPEC §9.5)`), or `fallback`.
 *
 * @example
 * ```ts
 * sectionOf("retries with full jitter (SPEC §9.5)", "§9"); // "§9.5"
 * ```
 */
export function sectionOf(note: string | undefined, fallback: string): string {
  const m = note?.match(/SPEC ((?:§[\d.]+(?:, )?)+)/);
  return m ? m[1]!.replace(/, $/, "") : fallback;
}
