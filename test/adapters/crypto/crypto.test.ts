// Crypto adapters: WebCrypto and node:crypto agree (raw r||s ES256), keys are non-extractable,
// the key cache shares imports, minting validates its input, service keys round-trip.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DeviceSessionError } from "../../../core/errors/mod.ts";
import { isExactAscii, parseJws } from "../../../core/token/mod.ts";
import type { Alg } from "../../../core/wire/mod.ts";
import { CryptoCache } from "../../../adapters/crypto/driver.ts";
import { deviceKeyPair, deviceSigner, generateDeviceKey } from "../../../adapters/crypto/keys.ts";
import {
  mintDeviceProof,
  mintSecureSessionToken,
  mintSessionToken,
} from "../../../adapters/crypto/mint.ts";
import { jwkThumbprint } from "../../../adapters/crypto/thumbprint.ts";
import type { VerifyCrypto } from "../../../adapters/crypto/types.ts";
import { generateKeyPair, webCrypto, webCryptoSigner } from "../../../adapters/crypto/webcrypto.ts";
import {
  exportServiceKey,
  generateServiceKey,
  importServiceKey,
  serviceKeyFromSigner,
} from "../../../adapters/keys/service-key.ts";

const inBrowser = typeof window !== "undefined";
const input = "eyJhbGciOiJFUzI1NiJ9.eyJhIjoxfQ";
const codeOf = async (p: Promise<unknown> | (() => unknown)): Promise<string | null> => {
  try {
    await (typeof p === "function" ? p() : p);
    return null;
  } catch (e) {
    assert.ok(e instanceof DeviceSessionError, String(e));
    return e.code;
  }
};

describe("WebCrypto adapter", () => {
  for (const alg of ["EdDSA", "ES256"] as const) {
    it(`${alg}: raw 64-byte signatures that verify, and never throw on garbage`, async () => {
      const key = await generateDeviceKey({ alg });
      const sig = await webCryptoSigner(alg, key.privateKey).sign(new TextEncoder().encode(input));
      assert.equal(sig.length, 64);
      const pub = await webCrypto.importKey(key.jwk, alg);
      assert.ok(pub !== null);
      assert.equal(await webCrypto.verify(alg, pub, input, sig), true);
      assert.equal(await webCrypto.verify(alg, pub, input + "x", sig), false);
      assert.equal(await webCrypto.verify(alg, pub, input, new Uint8Array(3)), false);
    });
  }

  it("answers for each input its own bytes, whatever input it encoded before", async () => {
    await checkInputs(webCrypto);
  });

  it("device keys: non-extractable by default, jkt is the RFC 7638 thumbprint", async () => {
    const key = await generateDeviceKey();
    assert.equal(key.alg, "EdDSA"); // every runtime here has Ed25519
    assert.equal(key.privateKey.extractable, false);
    assert.equal(key.jkt, await jwkThumbprint(key.jwk));
    assert.deepEqual(Object.keys(key.jwk).sort(), ["crv", "kty", "x"]);
    const es = await generateKeyPair("ES256");
    assert.equal(await codeOf(deviceKeyPair("EdDSA", es)), "ERR_INVALID_INPUT");
  });

  it("an off-curve P-256 key never verifies (Deno imports it; the core rejects it at step 2)", async () => {
    const key = await generateDeviceKey({ alg: "ES256" });
    const jwk = key.jwk as { kty: "EC"; crv: "P-256"; x: string; y: string };
    const y = jwk.y[0] === "A" ? "B" + jwk.y.slice(1) : "A" + jwk.y.slice(1);
    const sig = await webCryptoSigner("ES256", key.privateKey).sign(
      new TextEncoder().encode(input),
    );
    const imported = await webCrypto.importKey({ ...jwk, y }, "ES256");
    assert.ok(imported === null || !(await webCrypto.verify("ES256", imported, input, sig)));
  });
});

