/**
 * RFC 7638 thumbprints (SHA-256, base64url): a device key's `jkt`, a service key's `kid`.
 *
 * @module
 */
import { encodeBase64Url, encodeUtf8, thumbprintInput } from "../../core/token/mod.ts";
import type { VerifyCrypto } from "./types.ts";
import { webSha256 } from "./webcrypto.ts";

const WEB = { sha256: webSha256 };

/**
 * The RFC 7638 SHA-256 thumbprint of a JWK (any key type RFC 7638 defines: EC, OKP, RSA, oct).
 *
 * @example
 * ```ts
 * const jkt = await jwkThumbprint({ kty: "OKP", crv: "Ed25519", x: "…" }); // 43 characters
 * ```
 */
export async function jwkThumbprint(
  jwk: object,
  crypto: Pick<VerifyCrypto, "sha256"> = WEB,
): Promise<string> {
  const input = thumbprintInput(jwk as Record<string, unknown>);
  return encodeBase64Url(await crypto.sha256(encodeUtf8(input)));
}
