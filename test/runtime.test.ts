// What the product relies on from every runtime it ships to (Node, Deno, Bun, Chromium):
// non-extractable device keys in WebCrypto, sign/verify for both device algorithms, and
// jose's RFC 7638 thumbprint (the `cnf.jkt` binding). Runs unchanged on all four legs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { calculateJwkThumbprint } from "jose";

const subtle = globalThis.crypto.subtle;

const ALGORITHMS: ReadonlyArray<{
  label: string;
  gen: EcKeyGenParams | Algorithm;
  sign: EcdsaParams | Algorithm;
}> = [
  { label: "Ed25519", gen: { name: "Ed25519" }, sign: { name: "Ed25519" } },
  {
    label: "ES256 (P-256)",
    gen: { name: "ECDSA", namedCurve: "P-256" },
    sign: { name: "ECDSA", hash: "SHA-256" },
  },
];

// Returns a copy backed by a plain ArrayBuffer: WebCrypto's BufferSource excludes
// SharedArrayBuffer-backed views (Deno's TS 6 enforces it).
const flipBit = (bytes: ArrayBuffer | Uint8Array, index = 0): Uint8Array<ArrayBuffer> => {
  const src = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const copy = new Uint8Array(src.length);
  copy.set(src);
  copy[index] = copy[index]! ^ 1;
  return copy;
};

describe("WebCrypto device keys", () => {
  for (const { label, gen, sign } of ALGORITHMS) {
    describe(label, () => {
      it("generates a non-extractable key pair whose private key cannot be exported", async () => {
        const pair = await subtle.generateKey(gen, false, ["sign", "verify"]) as CryptoKeyPair;
        assert.equal(pair.privateKey.extractable, false);
        assert.equal(pair.privateKey.type, "private");
        // Public keys are always extractable: the device sends its JWK to the service.
        assert.equal(pair.publicKey.extractable, true);
        await assert.rejects(subtle.exportKey("pkcs8", pair.privateKey));
        await assert.rejects(subtle.exportKey("jwk", pair.privateKey));
        const jwk = await subtle.exportKey("jwk", pair.publicKey);
        assert.equal(jwk.d, undefined);
      });

      it("sign/verify round-trips and a one-bit change fails verification", async () => {
        const pair = await subtle.generateKey(gen, false, ["sign", "verify"]) as CryptoKeyPair;
        const data = new TextEncoder().encode("device-session signing input");
        const sig = await subtle.sign(sign, pair.privateKey, data);
        assert.equal(await subtle.verify(sign, pair.publicKey, sig, data), true);
        assert.equal(await subtle.verify(sign, pair.publicKey, sig, flipBit(data)), false);
        assert.equal(await subtle.verify(sign, pair.publicKey, flipBit(sig, 5), data), false);
      });
    });
  }
});

describe("jose", () => {
  it("calculateJwkThumbprint matches the RFC 7638 §3.1 example", async () => {
    const jwk = {
      kty: "RSA",
      n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_" +
        "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_" +
        "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI" +
        "4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      e: "AQAB",
      alg: "RS256",
      kid: "2011-04-29",
    };
    assert.equal(
      await calculateJwkThumbprint(jwk, "sha256"),
      "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
    );
  });
});
