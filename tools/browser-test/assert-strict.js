// `node:assert/strict` in the browser bundle: assert@2's strict mode (deepEqual means
// deepStrictEqual, and so on), with the same named exports as Node's module.
import assert from "assert";

const strict = assert.strict;
export default strict;
export const {
  AssertionError,
  deepEqual,
  deepStrictEqual,
  doesNotMatch,
  doesNotReject,
  doesNotThrow,
  equal,
  fail,
  ifError,
  match,
  notDeepEqual,
  notDeepStrictEqual,
  notEqual,
  notStrictEqual,
  ok,
  rejects,
  strictEqual,
  throws,
} = strict;
