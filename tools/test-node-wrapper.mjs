// The Node leg's `node:test` (see tools/test-node-hooks.mjs): every `it`/`test` and hook without
// a `timeout` gets TEST_TIMEOUT_MS. Everything else is the real module.
import * as real from "node:test";
import process from "node:process";

const DEFAULT_MS = Number(process.env.TEST_TIMEOUT_MS ?? 120_000);
// A `describe`'s `timeout` is the default of the tests and hooks declared in it, as on the other
// legs (Node alone would make it a bound on the whole suite, which load then exceeds).
const defaults = [DEFAULT_MS];

/** `f(name?, options?, fn?)` with `{ timeout }` filled in when the caller gave none. */
function withTimeout(f) {
  return (...args) => {
    const i = args.findIndex((a) => typeof a === "object" && a !== null);
    if (i >= 0) {
      if (args[i].timeout === undefined) args[i] = { ...args[i], timeout: defaults.at(-1) };
    } else {
      args.splice(typeof args[0] === "string" ? 1 : 0, 0, { timeout: defaults.at(-1) });
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
  return (fn, options) => h(fn, { timeout: defaults.at(-1), ...options });
}

export const test = registrar(real.test);
export const it = registrar(real.it);
export const before = hookWithTimeout(real.before);
export const after = hookWithTimeout(real.after);
export const beforeEach = hookWithTimeout(real.beforeEach);
export const afterEach = hookWithTimeout(real.afterEach);
/** `describe(name?, options?, fn?)` whose `timeout` becomes the default inside it. */
function suiteDefault(d) {
  return (...args) => {
    const i = args.findIndex((a) => typeof a === "object" && a !== null);
    const f = args.findIndex((a) => typeof a === "function");
    if (i >= 0 && args[i].timeout !== undefined && f >= 0) {
      const { timeout, ...rest } = args[i];
      const fn = args[f];
      args[i] = rest;
      args[f] = (...a) => {
        defaults.push(timeout);
        try {
          return fn(...a);
        } finally {
          defaults.pop();
        }
      };
    }
    return d(...args);
  };
}

function suiteRegistrar(d) {
  return Object.assign(suiteDefault(d), {
    skip: suiteDefault(d.skip),
    todo: suiteDefault(d.todo),
    only: suiteDefault(d.only),
  });
}

export const describe = suiteRegistrar(real.describe);
export const suite = real.suite && suiteRegistrar(real.suite);
export const { mock, run } = real;
export default test;