describe("node:crypto adapter", { skip: inBrowser && "needs node:crypto" }, () => {
  for (const alg of ["EdDSA", "ES256"] as const satisfies readonly Alg[]) {
    it(`${alg}: signatures cross-verify with WebCrypto`, async () => {
      const { nodeCrypto, nodeSigner } = await import("../../../adapters/crypto/node.ts");
      const key = await generateDeviceKey({ alg, extractable: true });
      const priv = await globalThis.crypto.subtle.exportKey("jwk", key.privateKey);
      const data = new TextEncoder().encode(input);
      const nodeSig = nodeSigner(alg, priv as never).sign(data) as Uint8Array;
      assert.equal(nodeSig.length, 64);
      assert.equal(
        await webCrypto.verify(alg, (await webCrypto.importKey(key.jwk, alg))!, input, nodeSig),
        true,
      );
      const webSig = await webCryptoSigner(alg, key.privateKey).sign(data);
      const k = nodeCrypto.importKey(key.jwk, alg) as Parameters<typeof nodeCrypto.verify>[1];
      assert.equal(nodeCrypto.verify(alg, k, input, webSig), true);
      assert.equal(nodeCrypto.verify(alg, k, input + "x", webSig), false);
      assert.equal(nodeCrypto.verify(alg, k, input, new Uint8Array(5)), false);
      assert.deepEqual(nodeCrypto.sha256(data), await webCrypto.sha256(data));
    });
  }
  it("answers for each input its own bytes, whatever input it encoded before", async () => {
    const { nodeCrypto } = await import("../../../adapters/crypto/node.ts");
    await checkInputs(nodeCrypto);
  });

  it("its ASCII conversion is exact, as WebCrypto's: the verifiers of both share a token's parse", async () => {
    const { nodeCrypto } = await import("../../../adapters/crypto/node.ts");
    const { asciiTextOf } = await import("../../../adapters/crypto/ascii.ts");
    const bytes = Uint8Array.from({ length: 128 }, (_, i) => i);
    for (const c of [nodeCrypto, { ...nodeCrypto }, webCrypto]) {
      const f = asciiTextOf(c)!;
      assert.ok(isExactAscii(f));
      assert.equal(f(bytes), String.fromCharCode(...bytes));
    }
    // A copy of the port (spread options, say) converts with the very same function.
    assert.equal(asciiTextOf({ ...nodeCrypto }), asciiTextOf(nodeCrypto));
  });
});

// A crypto that keeps the input it encoded last (the same session token recurs) must encode
// every other input anew, of any length (one too long for a token's buffer among them).
async function checkInputs(crypto: VerifyCrypto): Promise<void> {
  const key = await generateDeviceKey({ alg: "EdDSA" });
  const signer = webCryptoSigner("EdDSA", key.privateKey);
  const k = (await crypto.importKey(key.jwk, "EdDSA"))!;
  // Among them inputs of one length that differ in their first, a middle or their last
  // character, or in a non-ASCII one (more bytes than characters), and inputs too long.
  const same = (at: number, ch: string) => input.slice(0, at) + ch + input.slice(at + 1);
  const inputs = [
    input,
    `${input}x`,
    input.slice(0, 5),
    "a".repeat(9000),
    `${input}.`,
    "",
    same(0, "f"),
    same(15, "A"),
    same(input.length - 1, "R"),
    same(input.length - 1, "é"),
    "é".repeat(5000),
  ];
  const sigs = await Promise.all(inputs.map((i) => signer.sign(new TextEncoder().encode(i))));
  // Every input right after every other, each against its own signature and the other's.
  for (let a = 0; a < inputs.length; a++) {
    for (let b = 0; b < inputs.length; b++) {
      for (const [i, s] of [[a, a], [b, b], [b, a]]) {
        // A copy: an equal string that is another object.
        const text = [...inputs[i]!].join("");
        assert.equal(await crypto.verify("EdDSA", k, text, sigs[s]!), i === s, `${a} ${b}`);
      }
    }
  }
}

// asciiText (speed only) must answer exactly one character per byte, for views at any offset.
function checkAsciiText(asciiText: (bytes: Uint8Array) => string): void {
  const slab = new Uint8Array(300);
  for (let i = 0; i < slab.length; i++) slab[i] = (i * 37 + 11) % 128;
  for (const [from, to] of [[0, 0], [0, 300], [5, 6], [17, 229], [128, 300]] as const) {
    const bytes = slab.subarray(from, to);
    assert.equal(asciiText(bytes), String.fromCharCode(...bytes));
  }
}

describe("asciiText", () => {
  it(
    "node:crypto's: one character per ASCII byte",
    { skip: inBrowser && "needs node:buffer" },
    async () => {
      const { nodeCrypto } = await import("../../../adapters/crypto/node.ts");
      checkAsciiText(nodeCrypto.asciiText!);
    },
  );
});

