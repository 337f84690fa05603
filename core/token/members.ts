/**
 * Duplicate member names in JSON (SPEC §4.3): `JSON.parse` silently keeps the last of two
 * members with one name, which lets two parsers disagree about a claim, so a token whose header
 * or payload repeats a name is malformed. Two checks that always agree (a property test holds
 * them together): one reads the names, one counts them against the parsed value.
 *
 * @module
 */

/**
 * Whether a (valid) JSON text has an object with two members of the same name, at any depth.
 * Member names are compared decoded: `"a"` and `"\u0061"` are the same member.
 *
 * @example
 * ```ts
 * hasDuplicateMembers('{"a":1,"b":{"a":2}}'); // false
 * hasDuplicateMembers('{"a":1,"\\u0061":2}'); // true
 * ```
 */
export function hasDuplicateMembers(text: string): boolean {
  // One entry per open container: the member names seen so far (objects) or null (arrays).
  // Token objects are small, so a linear scan of an array beats a Set.
  const stack: (string[] | null)[] = [];
  let expectKey = false;
  const len = text.length;
  let i = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const j = stringEnd(text, i);
      if (expectKey) {
        const b = text.indexOf("\\", i + 1);
        const escaped = b !== -1 && b < j;
        const name = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const keys = stack[stack.length - 1]!;
        if (keys.includes(name)) return true;
        keys.push(name);
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */) {
      stack.push([]);
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] !== null;
    }
    i++;
  }
  return false;
}

/**
 * Whether the JSON text that `JSON.parse` turned into `value` had a repeated member name, at
 * any depth: the names in the text outnumber the own keys of the objects parsed from it
 * (`JSON.parse` folds each repetition into one key, `"a"` and `"\u0061"` alike). The same answer
 * as {@link hasDuplicateMembers}, without reading or allocating any name: the verify hot path.
 *
 * @example
 * ```ts
 * const text = '{"a":1,"a":2}';
 * hasDuplicateMembersIn(text, JSON.parse(text)); // true
 * ```
 */
export function hasDuplicateMembersIn(text: string, value: unknown): boolean {
  return countMemberNames(text) !== countKeys(value, false);
}

/**
 * {@link hasDuplicateMembersIn} for a JSON text that holds no backslash, from the number of
 * `"` in it (counted while decoding it, so the text is never read again): without escapes every
 * quote opens or closes a string, each string is a member name or a string value, and the
 * value `JSON.parse` made keeps them all but those of a member a repeated name overwrote. So
 * the text repeated a name exactly when it has more quotes than twice the names and strings
 * left in `value`. The caller checks that there is no backslash; otherwise the answer is wrong.
 *
 * @example
 * ```ts
 * const text = '{"a":"x","a":"y"}'; // 8 quotes; JSON.parse keeps {"a":"y"}: 2 strings
 * hasDuplicateMembersByQuotes(8, JSON.parse(text)); // true
 * ```
 */
export function hasDuplicateMembersByQuotes(quotes: number, value: unknown): boolean {
  return quotes !== 2 * countKeys(value, true);
}

// The index of the quote closing the string that opens at `i`: the next quote not escaped by
// an odd run of backslashes (indexOf jumps from quote to quote natively).
function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  for (;;) {
    let k = j;
    while (text.charCodeAt(k - 1) === 0x5c /* \ */) k--;
    if ((j - k) % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

// In valid JSON a string is a member name exactly when the next non-space character is ":".
function countMemberNames(text: string): number {
  let n = 0;
  let i = text.indexOf('"');
  while (i >= 0) {
    let k = stringEnd(text, i) + 1;
    let c = text.charCodeAt(k);
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++k);
    if (c === 0x3a /* : */) n++;
    i = text.indexOf('"', k);
  }
  return n;
}

// The member names (and, with `strings`, the string values) of a parsed JSON value, at any
// depth. Own keys only (JSON.parse makes every member, "__proto__" included, an own property).
function countKeys(value: unknown, strings: boolean): number {
  if (typeof value === "string") return strings ? 1 : 0;
  if (typeof value !== "object" || value === null) return 0;
  if (Array.isArray(value)) {
    let n = 0;
    for (let i = 0; i < value.length; i++) n += countKeys(value[i], strings);
    return n;
  }
  const keys = Object.keys(value);
  let n = keys.length;
  for (let i = 0; i < keys.length; i++) {
    n += countKeys((value as Record<string, unknown>)[keys[i]!], strings);
  }
  return n;
}
