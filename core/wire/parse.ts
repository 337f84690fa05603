/**
 * Validation that fails with a catalog code: the one way every public entry point turns
 * untrusted input into typed values.
 *
 * @module
 */
import * as v from "valibot";
import type { ErrorCode } from "../errors/catalog.ts";
import { errorFromCode } from "../errors/error.ts";
import { CLAIM_GUARDS } from "./claim-guards.ts";
import { firstBad } from "./guards.ts";
import { describeIssues, issuePath, issueText } from "./issues.ts";

export { describeIssues } from "./issues.ts";

/**
 * Validates `value` against `schema`, returning the typed output or throwing the error of
 * `code` (e.g. `ERR_INVALID_BODY` for a request body, `ERR_INVALID_INPUT` for an argument).
 *
 * @example
 * ```ts
 * import { TelemetryBatchSchema } from "./telemetry.ts";
 * declare const json: unknown;
 * const batch = parseOrThrow(TelemetryBatchSchema, json, "ERR_INVALID_BODY");
 * ```
 */
export function parseOrThrow<T>(schema: v.GenericSchema<T>, value: unknown, code: ErrorCode): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw errorFromCode(code, describeIssues(result.issues), {
    details: {
      issues: result.issues.slice(0, 3).map((i) => ({
        path: issuePath(i),
        message: issueText(i),
      })),
    },
  });
}

/**
 * Like {@link parseOrThrow} but returns a result instead of throwing.
 *
 * @example
 * ```ts
 * import { ConfigResponseSchema } from "./device.ts";
 * declare const json: unknown;
 * const r = safeParseWith(ConfigResponseSchema, json);
 * if (!r.ok) console.warn(r.message);
 * ```
 */
export function safeParseWith<T>(
  schema: v.GenericSchema<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; message: string } {
  const result = v.safeParse(schema, value);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, message: describeIssues(result.issues) };
}

const REQUIRED_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  proof: ["htm", "htu", "iat", "jti", "nonce", "ver"],
  session: ["iss", "aud", "sub", "did", "cnf", "iat", "exp", "jti", "ver"],
  secure: ["tok", "act", "iat", "exp", "jti", "ver"],
  action: ["iss", "aud", "sub", "aid", "act", "iat", "exp", "jti", "ver"],
  access: ["iss", "aud", "sub", "scope", "iat", "exp", "jti", "ver"],
};

/**
 * Validates a token payload of `kind` per SPEC §4.6: a missing claim is `ERR_CLAIM_MISSING`, a
 * `ver` other than 1 is `ERR_VERSION_UNSUPPORTED`, any other shape error `ERR_CLAIM_INVALID`.
 * The claims are checked by the hand-written guards of `guards.ts` (a property test holds them
 * equal to `schema`); only a failure runs the schema, for its description of what is wrong.
 *
 * @example
 * ```ts
 * import { SessionClaimsSchema } from "./tokens.ts";
 * declare const payload: Record<string, unknown>; // the decoded JWS payload
 * const claims = parseClaims(SessionClaimsSchema, "session", payload);
 * ```
 */
export function parseClaims<T>(
  schema: v.GenericSchema<T>,
  kind: "proof" | "session" | "secure" | "action" | "access",
  payload: Record<string, unknown>,
): T {
  for (const name of REQUIRED_CLAIMS[kind]!) {
    if (!Object.hasOwn(payload, name) || payload[name] === undefined) {
      throw errorFromCode("ERR_CLAIM_MISSING", `claim ${name} is required`, {
        details: { claim: name },
      });
    }
  }
  if (payload.ver !== 1) {
    throw errorFromCode("ERR_VERSION_UNSUPPORTED", `ver ${JSON.stringify(payload.ver)}`);
  }
  if (firstBad(CLAIM_GUARDS[kind]!, payload) === null) return payload as T;
  return parseOrThrow(schema, payload, "ERR_CLAIM_INVALID");
}
