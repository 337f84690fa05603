/**
 * The ASCII bytes → string conversion a verification hands the core's token parser (speed only:
 * `parseJws` answers the same string whichever it is given).
 *
 * @module
 */
import { type AsciiText, isExactAscii, markExactAscii } from "../../core/token/mod.ts";
import type { VerifyCrypto } from "./types.ts";

// The crypto's native ASCII conversion, bound once per implementation (a bound method per call
// would cost what it saves); else the host's TextDecoder (ASCII is UTF-8 of one character per
// byte, without BOM), which every runtime with WebCrypto has; else the core's own.
const asciiTexts = new WeakMap<VerifyCrypto, AsciiText | undefined>();
let decoder: TextDecoder | undefined;
const hostAscii: AsciiText | undefined = typeof TextDecoder === "function"
  ? markExactAscii((bytes) => (decoder ??= new TextDecoder()).decode(bytes))
  : undefined;

/**
 * The ASCII conversion to verify with `crypto`: its own `asciiText`, else the host's.
 *
 * @example
 * ```ts
 * import { parseJws } from "../../core/token/mod.ts";
 * import { webCrypto } from "./webcrypto.ts";
 * declare const token: string;
 * const parsed = parseJws(token, asciiTextOf(webCrypto));
 * ```
 */
export function asciiTextOf(crypto: VerifyCrypto): AsciiText | undefined {
  let f = asciiTexts.get(crypto);
  if (f === undefined) {
    const own = crypto.asciiText;
    // An exact conversion (node:crypto's, and so a copy of that port) needs no `this`: passed
    // as is, the token memory knows it for what it is.
    f = typeof own !== "function" ? hostAscii : isExactAscii(own) ? own : own.bind(crypto);
    asciiTexts.set(crypto, f);
  }
  return f;
}
