// Browser stand-in for `node:test`, bundled by tools/browser-test/run.mjs in place of the
// real module. It covers the subset the suite uses: describe/suite, it/test (+ .skip/.todo/
// .only and options objects), before/after/beforeEach/afterEach, t.test subtests, t.after,
// t.skip/t.todo, async and done-callback tests, per-test timeouts, mock.fn/mock.method.
//
// Semantics follow `node --test`: tests run one at a time in declaration order, a describe body
// runs when its suite is reached (so a skipped suite's body never runs in the browser), a failing
// subtest or hook fails the enclosing test, and `todo` results never fail the run. Each test file
// gets its own root suite (`__setFile`), like Node's one-process-per-file isolation of hooks.
// `.only` filters siblings, as in Bun; the runner flags it (and fails under CI).

import { MockTracker } from "./mock-tracker.ts";

type AnyFn = (...args: never[]) => unknown;
type Body = (ctx: TestContext, done?: (err?: unknown) => void) => unknown;
type HookFn = (ctx: unknown, done?: (err?: unknown) => void) => unknown;

export interface TestOptions {
  skip?: boolean | string;
  todo?: boolean | string;
  only?: boolean;
  timeout?: number;
  concurrency?: number | boolean;
  signal?: AbortSignal;
}

interface Hooks {
  before: HookFn[];
  after: HookFn[];
  beforeEach: HookFn[];
  afterEach: HookFn[];
}

interface Suite {
  kind: "suite";
  name: string;
  options: TestOptions;
  fn?: (ctx: { name: string; signal: AbortSignal }) => unknown;
  children: Node[];
  hooks: Hooks;
}

interface Case {
  kind: "test";
  name: string;
  options: TestOptions;
  fn?: Body;
}

type Node = Suite | Case;

/** What the runner receives for each finished test, suite-level failure or diagnostic. */
export interface Report {
  status: "pass" | "fail" | "skip" | "todo" | "diagnostic";
  name: string;
  reason?: string;
  error?: string;
  ms: number;
}

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  todo: number;
  onlyUsed: boolean;
}

const emptyHooks = (): Hooks => ({ before: [], after: [], beforeEach: [], afterEach: [] });

const files: Suite[] = [];
let collecting: Suite | null = null;
let running = false;
const summary: Summary = { passed: 0, failed: 0, skipped: 0, todo: 0, onlyUsed: false };

interface Host {
  __dsReport?: (r: Report) => Promise<void>;
  __dsFinish?: (s: Summary) => Promise<void>;
  __dsCurrent?: string;
}
const host = globalThis as unknown as Host;

async function report(r: Report): Promise<void> {
  if (r.status === "pass") summary.passed++;
  else if (r.status === "fail") summary.failed++;
  else if (r.status === "skip") summary.skipped++;
  else if (r.status === "todo") summary.todo++;
  if (host.__dsReport) await host.__dsReport(r);
  else console.log(r.status, r.name, r.reason ?? "", r.error ?? "");
}

function formatError(err: unknown): string {
  if (err instanceof Error) {
    const stack = err.stack ?? "";
    // V8 stacks start with "Name: message"; keep that, plus the frames, plus `cause`.
    const text = stack.includes(err.message) ? stack : `${err.name}: ${err.message}\n${stack}`;
    return err.cause === undefined ? text : `${text}\n[cause] ${formatError(err.cause)}`;
  }
  return `thrown non-Error: ${String(err)}`;
}

/** Node accepts (name?, options?, fn?) in any prefix combination. */
function parseArgs<F>(args: unknown[]): { name: string; options: TestOptions; fn?: F } {
  let name: string | undefined;
  let options: TestOptions = {};
  let fn: F | undefined;
  for (const a of args) {
    if (typeof a === "string") name = a;
    else if (typeof a === "function") fn = a as F;
    else if (a && typeof a === "object") options = a as TestOptions;
  }
  const fnName = (fn as { name?: string } | undefined)?.name;
  return { name: name ?? (fnName || "<anonymous>"), options, fn };
}

function target(what: string): Suite {
  if (collecting) return collecting;
  throw new Error(
    running
      ? `${what}() called while a test is running: use the test context (t.test, t.after)`
      : `${what}() called before __setFile(): the bundle entry must set the file first`,
  );
}

/** Called by the bundle entry before each test file's module is evaluated. */
export function __setFile(path: string): void {
  const suite: Suite = {
    kind: "suite",
    name: path,
    options: {},
    children: [],
    hooks: emptyHooks(),
  };
  files.push(suite);
  collecting = suite;
}

