/**
 * Minting every token kind (SPEC §5): claims from the core builders, validated against the wire
 * schemas (a bad argument is `ERR_INVALID_INPUT`, never a token the verifier would reject),
 * signed by an injected signer.
 *
 * @module
 */
import * as v from "valibot";
import { errorFromCode } from "../../core/errors/mod.ts";
import {
  AccessClaimsSchema,
  ActionClaimsSchema,
  ActionType,
  parseOrThrow,
  ProofClaimsSchema,
  SecureClaimsSchema,
  SessionClaimsSchema,
  TOKEN_TYP,
} from "../../core/wire/mod.ts";
import {
  accessToken,
  actionToken,
  compact,
  normalizeHtu,
  parseJws,
  proofToken,
  publicJwkProblem,
  secureToken,
  sessionToken,
  signingInput,
} from "../../core/token/mod.ts";
import { randomId } from "./random.ts";
import { jwkThumbprint } from "./thumbprint.ts";
import type { DeviceSigner, ServiceSigner, TokenSigner } from "./types.ts";

const encoder = new TextEncoder();
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Signs `header` and `claims` as a compact JWS. No policy: the `mint*` functions are the
 * checked way to make tokens; this is the building block (and what vector tools use).
 *
 * @example
 * ```ts
 * import type { SessionClaims } from "../../core/wire/tokens.ts";
 * import type { TokenSigner } from "./types.ts";
 * declare const signer: TokenSigner;
 * declare const kid: string;
 * declare const claims: SessionClaims;
 * const token = await signToken(signer, { alg: "EdDSA", typ: "ds-session+jwt", kid }, claims);
 * ```
 */
export async function signToken(
  signer: TokenSigner,
  header: object,
  claims: object,
): Promise<string> {
  const input = signingInput(header, claims);
  const signature = await signer.sign(encoder.encode(input));
  if (signature.length !== 64) throw errorFromCode("ERR_INTERNAL", "a signature is 64 bytes");
  return compact(input, signature);
}

function checkDeviceSigner(signer: DeviceSigner): void {
  const problem = publicJwkProblem(signer.jwk);
  const ok = problem === null &&
    (signer.alg === "EdDSA" ? signer.jwk.kty === "OKP" : signer.jwk.kty === "EC");
  if (!ok) {
    throw errorFromCode("ERR_INVALID_INPUT", `device signer: ${problem ?? "alg/key mismatch"}`);
  }
}

/** Validates a function argument (`ERR_INVALID_INPUT`), typed by the schema's output. */
function argument<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  return parseOrThrow(schema as v.GenericSchema<v.InferOutput<S>>, value, "ERR_INVALID_INPUT");
}

const Lifetime = (min: number, max: number, fallback: number) =>
  v.optional(v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max)), fallback);
const Times = {
  iat: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  jti: v.optional(v.string()),
};

const ProofInput = v.object({
  htm: v.string(),
  htu: v.string(),
  nonce: v.string(),
  ...Times,
});

/**
 * A device proof (SPEC §5.2) for a request: `htu` is normalized (§5.2.1, query and fragment
 * dropped).
 *
 * @example
 * ```ts
 * import type { DeviceSigner } from "./types.ts";
 * declare const signer: DeviceSigner;
 * declare const nonce: string;
 * const htu = "https://risk.example.com/v1/device/sessions";
 * const proof = await mintDeviceProof(signer, { htm: "POST", htu, nonce });
 * ```
 */
export async function mintDeviceProof(
  signer: DeviceSigner,
  input: { htm: string; htu: string; nonce: string; iat?: number; jti?: string },
): Promise<string> {
  checkDeviceSigner(signer);
  const o = argument(ProofInput, input);
  const htu = normalizeHtu(o.htu);
  if (htu === null) throw errorFromCode("ERR_INVALID_INPUT", "htu must be an absolute http(s) URL");
  const { header, claims } = proofToken({
    alg: signer.alg,
    jwk: signer.jwk,
    htm: o.htm as "POST",
    htu,
    nonce: o.nonce,
    iat: o.iat ?? nowSeconds(),
    jti: o.jti ?? randomId(),
  });
  return signToken(signer, header, parseOrThrow(ProofClaimsSchema, claims, "ERR_INVALID_INPUT"));
}

const SecureInput = v.object({
  sessionToken: v.string(),
  action: ActionType,
  expirationSeconds: Lifetime(1, 3600, 300),
  maxExpirationSeconds: Lifetime(1, 3600, 3600),
  ...Times,
});

/**
 * A secure session token (SPEC §5.4), minted locally with no round trip: bound to the device
 * key (which must be the one `sessionToken`'s `cnf.jkt` names), to `action`, single use.
 * `expirationSeconds` is 1..`maxExpirationSeconds` (the service's `secure_token_max_s`).
 *
 * @example
 * ```ts
 * import type { DeviceSigner } from "./types.ts";
 * declare const signer: DeviceSigner;
 * declare const sessionToken: string;
 * const token = await mintSecureSessionToken(signer, { sessionToken, action: "transaction" });
 * ```
 */
