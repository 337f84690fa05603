/**
 * Helpers shared by the collectors: what kind of element an event hit, and coarse numbers.
 *
 * @module
 */

/**
 * The kind of an event target: its tag name, plus the type for inputs (`"input:password"`).
 * Never its name, id, value or text: those are the page's or the user's data. Input types are a
 * closed set (browsers map unknown ones to "text"), so the result cannot carry user data.
 *
 * @example
 * ```ts
 * fieldKind(document.querySelector("input[type=email]")); // "input:email"
 * fieldKind(document.body); // "body"
 * ```
 */
export function fieldKind(target: EventTarget | null): string {
  const el = target as HTMLInputElement | null;
  const tag = typeof el?.tagName === "string" ? el.tagName.toLowerCase().slice(0, 32) : "none";
  return tag === "input" ? "input:" + (el!.type || "text") : tag;
}

/**
 * A length as a power-of-two bucket (0, 1, 2, 4, 8, …): the lower bound of the range holding
 * `n`. Exact lengths of what a user typed or pasted would narrow down a password, so only the
 * order of magnitude is reported.
 *
 * @example
 * ```ts
 * lengthBucket(0);  // 0
 * lengthBucket(7);  // 4
 * lengthBucket(16); // 16
 * ```
 */
export function lengthBucket(n: number): number {
  return n < 1 ? 0 : 2 ** Math.floor(Math.log2(n));
}

/**
 * Rounds to whole units (ms, px): sub-unit precision is noise, and shorter on the wire.
 *
 * @example
 * ```ts
 * round(12.6); // 13
 * ```
 */
export const round = Math.round;

/**
 * Buckets a coordinate or a size to 10 px.
 *
 * @example
 * ```ts
 * b10(123); // 120
 * ```
 */
export const b10 = (n: number): number => round(n / 10) * 10;
