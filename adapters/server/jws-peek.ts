/**
 * Reads a compact JWS payload WITHOUT verifying it. Never a basis for a decision: used only to
 * choose what a verification needs (the time to check a telemetry token at, the session to look
 * up before a secure token's `jti` is consumed), and every such value is compared with the
 * verified result afterwards.
 *
 * @module
 */
import { decodeBase64Url } from "../../core/mod.ts";
import { type AsciiText, parseJws } from "../../core/token/mod.ts";

const decoder = new TextDecoder();

/**
 * The payload object of a compact JWS, or `null` when it is not one.
 *
 * @example
 * ```ts
 * declare const token: string;
 * peekPayload(token)?.iat;
 * ```
 */
export function peekPayload(token: string): Record<string, unknown> | null {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first === -1 || second === -1) return null;
  const bytes = decodeBase64Url(token.slice(first + 1, second));
  if (bytes === null) return null;
  try {
    const p = JSON.parse(decoder.decode(bytes));
    return typeof p === "object" && p !== null && !Array.isArray(p) ? p : null;
  } catch {
    return null;
  }
}

/**
 * The `iat` of a token, unverified, or `null`.
 *
 * @example
 * ```ts
 * declare const sessionToken: string;
 * peekIat(sessionToken); // 1795885673
 * ```
 */
export function peekIat(token: string): number | null {
  const iat = peekPayload(token)?.iat;
  return typeof iat === "number" && Number.isSafeInteger(iat) && iat >= 0 ? iat : null;
}

/**
 * The `sub` of the session token inside a secure session token, unverified, or `null`.
 * `asciiText`: the one the verification will parse with (it shares the parse).
 *
 * @example
 * ```ts
 * declare const secureToken: string;
 * peekSecureSessionId(secureToken); // "s_…"
 * ```
 */
export function peekSecureSessionId(token: string, asciiText?: AsciiText): string | null {
  // Both tokens are read by the verifier's own parse (core/token/jws.ts), which the verification
  // that follows runs too: any token it refuses fails that verification all the same, and it
  // decodes faster than peekPayload (a host's native ASCII conversion, no copies). The inner
  // session token recurs in every secure token of its session: its parse is remembered, so this
  // is a lookup, and the verification parses it no more.
  let sub: unknown;
  try {
    const tok = parseJws(token, asciiText).payload.tok;
    if (typeof tok !== "string") return null;
    sub = parseJws(tok, asciiText, true).payload.sub;
  } catch {
    return null;
  }
  return typeof sub === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(sub) ? sub : null;
}
