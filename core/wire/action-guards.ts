/**
 * Hand-written checks of the SDK's action event options (`ActionEventOptionsSchema`) and of flat
 * attribute maps, with the copy of their data members the schemas output (a property test holds
 * them to the schemas). Apart from `guards.ts`: only `triggerActionEvent` needs them.
 *
 * @module
 */
import { CLAIMED_USER_ID_TYPES, jsonBytes } from "./constants.ts";
import { firstBad, type Guard, isObject, isUserId, len, oneOf, opt, str } from "./guards.ts";

type Obj = Record<string, unknown>;

const dataKey = (x: Obj, k: string) =>
  Object.hasOwn(x, k) && k !== "__proto__" && k !== "prototype" && k !== "constructor";

/**
 * The own members of `x` a valibot object or record keeps in its output (it drops `__proto__`,
 * `prototype` and `constructor`).
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
    if (
      !len(1, 64)(k) ||
      !(len(0, 1024)(v) || Number.isFinite(v) || typeof v === "boolean")
    ) return null;
    out[k] = v as string | number | boolean;
  }
  return Object.keys(out).length <= maxEntries && jsonBytes(out) <= maxBytes ? out : null;
}

/** Action event options of the SDK (`ActionEventOptionsSchema`): a message, or `null` if valid. */
export function actionOptionsProblem(x: unknown): string | null {
  if (!isObject(x)) return "options must be an object";
  const shape: Record<string, Guard> = {
    correlationId: opt(len(1, 256)),
    claimedUserId: opt(isUserId),
    claimedUserIdType: opt(oneOf(...CLAIMED_USER_ID_TYPES)),
    transactionData: opt((t) =>
      isObject(t) && Number.isFinite(t.amount) && (t.amount as number) > 0 &&
      (t.amount as number) <= 999999999.99 && str(/^[A-Z]{3}$/)(t.currency) &&
      jsonBytes(dataOf(t)) <= 2048
    ),
    customAttributes: opt((a) => flatAttributesOf(a, 50, 2048) !== null),
  };
  for (const k in x) if (!Object.hasOwn(shape, k)) return `unknown option ${k}`;
  const bad = firstBad(shape, x);
  if (bad !== null) return `invalid ${bad}`;
  return x.claimedUserIdType !== undefined && x.claimedUserId === undefined
    ? "claimedUserIdType requires claimedUserId"
    : null;
}