export async function mintSecureSessionToken(
  signer: DeviceSigner,
  input: {
    sessionToken: string;
    action: string;
    expirationSeconds?: number;
    maxExpirationSeconds?: number;
    iat?: number;
    jti?: string;
  },
): Promise<string> {
  checkDeviceSigner(signer);
  const o = argument(SecureInput, input);
  if (o.expirationSeconds > o.maxExpirationSeconds) {
    throw errorFromCode(
      "ERR_INVALID_INPUT",
      `expirationSeconds must be 1..${o.maxExpirationSeconds}`,
    );
  }
  const iat = o.iat ?? nowSeconds();
  await checkInnerToken(o.sessionToken, signer, iat);
  const { header, claims } = secureToken({
    alg: signer.alg,
    jwk: signer.jwk,
    tok: o.sessionToken,
    act: o.action,
    iat,
    expirationSeconds: o.expirationSeconds,
    jti: o.jti ?? randomId(),
  });
  return signToken(signer, header, parseOrThrow(SecureClaimsSchema, claims, "ERR_INVALID_INPUT"));
}

// SPEC §5.4 minting rules and §9.8: the inner token is a session token, unexpired at `iat`,
// bound to this very key. (Its signature is the service's business; the verifier checks it.)
async function checkInnerToken(token: string, signer: DeviceSigner, iat: number): Promise<void> {
  let payload: Record<string, unknown>;
  try {
    const parsed = parseJws(token);
    if (parsed.header.typ !== TOKEN_TYP.session) throw new Error("not a session token");
    payload = parsed.payload;
  } catch {
    throw errorFromCode("ERR_INVALID_INPUT", "sessionToken is not a session token");
  }
  if (typeof payload.exp !== "number" || iat >= payload.exp) {
    throw errorFromCode("ERR_INVALID_INPUT", "sessionToken is expired at iat: refresh first");
  }
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  if (cnf?.jkt !== await jwkThumbprint(signer.jwk)) {
    throw errorFromCode("ERR_INVALID_INPUT", "sessionToken is bound to another device key");
  }
}

const ServiceInput = {
  issuer: v.string(),
  clientId: v.string(),
  ...Times,
};

/**
 * A session token (SPEC §5.3), signed by the service key; `lifetime` 60–3600 s (default 900).
 *
 * @example
 * ```ts
 * import type { ServiceSigner } from "./types.ts";
 * declare const signer: ServiceSigner;
 * declare const issuer: string, sessionId: string, deviceId: string, jkt: string;
 * await mintSessionToken(signer, { issuer, clientId: "demo", sessionId, deviceId, jkt });
 * ```
 */
export async function mintSessionToken(
  signer: ServiceSigner,
  input: {
    issuer: string;
    clientId: string;
    sessionId: string;
    deviceId: string;
    jkt: string;
    lifetime?: number;
    iat?: number;
    jti?: string;
  },
): Promise<string> {
  const o = argument(
    v.object({
      ...ServiceInput,
      sessionId: v.string(),
      deviceId: v.string(),
      jkt: v.string(),
      lifetime: Lifetime(60, 3600, 900),
    }),
    input,
  );
  const { header, claims } = sessionToken({
    alg: signer.alg,
    kid: signer.kid,
    iss: o.issuer,
    aud: o.clientId,
    sub: o.sessionId,
    did: o.deviceId,
    jkt: o.jkt,
    iat: o.iat ?? nowSeconds(),
    lifetime: o.lifetime,
    jti: o.jti ?? randomId(),
  });
  return signToken(signer, header, parseOrThrow(SessionClaimsSchema, claims, "ERR_INVALID_INPUT"));
}

/**
 * An action token (SPEC §5.5); `lifetime` 1–86400 s (default 3600).
 *
 * @example
 * ```ts
 * import type { ServiceSigner } from "./types.ts";
 * declare const signer: ServiceSigner;
 * declare const issuer: string, clientId: string, sessionId: string, actionId: string;
 * await mintActionToken(signer, { issuer, clientId, sessionId, actionId, action: "login" });
 * ```
 */
export async function mintActionToken(
  signer: ServiceSigner,
  input: {
    issuer: string;
    clientId: string;
    sessionId: string;
    actionId: string;
    action: string;
    lifetime?: number;
    iat?: number;
    jti?: string;
  },
): Promise<string> {
  const o = argument(
    v.object({
      ...ServiceInput,
      sessionId: v.string(),
      actionId: v.string(),
      action: v.string(),
      lifetime: Lifetime(1, 86400, 3600),
    }),
    input,
  );
  const { header, claims } = actionToken({
    alg: signer.alg,
    kid: signer.kid,
    iss: o.issuer,
    aud: o.clientId,
    sub: o.sessionId,
    aid: o.actionId,
    act: o.action,
    iat: o.iat ?? nowSeconds(),
    lifetime: o.lifetime,
    jti: o.jti ?? randomId(),
  });
  return signToken(signer, header, parseOrThrow(ActionClaimsSchema, claims, "ERR_INVALID_INPUT"));
}

/**
 * A backend access token (SPEC §5.6): `aud` is the issuer; `lifetime` 1–86400 s (default 3600).
 *
 * @example
 * ```ts
 * import type { ServiceSigner } from "./types.ts";
 * declare const signer: ServiceSigner;
 * await mintAccessToken(signer, { issuer: "https://risk.example.com", clientId: "demo" });
 * ```
 */
export async function mintAccessToken(
  signer: ServiceSigner,
  input: { issuer: string; clientId: string; lifetime?: number; iat?: number; jti?: string },
): Promise<string> {
  const o = argument(
    v.object({ ...ServiceInput, lifetime: Lifetime(1, 86400, 3600) }),
    input,
  );
  const { header, claims } = accessToken({
    alg: signer.alg,
    kid: signer.kid,
    iss: o.issuer,
    clientId: o.clientId,
    iat: o.iat ?? nowSeconds(),
    lifetime: o.lifetime,
    jti: o.jti ?? randomId(),
  });
  return signToken(signer, header, parseOrThrow(AccessClaimsSchema, claims, "ERR_INVALID_INPUT"));
}
