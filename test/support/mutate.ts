/**
 * Mutating generated messages for property tests that hold a hand-written check to a schema:
 * every path into a value, and a copy with the member at one path replaced or removed.
 */

/** A path into a JSON-like value: member names and array indexes. */
export type Path = (string | number)[];

/** Every path into `x`, `x` itself (`[]`) first. */
export function paths(x: unknown, at: Path = []): Path[] {
  if (typeof x !== "object" || x === null) return [at];
  const keys = Array.isArray(x) ? x.map((_, i) => i) : Object.keys(x);
  return [at, ...keys.flatMap((k) => paths((x as Record<string, unknown>)[k], [...at, k]))];
}

/** As a replacement in {@link replaced}: remove the member. */
export const DELETE: unique symbol = Symbol("delete");

/** A copy of `x` with the member at `path` set to `value` (or removed: {@link DELETE}). */
export function replaced(x: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [k, ...rest] = path;
  const copy = (Array.isArray(x) ? [...x] : { ...(x as object) }) as Record<string, unknown>;
  const next = replaced(copy[k!], rest, value);
  if (next === DELETE) delete copy[k!];
  else copy[k!] = next;
  return copy;
}
