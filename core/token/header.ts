/**
 * The common header steps S3–S5 of SPEC §5.1, in order: `typ`, then `crit`, then `alg`.
 *
 * @module
 */
import { errorFromCode } from "../errors/error.ts";
import type { Alg } from "../wire/primitives.ts";
import { TOKEN_TYP, type TokenKind } from "../wire/tokens.ts";

/** The default allow-list of every kind (SPEC §3.3). */
export const DEFAULT_ALGORITHMS: readonly Alg[] = ["EdDSA", "ES256"];

/** Every algorithm v1 knows; an allow-list can only narrow it (never `none`, never a MAC). */
const KNOWN_ALGS: readonly string[] = ["EdDSA", "ES256"];

/**
 * Runs S3 (`typ` is exactly the kind's value), S4 (no `crit`) and S5 (`alg` in the allow-list)
 * on a decoded header, and returns the accepted `alg`.
 *
 * @example
 * ```ts
 * import type { ParsedJws } from "./jws.ts";
 * declare const parsed: ParsedJws;
 * const alg = checkHeader(parsed.header, "session", ["EdDSA"]); // or throws ERR_TYP_MISMATCH, …
 * ```
 */
export function checkHeader(
  header: Readonly<Record<string, unknown>>,
  kind: TokenKind,
  algorithms: readonly Alg[],
): Alg {
  const typ = header.typ;
  if (typ !== TOKEN_TYP[kind]) {
    throw errorFromCode("ERR_TYP_MISMATCH", `typ must be ${TOKEN_TYP[kind]}`, {
      details: { expected: TOKEN_TYP[kind], ...(typeof typ === "string" ? { typ } : {}) },
    });
  }
  // Any value, even [] or null: v1 defines no critical extension (and b64:false needs crit).
  if (Object.hasOwn(header, "crit")) {
    throw errorFromCode("ERR_CRIT_UNSUPPORTED", "crit header is not supported");
  }
  const alg = header.alg;
  if (
    typeof alg !== "string" || !KNOWN_ALGS.includes(alg) || !algorithms.includes(alg as Alg)
  ) {
    throw errorFromCode("ERR_ALG_NOT_ALLOWED", `alg must be one of ${algorithms.join(", ")}`, {
      details: typeof alg === "string" ? { alg } : {},
    });
  }
  return alg as Alg;
}
