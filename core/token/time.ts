/**
 * Time checks (SPEC §4.7, §5.2 step 6). Every time is integer seconds; `now` is an input.
 *
 * @module
 */
import { errorFromCode } from "../errors/error.ts";

/** Default verifier clock tolerance, seconds (SPEC §12). */
export const DEFAULT_CLOCK_TOLERANCE = 30;
/** Largest clock tolerance a verifier may be configured with, seconds (SPEC §12). */
export const MAX_CLOCK_TOLERANCE = 300;
/** Proof `iat` window (SPEC §5.2 step 6): this far in the past … */
export const PROOF_MAX_AGE_S = 60;
/** … and this far in the future. */
export const PROOF_MAX_SKEW_S = 10;
/** How long a proof `jti` is remembered (SPEC §5.2 step 9). */
export const PROOF_JTI_RETENTION_S = 120;
/**
 * How far a replay store's clock may run ahead of a verifier's, seconds (SPEC §5.7.1): a store
 * expires records by its own clock, so records are kept this much longer.
 */
export const REPLAY_SKEW_MARGIN_S = 60;

/**
 * Until when a secure token's `jti` is recorded (SPEC §5.7.1): `exp` plus the largest tolerance
 * any verifier may use plus the skew margin, whatever this verifier's own tolerance. A store
 * shared by verifiers with different tolerances, or running its clock ahead, still remembers
 * the id for as long as any of them could accept the token.
 *
 * @example
 * ```ts
 * secureReplayUntil(1_767_225_900); // 1_767_226_260
 * ```
 */
export function secureReplayUntil(exp: number): number {
  return exp + MAX_CLOCK_TOLERANCE + REPLAY_SKEW_MARGIN_S;
}

/** Inputs of {@link checkTimes}. */
export interface TimeCheck {
  /** The token's `iat`. */
  readonly iat: number;
  /** The token's `exp`. */
  readonly exp: number;
  /** Verifier time, seconds. */
  readonly now: number;
  /** Clock tolerance, seconds. */
  readonly tolerance: number;
  /** Largest allowed `exp − iat` for the kind. */
  readonly maxLifetime: number;
}

/**
 * SPEC §4.7 in order: lifetime (`ERR_LIFETIME_EXCEEDED`), then `iat` in the future beyond
 * tolerance (`ERR_TOKEN_NOT_YET_VALID`), then expiry (`ERR_TOKEN_EXPIRED`).
 *
 * @example
 * ```ts
 * import type { SessionClaims } from "../wire/tokens.ts";
 * declare const claims: SessionClaims;
 * declare const now: number; // epoch seconds, from the caller's clock (the core has none)
 * checkTimes({ iat: claims.iat, exp: claims.exp, now, tolerance: 30, maxLifetime: 3600 });
 * ```
 */
export function checkTimes(t: TimeCheck): void {
  const lifetime = t.exp - t.iat;
  if (lifetime <= 0 || lifetime > t.maxLifetime) {
    throw errorFromCode("ERR_LIFETIME_EXCEEDED", `exp - iat must be in 1..${t.maxLifetime}`, {
      details: { lifetime, max: t.maxLifetime },
    });
  }
  if (t.iat > t.now + t.tolerance) {
    throw errorFromCode("ERR_TOKEN_NOT_YET_VALID", "token iat is in the future");
  }
  if (t.now >= t.exp + t.tolerance) throw errorFromCode("ERR_TOKEN_EXPIRED", "token expired");
}

/**
 * SPEC §5.2 step 6: a proof's `iat` is at most 10 s ahead of and 60 s behind `now`.
 *
 * @example
 * ```ts
 * import type { ProofClaims } from "../wire/tokens.ts";
 * declare const claims: ProofClaims;
 * declare const now: number; // epoch seconds, from the caller's clock
 * checkProofTime(claims.iat, now);
 * ```
 */
export function checkProofTime(iat: number, now: number): void {
  if (iat > now + PROOF_MAX_SKEW_S) {
    throw errorFromCode("ERR_TOKEN_NOT_YET_VALID", "proof iat is in the future");
  }
  if (iat < now - PROOF_MAX_AGE_S) {
    throw errorFromCode("ERR_TOKEN_EXPIRED", "the proof is older than its 60 s window");
  }
}
