/**
 * The checks of `triggerActionEvent`'s options (`ActionEventOptionsSchema`; a property test
 * holds them to it) and their mapping to wire attributes. A session starts and hands out tokens
 * without them, so the SDK object loads this module on the first action. It imports nothing the
 * browser entry imports, on purpose: a bundler puts a module shared by the entry and a lazy chunk
 * in a chunk of its own, which every page would then load as a second request.
 *
 * @module
 */
import { CLAIMED_USER_ID_TYPES } from "../../core/wire/claimed.ts";
import type { ActionAttributes, TransactionData } from "../../core/wire/telemetry.ts";
import type { ActionEventOptions } from "./options.ts";

type Obj = Record<string, unknown>;

const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null;
const text = (x: unknown, min: number, max: number): boolean =>
  typeof x === "string" && x.length >= min && x.length <= max;
// A user id (SPEC §1.6): 1–256 UTF-16 code units, no C0 control character and no DEL.
// deno-lint-ignore no-control-regex
const USER_ID = /^[^\u0000-\u001f\u007f]{1,256}$/;

/** UTF-8 bytes of `x` as JSON; `Infinity` for what JSON cannot serialize (SPEC §8.1). */
function jsonBytes(x: unknown): number {
  try {
    return new TextEncoder().encode(JSON.stringify(x) ?? "").length;
  } catch {
    return Infinity;
  }
}

const dataKey = (x: Obj, k: string): boolean =>
  Object.hasOwn(x, k) && k !== "__proto__" && k !== "prototype" && k !== "constructor";

/**
 * The own members of `x` a valibot object or record keeps in its output (it drops `__proto__`,
 * `prototype` and `constructor`).
 *
 * @example
 * ```ts
 * dataOf({ amount: 5, currency: "EUR" }); // { amount: 5, currency: "EUR" }
 * ```
 */
export function dataOf<T extends object>(x: T): T {
  const out: Obj = {};
  for (const k in x) if (dataKey(x as Obj, k)) out[k] = (x as Obj)[k];
  return out as T;
}

/**
 * A flat attribute map (keys 1–64 characters; strings ≤ 1024 characters, finite numbers,
 * booleans; at most `maxEntries` members and `maxBytes` bytes), returned without the keys
 * `__proto__`, `prototype` and `constructor` (which the schema drops too); `null` if invalid.
 *
 * @example
 * ```ts
 * flatAttributesOf({ plan: "pro", seats: 3 }, 50, 2048); // { plan: "pro", seats: 3 }
 * ```
 */
export function flatAttributesOf(
  x: unknown,
  maxEntries: number,
  maxBytes: number,
): Record<string, string | number | boolean> | null {
  if (!isObject(x) || Array.isArray(x)) return null;
  const out: Record<string, string | number | boolean> = {};
  for (const k in x) {
    if (!dataKey(x, k)) continue;
    const v = x[k];
    if (!text(k, 1, 64) || !(text(v, 0, 1024) || Number.isFinite(v) || typeof v === "boolean")) {
      return null;
    }
    out[k] = v as string | number | boolean;
  }
  return Object.keys(out).length <= maxEntries && jsonBytes(out) <= maxBytes ? out : null;
}

/** Each option's check, in the order the schema reports them; `undefined` passes every one. */
const OPTION: Readonly<Record<string, (v: unknown) => boolean>> = {
  correlationId: (v) => text(v, 1, 256),
  claimedUserId: (v) => typeof v === "string" && USER_ID.test(v),
  claimedUserIdType: (v) => CLAIMED_USER_ID_TYPES.includes(v as never),
  transactionData: (t) =>
    isObject(t) && Number.isFinite(t.amount) && (t.amount as number) > 0 &&
    (t.amount as number) <= 999999999.99 && typeof t.currency === "string" &&
    /^[A-Z]{3}$/.test(t.currency) && jsonBytes(dataOf(t)) <= 2048,
  customAttributes: (a) => flatAttributesOf(a, 50, 2048) !== null,
};

/**
 * What is wrong with action event options (`ActionEventOptionsSchema`), or `null` if valid.
 *
 * @example
 * ```ts
 * actionOptionsProblem({ claimedUserIdType: "email" }); // "claimedUserIdType requires claimedUserId"
 * ```
 */
export function actionOptionsProblem(x: unknown): string | null {
  if (!isObject(x)) return "options must be an object";
  for (const k in x) if (!Object.hasOwn(OPTION, k)) return `unknown option ${k}`;
  for (const k in OPTION) {
    const v = k in x ? x[k] : undefined; // read as valibot reads an object: absent = undefined
    if (v !== undefined && !OPTION[k]!(v)) return `invalid ${k}`;
  }
  return x.claimedUserIdType !== undefined && x.claimedUserId === undefined
    ? "claimedUserIdType requires claimedUserId"
    : null;
}

/**
 * Action options mapped to wire attributes, or what is wrong with them (the caller raises
 * `ERR_INVALID_INPUT`: this module shares no error class with the entry).
 *
 * @example
 * ```ts
 * actionAttributes({ correlationId: "order-7" }); // { correlation_id: "order-7" }
 * actionAttributes({ nope: 1 }); // "unknown option nope"
 * ```
 */
export function actionAttributes(options: unknown): ActionAttributes | string {
  const o = (options ?? {}) as ActionEventOptions;
  const problem = actionOptionsProblem(o);
  if (problem !== null) return problem;
  return {
    ...(o.correlationId !== undefined ? { correlation_id: o.correlationId } : {}),
    ...(o.claimedUserId !== undefined ? { claimed_user_id: o.claimedUserId } : {}),
    ...(o.claimedUserIdType !== undefined ? { claimed_user_id_type: o.claimedUserIdType } : {}),
    ...(o.transactionData !== undefined
      ? { transaction_data: dataOf(o.transactionData) as TransactionData }
      : {}),
    ...(o.customAttributes !== undefined ? { custom_attributes: dataOf(o.customAttributes) } : {}),
  };
}
