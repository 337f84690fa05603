/**
 * The set of telemetry sequence numbers a session has stored (SPEC §8.5 dedupe by
 * `(session_id, seq)`), kept as sorted inclusive ranges: devices send `seq`s in order, so a
 * session's set is almost always one range, whatever the number of events.
 *
 * @module
 */

/**
 * Sorted, disjoint, non-adjacent inclusive ranges flattened as `[from1, to1, from2, to2, …]`.
 * An empty array is the empty set.
 */
export type SeqRanges = number[];

/**
 * Most ranges kept per session. Gaps only appear when a page-hide beacon sends events out of
 * order (SPEC §8.7) or the device dropped events; beyond this many, the two oldest ranges are
 * merged (the gap between them counts as stored), so memory stays bounded and a very late event
 * falling into such an old gap is treated as a duplicate.
 */
export const MAX_SEQ_RANGES = 64;

/**
 * Whether `seq` is in `ranges`.
 *
 * @example
 * ```ts
 * hasSeq([1, 5, 9, 9], 9); // true
 * ```
 */
export function hasSeq(ranges: readonly number[], seq: number): boolean {
  // Binary search over range starts.
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (seq < ranges[mid * 2]!) hi = mid - 1;
    else if (seq > ranges[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Whether `xs` is strictly ascending (a batch's seqs, as the schema admits them; the fresh ones
 * {@link addSeqs} returns).
 *
 * @example
 * ```ts
 * ascending([1, 2, 5]); // true
 * ascending([1, 1]); // false
 * ```
 */
export function ascending(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i]! > xs[i - 1]!)) return false;
  return true;
}

/** The largest stored `seq`, or 0. */
export function highSeq(ranges: readonly number[]): number {
  return ranges.length === 0 ? 0 : ranges[ranges.length - 1]!;
}

/**
 * Adds `seqs` (any order, duplicates allowed) to `ranges` in place and returns the ones that were
 * not there yet, ascending: exactly the events to store.
 *
 * @example
 * ```ts
 * const r: SeqRanges = [1, 3];
 * addSeqs(r, [2, 3, 4, 7]); // [4, 7]; r is now [1, 4, 7, 7]
 * ```
 */
export function addSeqs(ranges: SeqRanges, seqs: readonly number[]): number[] {
  const fresh: number[] = [];
  // A batch's seqs come strictly ascending (the schema's order): no copy and sort for them.
  const sorted = ascending(seqs) ? seqs : [...seqs].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (i > 0 && s === sorted[i - 1]) continue;
    if (hasSeq(ranges, s)) continue;
    insert(ranges, s);
    fresh.push(s);
  }
  while (ranges.length > MAX_SEQ_RANGES * 2) ranges.splice(1, 2); // merge the two oldest
  return fresh;
}

function insert(ranges: SeqRanges, s: number): void {
  // Index of the first range starting after s.
  let i = 0;
  while (i < ranges.length && ranges[i]! <= s) i += 2;
  const joinsPrev = i > 0 && ranges[i - 1] === s - 1;
  const joinsNext = i < ranges.length && ranges[i] === s + 1;
  if (joinsPrev && joinsNext) ranges.splice(i - 1, 2); // [a, s-1] + [s+1, b] → [a, b]
  else if (joinsPrev) ranges[i - 1] = s;
  else if (joinsNext) ranges[i] = s;
  else ranges.splice(i, 0, s, s);
}