function register(kind: "suite" | "test", args: unknown[], extra: TestOptions = {}): void {
  const parent = target(kind === "suite" ? "describe" : "test");
  const { name, options, fn } = parseArgs<AnyFn>(args);
  const opts = { ...options, ...extra };
  if (kind === "suite") {
    parent.children.push({
      kind,
      name,
      options: opts,
      fn: fn as Suite["fn"],
      children: [],
      hooks: emptyHooks(),
    });
  } else {
    parent.children.push({ kind, name, options: opts, fn: fn as Body | undefined });
  }
}

type Registrar = ((...args: unknown[]) => Promise<void>) & {
  skip: (...args: unknown[]) => Promise<void>;
  todo: (...args: unknown[]) => Promise<void>;
  only: (...args: unknown[]) => Promise<void>;
};

function registrar(kind: "suite" | "test"): Registrar {
  // Node returns a promise; tests here are queued, so it resolves at once.
  const make = (extra: TestOptions) => (...args: unknown[]): Promise<void> => {
    register(kind, args, extra);
    return Promise.resolve();
  };
  return Object.assign(make({}), {
    skip: make({ skip: true }),
    todo: make({ todo: true }),
    only: make({ only: true }),
  });
}

export const test: Registrar = registrar("test");
export const it: Registrar = test;
export const describe: Registrar = registrar("suite");
export const suite: Registrar = describe;

const hook = (kind: keyof Hooks) => (fn: HookFn, _options?: TestOptions): void => {
  target(kind).hooks[kind].push(fn);
};
export const before: (fn: HookFn, options?: TestOptions) => void = hook("before");
export const after: (fn: HookFn, options?: TestOptions) => void = hook("after");
export const beforeEach: (fn: HookFn, options?: TestOptions) => void = hook("beforeEach");
export const afterEach: (fn: HookFn, options?: TestOptions) => void = hook("afterEach");

export { mock, MockTracker } from "./mock-tracker.ts";

// -------------------------------------------------------------------------------- running

/** The `t` passed to tests. */
export interface TestContext {
  readonly name: string;
  readonly fullName: string;
  readonly signal: AbortSignal;
  readonly mock: MockTracker;
  test(...args: unknown[]): Promise<void>;
  skip(message?: string): void;
  todo(message?: string): void;
  diagnostic(message: string): void;
  before(fn: HookFn): void;
  after(fn: HookFn): void;
  beforeEach(fn: HookFn): void;
  afterEach(fn: HookFn): void;
}

interface Chain {
  beforeEach: HookFn[];
  afterEach: HookFn[];
}

// Replaced by tools/browser-test/run.mjs (esbuild `define`): the per-test ceiling of every leg.
declare const __DS_TEST_TIMEOUT_MS__: number;
const DEFAULT_TIMEOUT_MS = typeof __DS_TEST_TIMEOUT_MS__ === "number"
  ? __DS_TEST_TIMEOUT_MS__
  : 120_000;

const reasonOf = (v: boolean | string | undefined): string | undefined =>
  typeof v === "string" ? v : undefined;

function call(fn: HookFn | Body, ctx: unknown, timeout?: number): Promise<unknown> {
  const run = fn.length >= 2
    ? new Promise((resolve, reject) => {
      // Node's callback style: `(t, done)`; done(err) fails the test.
      const r = (fn as HookFn)(ctx, (err?: unknown) => (err ? reject(err) : resolve(undefined)));
      if (r && typeof (r as Promise<unknown>).then === "function") {
        reject(new Error("a test function must not both take `done` and return a promise"));
      }
    })
    : Promise.resolve().then(() => (fn as HookFn)(ctx));
  if (timeout === undefined || !Number.isFinite(timeout)) return run;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    run,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`test timed out after ${timeout}ms`)), timeout);
    }),
  ]).finally(() => clearTimeout(timer));
}

function selectOnly(nodes: Node[]): Node[] {
  if (!nodes.some((n) => n.options.only)) return nodes;
  summary.onlyUsed = true;
  return nodes.filter((n) => n.options.only);
}

