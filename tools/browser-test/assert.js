// `node:assert` in the browser bundle: npm `assert@2` (a port of Node's assert), re-exported
// with named exports so `import { deepEqual } from "node:assert"` bundles too.
import assert from "assert";

export default assert;
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
  strict,
  strictEqual,
  throws,
} = assert;
