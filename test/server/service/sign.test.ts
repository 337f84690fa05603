// The service's token signing (adapters/server/sign.ts) gives exactly the compact JWS of the
// checked `signToken` (adapters/crypto/mint.ts): same header and payload segments, same
// signature encoding, on any claims (any JSON, any Unicode), and the same failure.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { signToken } from "../../../adapters/crypto/mint.ts";
import { signServiceToken } from "../../../adapters/server/sign.ts";
import type { TokenSigner } from "../../../adapters/crypto/types.ts";
import { actionToken, parseJws } from "../../../core/token/mod.ts";

const TIMEOUT = { timeout: 60_000 };

/** A deterministic stand-in signer: 64 bytes that depend on every input byte. */
function signer(length = 64): TokenSigner {
  return {
    alg: "EdDSA",
    sign(data: Uint8Array): Uint8Array {
      const out = new Uint8Array(length);
      for (let i = 0; i < data.length; i++) {
        out[i % length] = (out[i % length]! * 31 + data[i]!) & 255;
      }
      return out;
    },
  };
}

describe("service token signing", () => {
  it("equals signToken on any header and claims", TIMEOUT, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ alg: fc.constantFrom("EdDSA", "ES256"), typ: fc.string(), kid: fc.string() }),
        fc.dictionary(
          fc.string({
            unit: fc.oneof(
              fc.constantFrom("\ud800", "é", "😀"),
              fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
            ),
          }),
          fc.jsonValue(),
        ),
        async (header, claims) => {
          const s = signer();
          assert.equal(
            await signServiceToken(s, header, claims),
            await signToken(s, header, claims),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("an action token of the core builder round-trips through parseJws", TIMEOUT, async () => {
    const { header, claims } = actionToken({
      alg: "EdDSA",
      kid: "k-é",
      iss: "https://risk.example.com",
      aud: "shop",
      sub: "s_1",
      aid: "a_1",
      act: "login",
      iat: 1795000000,
      lifetime: 3600,
      jti: "j".repeat(22),
    });
    for (let i = 0; i < 2; i++) { // the second time from the header cache
      const token = await signServiceToken(signer(), header, claims);
      const parsed = parseJws(token);
      assert.deepEqual(parsed.header, header);
      assert.deepEqual(parsed.payload, claims);
      assert.equal(token, await signToken(signer(), header, claims));
    }
  });

  it("refuses a signature that is not 64 bytes, as signToken does", TIMEOUT, async () => {
    await assert.rejects(signServiceToken(signer(63), { alg: "EdDSA" }, {}), {
      code: "ERR_INTERNAL",
    });
    await assert.rejects(signToken(signer(63), { alg: "EdDSA" }, {}), { code: "ERR_INTERNAL" });
  });
});
