// Secure tokens at one signature (SPEC §5.4): the inner session token's signature is verified
// once and remembered, but every use still checks the outer signature, the replay store, the
// inner token's key (still in the set) and its times; a failed verification is never remembered.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { deviceSigner } from "../../adapters/crypto/keys.ts";
import { mintSecureSessionToken, signToken } from "../../adapters/crypto/mint.ts";
import { secureToken } from "../../core/token/claims.ts";
import type { VerifyCrypto } from "../../adapters/crypto/types.ts";
import { webCrypto } from "../../adapters/crypto/webcrypto.ts";
import { generateServiceKey } from "../../adapters/keys/service-key.ts";
import type { ReplayStore } from "../../adapters/replay/types.ts";
import { verifySecureSessionToken } from "../../verify.ts";
import { CLIENT, ISSUER, world } from "./support.ts";

/** WebCrypto that counts signature checks. */
function counting() {
  const c = { verifies: 0 };
  const crypto: VerifyCrypto = {
    importKey: (jwk, alg) => webCrypto.importKey(jwk, alg),
    sha256: (d) => webCrypto.sha256(d),
    verify: (alg, key, input, sig) => {
      c.verifies++;
      return webCrypto.verify(alg, key as never, input, sig);
    },
  };
  return { c, crypto };
}
const acceptAll: ReplayStore = { consume: () => Promise.resolve(true) };
const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return "ok";
  } catch (e) {
    const err = e as { code: string; details?: { cause?: string } };
    return err.details?.cause ? `${err.code}/${err.details.cause}` : err.code;
  }
};

describe("secure token: the inner session token is verified once", { timeout: 120_000 }, () => {
  it("a second secure token of the session costs one signature", async () => {
    const w = await world();
    const { c, crypto } = counting();
    const opts = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks, action: "login", crypto };
    const signer = deviceSigner(w.device);
    const secure = (jti?: number) =>
      mintSecureSessionToken(signer, {
        sessionToken: w.tokens.session,
        action: "login",
        iat: w.now + (jti ?? 0),
      });
    c.verifies = 0;
    const first = await secure(1);
    assert.equal(
      await code(verifySecureSessionToken(first, { ...opts, replayStore: acceptAll })),
      "ok",
    );
    assert.equal(c.verifies, 2, "outer and inner signatures");
    c.verifies = 0;
    assert.equal(
      await code(verifySecureSessionToken(await secure(2), { ...opts, replayStore: acceptAll })),
      "ok",
    );
    assert.equal(c.verifies, 1, "only the outer signature");
  });

  it("an inner failure once is verified again next time (never a cached false)", async () => {
    const w = await world();
    const { c, crypto } = counting();
    const opts = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks, action: "login", crypto };
    // The outer signature passes, then the inner check is made to fail.
    let n = 0;
    const failInner: VerifyCrypto = {
      ...crypto,
      verify: (alg, key, input, sig) => (++n === 2 ? false : crypto.verify(alg, key, input, sig)),
    };
    assert.equal(
      await code(verifySecureSessionToken(w.tokens.secure, {
        ...opts,
        crypto: failInner,
        replayStore: acceptAll,
      })),
      "ERR_INNER_TOKEN_INVALID/ERR_SIGNATURE_INVALID",
    );
    c.verifies = 0;
    assert.equal(
      await code(verifySecureSessionToken(w.tokens.secure, {
        ...opts,
        crypto: failInner,
        replayStore: acceptAll,
      })),
      "ok",
    );
    assert.equal(c.verifies, 2, "the inner signature was verified again");
  });

  it("a remembered inner token still fails on expiry, key removal, outer signature and replay", async () => {
    const w = await world();
    const { crypto } = counting();
    const base = { issuer: ISSUER, audience: CLIENT, action: "login", crypto };
    const signer = deviceSigner(w.device);
    // Built by hand: the minter refuses an inner token that is expired at `iat`.
    const mint = (iat: number) => {
      const { header, claims } = secureToken({
        alg: signer.alg,
        jwk: signer.jwk,
        tok: w.tokens.session,
        act: "login",
        iat,
        expirationSeconds: 300,
        jti: `jti-secure-inner-${iat}`,
      });
      return signToken(signer, header, claims);
    };
    // Remember the inner token.
    assert.equal(
      await code(
        verifySecureSessionToken(await mint(w.now), {
          ...base,
          jwks: w.jwks,
          replayStore: acceptAll,
        }),
      ),
      "ok",
    );
    // Expired: an outer iat past the inner exp (+ tolerance) fails the inner times.
    const late = w.now + 3600 + 120;
    assert.equal(
      await code(
        verifySecureSessionToken(await mint(late), {
          ...base,
          jwks: w.jwks,
          now: late,
          replayStore: acceptAll,
        }),
      ),
      "ERR_INNER_TOKEN_INVALID/ERR_TOKEN_EXPIRED",
    );
    // The service key left the key set (another key in its place).
    const other = await generateServiceKey({ alg: "EdDSA" });
    assert.equal(
      await code(
        verifySecureSessionToken(await mint(w.now + 1), {
          ...base,
          jwks: { keys: [other.jwk] },
          replayStore: acceptAll,
        }),
      ),
      "ERR_INNER_TOKEN_INVALID/ERR_KEY_UNKNOWN",
    );
    // The outer signature is always checked.
    const good = await mint(w.now + 3);
    const tampered = good.slice(0, -4) + (good.endsWith("AAAA") ? "BAAA" : "AAAA");
    assert.equal(
      await code(
        verifySecureSessionToken(tampered, { ...base, jwks: w.jwks, replayStore: acceptAll }),
      ),
      "ERR_SIGNATURE_INVALID",
    );
    // The replay check is always made.
    const seen = new Set<string>();
    const once: ReplayStore = {
      consume: (id) => Promise.resolve(!seen.has(id) && !!seen.add(id)),
    };
    const opts = { ...base, jwks: w.jwks, replayStore: once };
    assert.equal(await code(verifySecureSessionToken(good, opts)), "ok");
    assert.equal(await code(verifySecureSessionToken(good, opts)), "ERR_REPLAYED");
  });
});
