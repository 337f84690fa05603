/**
 * Hand-written checks of token claims, the verifier's hot path (a property test holds them
 * equal to the claims schemas of `tokens.ts`). Apart from `guards.ts` so the device SDK, which
 * never verifies, does not carry them.
 *
 * @module
 */
import {
  clientId,
  epochS,
  type Guard,
  id,
  isActionType,
  jws,
  len,
  nonce,
  obj,
  oneOf,
  str,
  validUrl,
} from "./guards.ts";

const issuer = len(1, 2048);
const jti = str(/^[A-Za-z0-9_-]{16,128}$/);
const times = { iat: epochS, exp: epochS, jti, ver: oneOf(1) };

/**
 * Token claims of each kind (SPEC §5.2–§5.6), as the claims schemas of `tokens.ts` check them:
 * the verifier's hot path runs these instead of the schemas.
 *
 * @example
 * ```ts
 * import { firstBad } from "./guards.ts";
 * declare const payload: unknown;
 * firstBad(CLAIM_GUARDS.session!, payload); // null, or the first invalid claim
 * ```
 */
export const CLAIM_GUARDS: Readonly<Record<string, Readonly<Record<string, Guard>>>> = {
  proof: {
    htm: oneOf("GET", "POST", "PUT", "DELETE", "PATCH"),
    htu: (x) => len(0, 2048)(x) && validUrl(x),
    iat: epochS,
    jti,
    nonce,
    ver: oneOf(1),
  },
  session: {
    iss: issuer,
    aud: clientId,
    sub: id,
    did: id,
    cnf: obj({ jkt: str(/^[A-Za-z0-9_-]{43}$/) }),
    ...times,
  },
  secure: { tok: jws, act: isActionType, ...times },
  action: { iss: issuer, aud: clientId, sub: id, aid: id, act: isActionType, ...times },
  access: { iss: issuer, aud: issuer, sub: clientId, scope: str(/^[a-z_]+( [a-z_]+)*$/), ...times },
};
