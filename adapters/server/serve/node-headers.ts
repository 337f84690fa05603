/**
 * The request's `Headers` over Node's raw header list, built lazily: `get` and `has` (all the
 * service reads: content type and length, authorization, origin, request id) look the name up in
 * the raw list; any other member makes the WHATWG `Headers` once, which from then on answers
 * everything. Building that object validates and sorts every header, which costs more than the
 * lookups of a whole request. Whatever the fast path is unsure of (a name `Headers` would refuse,
 * a value it would normalize or refuse) it leaves to the real object, so answers never differ
 * (a property test holds it to `Headers`: test/server/http/node-headers.test.ts).
 *
 * @module
 */
import { forwardToReal } from "../forward.ts";

const REAL = Symbol("headers");
// RFC 9110 token: what `Headers` accepts as a name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A value `Headers` keeps as it is: Latin-1 only (it refuses anything above U+00FF), no leading
// or trailing whitespace, no NUL, CR or LF.
const PLAIN =
  /^(?:[^\s\0\u0100-\uffff]|[^\s\0\u0100-\uffff][^\0\r\n\u0100-\uffff]*[^\s\0\u0100-\uffff])?$/;

class LazyHeaders {
  readonly #raw: readonly string[];
  #real: Headers | undefined;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  /** The values of `name` joined as `Headers` joins them; `undefined`: ask the real object. */
  #lookup(name: string): string | null | undefined {
    if (this.#real !== undefined || !TOKEN.test(name)) return undefined;
    const lower = name.toLowerCase();
    const raw = this.#raw;
    let out: string | null = null;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const k = raw[i]!;
      if (k.length !== lower.length || k.toLowerCase() !== lower) continue;
      // A non-ASCII name can lower-case to ASCII (U+212A KELVIN SIGN → "k"); `Headers` refuses it.
      const v = raw[i + 1]!;
      if (!TOKEN.test(k) || !PLAIN.test(v)) return undefined;
      out = out === null ? v : `${out}, ${v}`;
    }
    return out;
  }

  get(name: string): string | null {
    const v = this.#lookup(name);
    return v !== undefined ? v : this[REAL]().get(name);
  }
  has(name: string): boolean {
    const v = this.#lookup(name);
    return v !== undefined ? v !== null : this[REAL]().has(name);
  }

  /** The WHATWG `Headers`, made once (a header `Headers` refuses is dropped, as before). */
  [REAL](): Headers {
    if (this.#real !== undefined) return this.#real;
    const headers = new Headers();
    const raw = this.#raw;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      try {
        headers.append(raw[i]!, raw[i + 1]!);
      } catch { /* a header value fetch rejects: drop it */ }
    }
    return this.#real = headers;
  }
}

// Every other `Headers` member (set, forEach, entries, iteration, …) works on the real object.
forwardToReal(LazyHeaders, Headers, (self) => self[REAL](), [Symbol.iterator]);

/**
 * The `Headers` of Node's `rawHeaders` (`[name, value, name, value, …]`), built lazily.
 *
 * @example
 * ```ts
 * const headers = lazyHeaders(["Content-Type", "application/json", "Host", "a"]);
 * headers.get("content-type"); // "application/json", no Headers object made
 * ```
 */
export function lazyHeaders(raw: readonly string[]): Headers {
  return new LazyHeaders(raw) as unknown as Headers;
}

/**
 * A genuine `Headers` for `headers` (what the `Request` constructor needs).
 *
 * @example
 * ```ts
 * const real = realHeaders(lazyHeaders(["Host", "a"]));
 * ```
 */
export function realHeaders(headers: Headers): Headers {
  return headers instanceof LazyHeaders ? headers[REAL]() : headers;
}