async function runTest(t: Case, chain: Chain, path: string, inTodo: boolean): Promise<boolean> {
  const name = `${path} > ${t.name}`;
  const { skip, todo } = t.options;
  if (skip || !t.fn) {
    // A test without a body is a todo in Node.
    await report({
      status: skip ? "skip" : "todo",
      name,
      reason: reasonOf(skip ?? todo),
      ms: 0,
    });
    return true;
  }
  const started = performance.now();
  const abort = new AbortController();
  const tracker = new MockTracker();
  const own: Hooks = emptyHooks();
  let skipped: string | boolean = false;
  let todoMark: string | boolean = todo ?? inTodo;
  let subtests = Promise.resolve();
  let failedSubtests = 0;
  const ctx: TestContext = {
    name: t.name,
    fullName: name,
    signal: abort.signal,
    mock: tracker,
    test(...args: unknown[]) {
      const sub = parseArgs<Body>(args);
      const node: Case = { kind: "test", ...sub };
      // Subtests queue behind each other (Node's default concurrency of 1).
      const done = subtests.then(async () => {
        const ok = await runTest(
          node,
          { beforeEach: own.beforeEach, afterEach: own.afterEach },
          name,
          Boolean(todoMark),
        );
        if (!ok) failedSubtests++;
      });
      subtests = done;
      return done;
    },
    skip: (m) => void (skipped = m ?? true),
    todo: (m) => void (todoMark = m ?? true),
    diagnostic: (m) => void report({ status: "diagnostic", name, reason: m, ms: 0 }),
    before: (fn) => own.before.push(fn),
    after: (fn) => own.after.push(fn),
    beforeEach: (fn) => own.beforeEach.push(fn),
    afterEach: (fn) => own.afterEach.push(fn),
  };
  host.__dsCurrent = name;
  let error: unknown;
  let failed = false;
  const attempt = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      if (!failed) [failed, error] = [true, err];
    }
  };
  for (const h of chain.beforeEach) await attempt(() => call(h, ctx));
  if (!failed) await attempt(() => call(t.fn!, ctx, t.options.timeout ?? DEFAULT_TIMEOUT_MS));
  await attempt(() => subtests);
  for (const h of chain.afterEach) await attempt(() => call(h, ctx));
  for (const h of own.after) await attempt(() => call(h, ctx));
  tracker.restoreAll();
  abort.abort();
  if (!failed && failedSubtests > 0) {
    [failed, error] = [true, new Error(`${failedSubtests} subtest(s) failed`)];
  }
  const ms = performance.now() - started;
  if (skipped) await report({ status: "skip", name, reason: reasonOf(skipped), ms });
  else if (todoMark) {
    await report({
      status: "todo",
      name,
      reason: reasonOf(todoMark),
      ms,
      error: failed ? formatError(error) : undefined,
    });
  } else if (failed) await report({ status: "fail", name, error: formatError(error), ms });
  else await report({ status: "pass", name, ms });
  return !failed || Boolean(todoMark) || Boolean(skipped);
}

async function runSuite(s: Suite, parent: Chain, path: string, inTodo: boolean): Promise<void> {
  const name = path ? `${path} > ${s.name}` : s.name;
  if (s.options.skip) {
    await report({ status: "skip", name, reason: reasonOf(s.options.skip), ms: 0 });
    return;
  }
  const todo = inTodo || Boolean(s.options.todo);
  const fail = (what: string, err: unknown) =>
    report({ status: "fail", name: `${name} (${what})`, error: formatError(err), ms: 0 });
  if (s.fn) {
    // Run the describe body now, collecting its children into this suite.
    const abort = new AbortController();
    collecting = s;
    try {
      await s.fn({ name: s.name, signal: abort.signal });
    } catch (err) {
      collecting = null;
      return fail("describe body threw", err);
    } finally {
      collecting = null;
      abort.abort();
    }
  }
  const chain: Chain = {
    beforeEach: [...parent.beforeEach, ...s.hooks.beforeEach],
    afterEach: [...s.hooks.afterEach, ...parent.afterEach],
  };
  const ctx = { name: s.name, signal: new AbortController().signal };
  try {
    for (const h of s.hooks.before) await call(h, ctx);
  } catch (err) {
    return fail("before hook failed", err);
  }
  for (const child of selectOnly(s.children)) {
    if (child.kind === "suite") await runSuite(child, chain, name, todo);
    else await runTest(child, chain, name, todo);
  }
  for (const h of s.hooks.after) {
    try {
      await call(h, ctx);
    } catch (err) {
      await fail("after hook failed", err);
    }
  }
}

/** Called by the bundle entry after every test file was evaluated. */
export async function __run(): Promise<Summary> {
  collecting = null;
  running = true;
  for (const file of files) {
    if (file.children.length === 0) {
      // Guards against a bundling mistake silently dropping a file's tests.
      await report({ status: "fail", name: file.name, error: "registered no tests", ms: 0 });
    } else await runSuite(file, { beforeEach: [], afterEach: [] }, "", false);
  }
  host.__dsCurrent = undefined;
  if (host.__dsFinish) await host.__dsFinish({ ...summary });
  return summary;
}

export default test;