describe("CryptoCache", () => {
  it("shares one import between concurrent verifications and stays bounded", async () => {
    let imports = 0;
    const counting: VerifyCrypto = {
      ...webCrypto,
      importKey: (j, a) => (imports++, webCrypto.importKey(j, a)),
    };
    const cache = new CryptoCache(counting, 2);
    const keys = await Promise.all([1, 2, 3].map(() => generateDeviceKey()));
    await Promise.all(Array.from({ length: 10 }, () => cache.key(keys[0]!.jwk, "EdDSA")));
    assert.equal(imports, 1);
    await cache.key(keys[1]!.jwk, "EdDSA");
    await cache.key(keys[2]!.jwk, "EdDSA"); // evicts keys[0]
    await cache.key(keys[0]!.jwk, "EdDSA");
    assert.equal(imports, 4);
  });
});

describe("minting", () => {
  it("validates its input with ERR_INVALID_INPUT", async () => {
    const service = await generateServiceKey();
    const device = await generateDeviceKey();
    const other = await generateDeviceKey();
    const signer = deviceSigner(device);
    const now = 1_800_000_000;
    const session = await mintSessionToken(service.signer, {
      issuer: "https://i",
      clientId: "demo",
      sessionId: "s_1",
      deviceId: "d_1",
      jkt: device.jkt,
      iat: now,
    });
    const secure = (o: object) =>
      mintSecureSessionToken(signer, { sessionToken: session, action: "login", iat: now, ...o });
    for (
      const o of [
        { expirationSeconds: 0 },
        { expirationSeconds: 3601 },
        { expirationSeconds: 1.5 },
        { action: "Login" },
        { action: "" },
        { expirationSeconds: 600, maxExpirationSeconds: 300 },
        { iat: now + 900 },
        { sessionToken: "x.y.z" },
      ]
    ) {
      assert.equal(await codeOf(secure(o)), "ERR_INVALID_INPUT", JSON.stringify(o));
    }
    assert.equal(
      await codeOf(
        mintSecureSessionToken(deviceSigner(other), {
          sessionToken: session,
          action: "login",
          iat: now,
        }),
      ),
      "ERR_INVALID_INPUT",
    );
    const token = await secure({ expirationSeconds: 3600 });
    const { header, payload } = parseJws(token);
    assert.deepEqual(header, { alg: "EdDSA", typ: "ds-secure+jwt", jwk: device.jwk });
    assert.equal((payload.exp as number) - (payload.iat as number), 3600);
    assert.match(payload.jti as string, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(
      await codeOf(mintDeviceProof(signer, { htm: "POST", htu: "/relative", nonce: "n" })),
      "ERR_INVALID_INPUT",
    );
    assert.equal(
      await codeOf(
        mintSessionToken(service.signer, {
          issuer: "https://i",
          clientId: "demo",
          sessionId: "s",
          deviceId: "d",
          jkt: device.jkt,
          lifetime: 30,
        }),
      ),
      "ERR_INVALID_INPUT",
    );
    const proof = parseJws(
      await mintDeviceProof(signer, {
        htm: "POST",
        htu: "HTTPS://I:443/v1/device/sessions?x=1",
        nonce: "n",
      }),
    );
    assert.equal(proof.payload.htu, "https://i/v1/device/sessions");
  });
});

describe("service keys", () => {
  it("kid is the thumbprint; an extractable key round-trips through its private JWK", async () => {
    const key = await generateServiceKey({ alg: "ES256", extractable: true });
    assert.equal(key.kid, await jwkThumbprint(key.jwk));
    assert.deepEqual([key.jwk.alg, key.jwk.use], ["ES256", "sig"]);
    const imported = await importServiceKey(await exportServiceKey(key));
    assert.equal(imported.kid, key.kid);
    const plain = await generateServiceKey();
    assert.equal(await codeOf(exportServiceKey(plain)), "ERR_INVALID_INPUT");
    assert.equal(await codeOf(importServiceKey({ kty: "RSA" })), "ERR_INVALID_INPUT");
    const device = await generateDeviceKey({ alg: "ES256" });
    assert.equal(
      await codeOf(serviceKeyFromSigner(webCryptoSigner("EdDSA", device.privateKey), device.jwk)),
      "ERR_INVALID_INPUT",
    );
  });
});
