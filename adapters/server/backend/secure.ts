/**
 * Reads the session id out of a secure session token before it is verified, only to look the
 * session up early (the verified result is compared with it afterwards).
 *
 * @module
 */
import { decodeBase64Url } from "../../../core/mod.ts";

function payload(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const bytes = decodeBase64Url(parts[1]!);
  if (bytes === null) return null;
  try {
    const p = JSON.parse(new TextDecoder().decode(bytes));
    return typeof p === "object" && p !== null ? p as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * The `sub` of the session token inside a secure session token, unverified; `null` if absent.
 *
 * @example
 * ```ts
 * secureSessionId(secureToken); // "s_…"
 * ```
 */
export function secureSessionId(token: string): string | null {
  const outer = payload(token);
  if (typeof outer?.tok !== "string") return null;
  const sub = payload(outer.tok)?.sub;
  return typeof sub === "string" && /^[A-Za-z0-9_-]{1,128}$/.test(sub) ? sub : null;
}
