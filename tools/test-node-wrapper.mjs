// The Node leg's `node:test` (see tools/test-node-hooks.mjs): every `it`/`test` and hook without
// a `timeout` gets TEST_TIMEOUT_MS. Everything else is the real module.
import * as real from "node:test";
import process from "node:process";

const DEFAULT_MS = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);

/** `f(name?, options?, fn?)` with `{ timeout }` filled in when the caller gave none. */
function withTimeout(f) {
  return (...args) => {
    const i = args.findIndex((a) => typeof a === "object" && a !== null);
    if (i >= 0) {
      if (args[i].timeout === undefined) args[i] = { ...args[i], timeout: DEFAULT_MS };
    } else {
      args.splice(typeof args[0] === "string" ? 1 : 0, 0, { timeout: DEFAULT_MS });
    }
    return f(...args);
  };
}

function registrar(f) {
  return Object.assign(withTimeout(f), {
    skip: withTimeout(f.skip),
    todo: withTimeout(f.todo),
    only: withTimeout(f.only),
  });
}

/** A hook `h(fn?, options?)` with `{ timeout }` filled in when the caller gave none. */
function hookWithTimeout(h) {
  return (fn, options) => h(fn, { timeout: DEFAULT_MS, ...options });
}

export const test = registrar(real.test);
export const it = registrar(real.it);
export const before = hookWithTimeout(real.before);
export const after = hookWithTimeout(real.after);
export const beforeEach = hookWithTimeout(real.beforeEach);
export const afterEach = hookWithTimeout(real.afterEach);
export const { describe, mock, run, suite } = real;
export default test;
