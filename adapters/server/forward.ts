/**
 * The one mechanism behind the service's lazy web objects (the light `Response` of
 * `http/answer.ts`, the Node adapter's `Request` and `Headers`): a class implements the members
 * it can answer cheaply, and every other member of the web class is forwarded to the real object,
 * made on first use. Its prototype then extends the web class's, so `instanceof` holds.
 *
 * @module
 */

/**
 * Defines on `lazy.prototype` every member of `web.prototype` it does not define itself (by
 * name, plus the given symbols), each reading or calling the same member of `real(this)`.
 *
 * @example
 * ```ts
 * const REAL = Symbol("real");
 * class LazyHeaders {
 *   #real: Headers | undefined;
 *   [REAL](): Headers {
 *     return this.#real ??= new Headers();
 *   }
 * }
 * forwardToReal(LazyHeaders, Headers, (self) => self[REAL](), [Symbol.iterator]);
 * ```
 */
export function forwardToReal<T extends object>(
  lazy: { readonly prototype: T },
  web: { readonly prototype: object },
  real: (self: T) => object,
  symbols: readonly symbol[] = [],
): void {
  const target = lazy.prototype;
  for (const name of [...Object.getOwnPropertyNames(web.prototype), ...symbols]) {
    if (name === "constructor" || Object.hasOwn(target, name)) continue;
    const d = Object.getOwnPropertyDescriptor(web.prototype, name)!;
    Object.defineProperty(target, name, {
      configurable: true,
      ...(d.get !== undefined
        ? {
          get(this: T) {
            return Reflect.get(real(this), name);
          },
        }
        : {
          value(this: T, ...args: unknown[]) {
            const r = real(this);
            return (Reflect.get(r, name) as (...a: unknown[]) => unknown).apply(r, args);
          },
        }),
    });
  }
  Object.setPrototypeOf(target, web.prototype);
}
