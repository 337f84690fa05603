/**
 * RFC 7638 thumbprint known answers: the RFC's own RSA example (§3.1), RFC 9449's example
 * P-256 key (its `jkt`), and the fixed keys; each expectation checked against our code.
 */
import { DeviceSessionError } from "../../core/errors/mod.ts";
import { thumbprintInput } from "../../core/token/mod.ts";
import { nodeCrypto } from "../../adapters/crypto/node.ts";
import { jwkThumbprint } from "../../adapters/crypto/thumbprint.ts";
import { webCrypto } from "../../adapters/crypto/webcrypto.ts";
import { type Fixtures, KEY_ALGS, type KeyName } from "./token-fixtures.ts";

/** RFC 7638 §3.1: the RSA key whose thumbprint the RFC computes (used for this KAT only). */
export const RFC7638_RSA = {
  kty: "RSA",
  n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_" +
    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_" +
    "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI" +
    "4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  e: "AQAB",
  alg: "RS256",
  kid: "2011-04-29",
};

/** RFC 9449 §4.1/§6.1: the example DPoP key and its jkt. */
export const RFC9449_EC = {
  kty: "EC",
  x: "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
  y: "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
  crv: "P-256",
};

interface KatCase {
  comment: string;
  flags: string[];
  jwk: Record<string, unknown>;
  thumbprint?: string;
  code?: string;
}

export async function thumbprintTests(f: Fixtures): Promise<Record<string, unknown>> {
  const cases: KatCase[] = [
    {
      comment: "RFC 7638 §3.1 example RSA key (alg and kid are not thumbprint members)",
      flags: ["KnownAnswer"],
      jwk: RFC7638_RSA,
      thumbprint: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
    },
    {
      comment: "RFC 9449 example P-256 key: its jkt",
      flags: ["KnownAnswer"],
      jwk: RFC9449_EC,
      thumbprint: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
    },
    {
      comment: "RFC 9449 example key with members reordered and extra members (same thumbprint)",
      flags: ["KnownAnswer"],
      jwk: {
        y: RFC9449_EC.y,
        use: "sig",
        kid: "k",
        crv: "P-256",
        x: RFC9449_EC.x,
        kty: "EC",
        alg: "ES256",
      },
      thumbprint: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
    },
  ];
  for (const name of Object.keys(KEY_ALGS) as KeyName[]) {
    cases.push({
      comment: `fixed key ${name} (public members)`,
      flags: ["FixedKey"],
      jwk: { ...f.pub(name) },
    });
  }
  cases.push({
    comment: "private JWK: d is not a thumbprint member (same as the public key's)",
    flags: ["FixedKey"],
    jwk: { ...f.keys["device-ed25519"] },
    thumbprint: f.kid("device-ed25519"),
  });
  cases.push({
    comment: "EC key without y",
    flags: ["Invalid"],
    jwk: { kty: "EC", crv: "P-256", x: RFC9449_EC.x },
    code: "ERR_JWK_INVALID",
  });
  cases.push({
    comment: "unknown kty",
    flags: ["Invalid"],
    jwk: { kty: "XYZ", x: "AA" },
    code: "ERR_JWK_INVALID",
  });
  cases.push({
    comment: "crv not a string",
    flags: ["Invalid"],
    jwk: { kty: "OKP", crv: 25519, x: "AA" },
    code: "ERR_JWK_INVALID",
  });

  let tcId = 0;
  const tests = [];
  for (const c of cases) {
    let input: string | null = null;
    let code: string | null = null;
    try {
      input = thumbprintInput(c.jwk);
    } catch (e) {
      if (!(e instanceof DeviceSessionError)) throw e;
      code = e.code;
    }
    if (code !== (c.code ?? null)) {
      throw new Error(`${c.comment}: expected ${c.code ?? "valid"}, got ${code ?? "valid"}`);
    }
    let thumbprint: string | undefined;
    if (input !== null) {
      thumbprint = await jwkThumbprint(c.jwk, webCrypto);
      if (thumbprint !== await jwkThumbprint(c.jwk, nodeCrypto)) {
        throw new Error(`${c.comment}: crypto disagree`);
      }
      if (c.thumbprint !== undefined && c.thumbprint !== thumbprint) {
        throw new Error(`${c.comment}: expected ${c.thumbprint}, got ${thumbprint}`);
      }
    }
    tests.push({
      tcId: ++tcId,
      comment: c.comment,
      flags: c.flags,
      jwk: c.jwk,
      ...(input === null ? {} : { input, thumbprint }),
      result: code === null ? "valid" : "invalid",
      ...(code === null ? {} : { code }),
    });
  }
  return {
    algorithm: "RFC 7638 JWK thumbprint (SHA-256, base64url)",
    specVersion: 1,
    generator: "tools/vectors/gen-tokens.ts",
    numberOfTests: tcId,
    header: [
      "The thumbprint input (RFC 7638 §3: required members, lexicographic order, no whitespace)",
      "and its SHA-256 in base64url: a device key's jkt and a service key's kid (SPEC §3.1, §3.2).",
    ],
    notes: {
      KnownAnswer: "published examples: RFC 7638 §3.1 and RFC 9449's example key",
      FixedKey: "the fixed keys of vectors/tokens/keys.json",
      Invalid: "not a key RFC 7638 can hash: ERR_JWK_INVALID",
    },
    testGroups: [{ type: "JwkThumbprintTest", spec: "SPEC §3.1, §3.2; RFC 7638", tests }],
  };
}
