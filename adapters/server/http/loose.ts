/**
 * Shared steps of the hand-written body checks (`device/batch-check.ts`,
 * `backend/trigger-check.ts`): what a valibot loose object or record keeps of its input, so a
 * fast check can answer the very output the schema would.
 *
 * @module
 */

/** A JSON object as the checks read it. */
export type Obj = Record<string, unknown>;

/** An object that is not an array (a JSON object). */
export const isObj = (x: unknown): x is Obj =>
  typeof x === "object" && x !== null && !Array.isArray(x);

/** A string of `min`..`max` UTF-16 code units matching `re`. */
export const isStr = (x: unknown, re: RegExp, min = 0, max = Infinity): x is string =>
  typeof x === "string" && x.length >= min && x.length <= max && re.test(x);

/** A compact JWS of 5 to 8192 characters (core `CompactJws`). */
export const isJws = (x: unknown): x is string =>
  isStr(x, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 5, 8192);

/** An integer of `min`..`max` (core `EpochMillis`, seqs and counts). */
export const isInt = (x: unknown, min: number, max: number): x is number =>
  Number.isInteger(x) && (x as number) >= min && (x as number) <= max;

/**
 * Copies into `out` the members of `x` that a valibot loose object (or record) keeps beyond its
 * `known` entries: own enumerable ones, in order, except `__proto__`, `prototype` and
 * `constructor`, which valibot drops.
 *
 * @example
 * ```ts
 * const out: Obj = { a: 1 };
 * keepRest(out, { a: 1, b: 2, constructor: 3 }, new Set(["a"])); // out: { a: 1, b: 2 }
 * ```
 */
export function keepRest(out: Obj, x: Obj, known: ReadonlySet<string>): Obj {
  for (const k in x) {
    if (
      Object.hasOwn(x, k) && !known.has(k) && k !== "__proto__" && k !== "prototype" &&
      k !== "constructor"
    ) out[k] = x[k];
  }
  return out;
}

/**
 * Whether `Object.prototype` has no enumerable member, so `for…in` over a plain object lists its
 * own members only (a polluted prototype's come after them). Asked once per body, it spares
 * {@link outputAsIs} an own-member check per member.
 *
 * @example
 * ```ts
 * plainPrototype(); // true, unless something added an enumerable member to Object.prototype
 * ```
 */
export function plainPrototype(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}

/**
 * Whether a valibot loose object (or record) with `known` entries outputs `x` as it is: `x` is a
 * plain object (`Object.prototype`, as `JSON.parse` makes them) whose members are `known` first,
 * in that order, then its own others, none of which valibot drops. A check may then answer `x`
 * itself, equal member for member and in order to the copy the schema makes, for less than
 * {@link keepRest}'s copy (20 events and their data per telemetry batch). `plain`: the caller
 * saw {@link plainPrototype} true, so every member `for…in` lists is `x`'s own.
 *
 * @example
 * ```ts
 * outputAsIs(JSON.parse('{"seq":1,"x":2}'), ["seq"]); // true
 * outputAsIs(JSON.parse('{"x":2,"seq":1}'), ["seq"]); // false: the schema puts seq first
 * ```
 */
export function outputAsIs(x: Obj, known: readonly string[], plain = false): boolean {
  if (Object.getPrototypeOf(x) !== Object.prototype) return false;
  let i = 0;
  for (const k in x) {
    if (!plain && !Object.hasOwn(x, k)) return false;
    if (i < known.length) {
      if (k !== known[i]) return false;
    } else if (k === "__proto__" || k === "prototype" || k === "constructor") return false;
    i++;
  }
  return i >= known.length;
}
