/**
 * Deliberately broken verifiers for the suite's self-test: each wraps the real verification and
 * waves one kind of failure through. Selected in the reference driver with `--mutant <name>`.
 *
 * @module
 */
import { decodeBase64Url } from "../../core/token/base64url.ts";
import { decodeUtf8 } from "../../core/token/utf8.ts";

/** What a verification produced, as the harness protocol answers it. */
export type Outcome =
  | { valid: true; result: Record<string, unknown> }
  | { valid: false; code: string; cause?: string };

/** A wrapper around one verification. */
export type VerifierMutant = (
  kind: string,
  token: string,
  verify: () => Promise<Outcome>,
) => Promise<Outcome>;

const accepted: Outcome = { valid: true, result: {} };

function header(token: string): Record<string, unknown> {
  try {
    const bytes = decodeBase64Url(token.split(".")[0]!);
    const h = bytes === null ? null : JSON.parse(decodeUtf8(bytes) ?? "");
    return typeof h === "object" && h !== null ? h : {};
  } catch {
    return {};
  }
}

function headerAlg(token: string): unknown {
  return header(token).alg;
}

/** A well-formed Ed25519 jwk (kty, crv and a 32-byte x, nothing else), weak or not. */
function plainEd25519Jwk(token: string): boolean {
  const jwk = header(token).jwk as Record<string, unknown> | undefined;
  if (typeof jwk !== "object" || jwk === null) return false;
  const x = typeof jwk.x === "string" ? decodeBase64Url(jwk.x) : null;
  return jwk.kty === "OKP" && jwk.crv === "Ed25519" && x?.length === 32 &&
    Object.keys(jwk).length === 3;
}

/** Accepts a token once the real verifier has failed it with `code`. */
const waive = (code: string): VerifierMutant => async (_kind, _token, verify) => {
  const r = await verify();
  return !r.valid && r.code === code ? accepted : r;
};

/** A broken verifier: what it breaks, the checks the suite must fail for it (exactly). */
export interface BrokenVerifier {
  readonly description: string;
  readonly fails: readonly string[];
  readonly wrap: VerifierMutant;
}

/**
 * The broken verifiers, by name.
 *
 * @example
 * ```ts
 * import { createVerifierDriver } from "../drivers/verifier-handler.ts";
 * createVerifierDriver({ mutant: "alg-none" }); // VERIFIER_MUTANTS["alg-none"].fails
 * ```
 */
export const VERIFIER_MUTANTS: Readonly<Record<string, BrokenVerifier>> = {
  "alg-none": {
    description: "accepts alg none (RFC 8725 §2.1; SPEC §3.3)",
    fails: [
      "ver.session.alg-none",
      "ver.session.typ-confusion",
      "ver.secure.alg-none",
      "ver.proof.alg-none",
    ],
    wrap: (_kind, token, verify) =>
      headerAlg(token) === "none" ? Promise.resolve(accepted) : verify(),
  },
  "no-binding": {
    description: "skips the device binding of secure tokens (SPEC §5.4 step 6)",
    fails: [
      "ver.secure.binding",
    ],
    wrap: waive("ERR_BINDING_MISMATCH"),
  },
  "no-replay": {
    description: "forgets consumed jtis (SPEC §5.4 step 9, §5.7)",
    fails: [
      "ver.secure.replay",
      "ver.proof.replay",
      "ver.secure.single-use",
      "ver.secure.not-burned",
      "ver.secure.retention",
      "ver.proof.single-use",
    ],
    wrap: waive("ERR_REPLAYED"),
  },
  "weak-keys": {
    description: "trusts any 32-byte Ed25519 key, small-order or non-canonical (SPEC §4.5.1)",
    fails: [
      "ver.secure.weak-key",
      "ver.proof.weak-key",
    ],
    wrap: async (_kind, token, verify) => {
      const r = await verify();
      return !r.valid && r.code === "ERR_JWK_INVALID" && plainEd25519Jwk(token) ? accepted : r;
    },
  },
  "any-action": {
    description: "ignores the action type of secure tokens (SPEC §5.4 step 8)",
    fails: [
      "ver.secure.action",
      "ver.secure.not-burned",
    ],
    wrap: waive("ERR_ACTION_MISMATCH"),
  },
};
