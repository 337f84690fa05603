/**
 * A hand-written check of the common action trigger body (SPEC §7.2), ahead of
 * `TriggerActionRequestSchema` (an intersection, valibot's slowest kind): it answers the very
 * output the schema gives (same members, same order), or `null` for anything it leaves to the
 * schema: `transaction_data`, `custom_attributes`, inherited members, any member that fails. The
 * schema then decides and words the error. A property test
 * (test/server/service/body-checks.test.ts) holds it to the schema on generated valid and
 * invalid bodies.
 *
 * @module
 */
import { IP_REGEX } from "valibot";
import type { TriggerActionRequest } from "../../../core/mod.ts";
import { CLAIMED_USER_ID_TYPES } from "../../../core/wire/claimed.ts";
import { isJws, isObj, isStr, keepRest, type Obj } from "../http/loose.ts";

/** The members of the schema's first part, in its order (the output's order). */
const OWN = ["action_type", "session_token", "secured_session_token", "ip", "user_agent"];
const OWN_SET = new Set(OWN);
/** Every member the schema reads that this check handles. */
const READ = [...OWN, "correlation_id", "claimed_user_id", "claimed_user_id_type"];
const ANY = /^/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const optional = (x: Obj, k: string, ok: (v: unknown) => boolean): boolean =>
  x[k] === undefined || ok(x[k]);

/**
 * `TriggerActionRequestSchema`'s output for `x`, or `null`: let the schema decide.
 *
 * @example
 * ```ts
 * import { parseOrThrow, TriggerActionRequestSchema } from "../../../core/mod.ts";
 * declare const value: unknown;
 * const body = commonTrigger(value) ??
 *   parseOrThrow(TriggerActionRequestSchema, value, "ERR_INVALID_BODY");
 * ```
 */
export function commonTrigger(x: unknown): TriggerActionRequest | null {
  if (!isObj(x) || "transaction_data" in x || "custom_attributes" in x) return null;
  // A member the schema reads but does not own would be placed differently in its output.
  for (const k of READ) if (k in x && !Object.hasOwn(x, k)) return null;
  const ok = isStr(x.action_type, /^[a-z][a-z0-9_]{0,63}$/) &&
    optional(x, "session_token", isJws) &&
    optional(x, "secured_session_token", isJws) &&
    (x.session_token === undefined) !== (x.secured_session_token === undefined) &&
    optional(x, "ip", (v) => isStr(v, IP_REGEX)) &&
    optional(x, "user_agent", (v) => isStr(v, ANY, 0, 1024)) &&
    optional(x, "correlation_id", (v) => isStr(v, ANY, 1, 256)) &&
    optional(x, "claimed_user_id", (v) => isStr(v, ANY, 1, 256) && !CONTROL.test(v)) &&
    optional(x, "claimed_user_id_type", (v) => CLAIMED_USER_ID_TYPES.includes(v as never)) &&
    (x.claimed_user_id_type === undefined || x.claimed_user_id !== undefined);
  if (!ok) return null;
  const out: Obj = {};
  for (const k of OWN) if (k in x) out[k] = x[k];
  return keepRest(out, x, OWN_SET) as unknown as TriggerActionRequest;
}
