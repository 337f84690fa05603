// The Deno leg's `node:test` (tools/deno-test/import-map.json maps the suite's imports here):
// Deno's node:test honours a test's `timeout` option but has no flag for a default, so every
// `it`/`test` without one gets TEST_TIMEOUT_MS (set by tools/test-runtime.mjs, the same ceiling
// as Node's --test-timeout and Bun's --timeout). Everything else is the real module.
import * as real from "node:test";

// Read through globalThis: this file is also type-checked by tsc, which has no Deno types.
const env = (globalThis as unknown as { Deno: { env: { get(k: string): string | undefined } } })
  .Deno.env;
const DEFAULT_MS = Number(env.get("TEST_TIMEOUT_MS") ?? 120_000);

// deno-lint-ignore no-explicit-any
type Fn = (...args: any[]) => any;

/** `f(name?, options?, fn?)` with `{ timeout }` filled in when the caller gave none. */
function withTimeout<F extends Fn>(f: F): F {
  return ((...args: unknown[]) => {
    const i = args.findIndex((a) => typeof a === "object" && a !== null);
    if (i >= 0) {
      const o = args[i] as { timeout?: number };
      if (o.timeout === undefined) args[i] = { ...o, timeout: DEFAULT_MS };
    } else {
      const at = typeof args[0] === "string" ? 1 : 0;
      args.splice(at, 0, { timeout: DEFAULT_MS });
    }
    return f(...args);
  }) as F;
}

function registrar<F extends Fn>(f: F): F {
  const g = f as F & { skip: Fn; todo: Fn; only: Fn };
  return Object.assign(withTimeout(f), {
    skip: withTimeout(g.skip),
    todo: withTimeout(g.todo),
    only: withTimeout(g.only),
  });
}

export const test: typeof real.test = registrar(real.test);
export const it: typeof real.it = registrar(real.it);
export const describe: typeof real.describe = real.describe;
export const suite: typeof real.suite = real.suite;
export const before: typeof real.before = real.before;
export const after: typeof real.after = real.after;
export const beforeEach: typeof real.beforeEach = real.beforeEach;
export const afterEach: typeof real.afterEach = real.afterEach;
export const mock: typeof real.mock = real.mock;
export default test;
