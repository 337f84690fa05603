// `mock.fn` / `mock.method` of the browser stand-in for `node:test` (node-test-shim.ts): the
// subset the suite uses, with Node's call records, `times`, one-off implementations and restore.

type AnyFn = (...args: never[]) => unknown;

export interface MockCall {
  arguments: unknown[];
  result: unknown;
  error: unknown;
  this: unknown;
  target: unknown;
}

interface MockContext {
  calls: MockCall[];
  callCount(): number;
  mockImplementation(fn: AnyFn): void;
  mockImplementationOnce(fn: AnyFn, onCall?: number): void;
  resetCalls(): void;
  restore(): void;
}

type MockFn = AnyFn & { mock: MockContext };

export class MockTracker {
  #restorers: Array<() => void> = [];

  fn(original?: AnyFn, implementation?: AnyFn, options?: { times?: number }): MockFn {
    return this.#make(original ?? function () {}, implementation ?? original, options);
  }

  method(object: object, methodName: PropertyKey, implementation?: AnyFn, options?: {
    times?: number;
  }): MockFn {
    const obj = object as Record<PropertyKey, unknown>;
    const original = obj[methodName];
    if (typeof original !== "function") {
      throw new TypeError(`mock.method: ${String(methodName)} is not a method`);
    }
    const own = Object.getOwnPropertyDescriptor(obj, methodName);
    const restore = () => {
      if (own) Object.defineProperty(obj, methodName, own);
      else delete obj[methodName];
    };
    const fn = this.#make(original as AnyFn, implementation, options, restore);
    Object.defineProperty(obj, methodName, { value: fn, configurable: true, writable: true });
    return fn;
  }

  reset(): void {
    this.restoreAll();
  }

  restoreAll(): void {
    for (const r of this.#restorers.splice(0).reverse()) r();
  }

  get timers(): never {
    throw new Error("mock.timers is not supported by the browser test shim");
  }

  #make(
    original: AnyFn,
    impl: AnyFn | undefined,
    options?: { times?: number },
    onRestore?: () => void,
  ): MockFn {
    let current: AnyFn = impl ?? original;
    const once = new Map<number, AnyFn>();
    const calls: MockCall[] = [];
    const times = options?.times;
    const restore = () => {
      current = original;
      onRestore?.();
    };
    this.#restorers.push(restore);
    const mock: MockContext = {
      calls,
      callCount: () => calls.length,
      mockImplementation: (fn) => void (current = fn),
      mockImplementationOnce: (fn, onCall = calls.length) => void once.set(onCall, fn),
      resetCalls: () => void (calls.length = 0),
      restore,
    };
    function mocked(this: unknown, ...args: unknown[]): unknown {
      const n = calls.length;
      let fn = once.get(n) ?? current;
      once.delete(n);
      if (times !== undefined && n >= times && fn === current) fn = original;
      const call: MockCall = {
        arguments: args,
        result: undefined,
        error: undefined,
        this: this,
        target: new.target,
      };
      try {
        call.result = new.target
          ? Reflect.construct(fn as unknown as new (...a: unknown[]) => unknown, args, new.target)
          : Reflect.apply(fn as (...a: unknown[]) => unknown, this, args);
        return call.result;
      } catch (err) {
        call.error = err;
        throw err;
      } finally {
        calls.push(call);
      }
    }
    return Object.assign(mocked as AnyFn, { mock });
  }
}

export const mock: MockTracker = new MockTracker();
