/**
 * Bearer tokens of the operator extensions, checked by their SHA-256 in constant time (the
 * configuration holds digests only, like client secrets).
 *
 * @module
 */
import { constantTimeEqual, digest, parseHash } from "../clients.ts";

/** The bearer token of an `Authorization` header, or `null`. */
export function bearerToken(header: string | null): string | null {
  const m = header === null ? null : /^Bearer[ ]+([\x21-\x7e]{1,4096})[ ]*$/i.exec(header);
  return m === null ? null : m[1]!;
}

/**
 * The index of the first of `hashes` (SHA-256, base64url or hex) that `token` matches, or -1.
 * Every candidate is compared, so the time does not tell which one matched.
 *
 * @example
 * ```ts
 * import { hashSecret } from "../clients.ts";
 * await matchToken("s3cret", [await hashSecret("s3cret")]); // 0
 * ```
 */
export async function matchToken(token: string, hashes: readonly string[]): Promise<number> {
  const given = await digest(token);
  let found = -1;
  hashes.forEach((h, i) => {
    if (constantTimeEqual(given, parseHash(h)) && found === -1) found = i;
  });
  return found;
}
