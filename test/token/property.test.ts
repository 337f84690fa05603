// Any single-byte change to any valid token of any kind makes verification fail (SPEC §4:
// canonical encoding, signatures over header and payload, one accepted encoding per token).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DeviceSessionError } from "../../core/errors/mod.ts";
import type { Alg, TokenKind } from "../../core/wire/mod.ts";
import { createMemoryReplayStore } from "../../adapters/replay/memory.ts";
import {
  verifyAccessToken,
  verifyActionToken,
  verifyDeviceProof,
  verifySecureSessionToken,
  verifySessionToken,
} from "../../verify.ts";
import { CLIENT, HTU, ISSUER, NONCE, type World, world } from "../verify/support.ts";

function verifier(w: World): (kind: TokenKind, token: string) => Promise<unknown> {
  const base = { issuer: ISSUER, audience: CLIENT, jwks: w.jwks, now: w.now };
  return (kind, token) => {
    // A fresh replay store each time: the unchanged token must stay verifiable.
    const replayStore = createMemoryReplayStore();
    switch (kind) {
      case "session":
        return verifySessionToken(token, base);
      case "action":
        return verifyActionToken(token, base);
      case "access":
        return verifyAccessToken(token, base);
      case "secure":
        return verifySecureSessionToken(token, { ...base, action: "login", replayStore });
      case "proof":
        return verifyDeviceProof(token, {
          method: "POST",
          url: HTU,
          now: w.now,
          isNonceValid: (n) => n === NONCE,
          replayStore,
        });
    }
  };
}

// Deno's P-256 is slow: fewer runs for ES256.
const RUNS: Record<Alg, number> = { EdDSA: 150, ES256: 25 };

for (const alg of ["EdDSA", "ES256"] as const) {
  describe(`single-byte changes (${alg})`, () => {
    for (const kind of ["session", "secure", "proof", "action", "access"] as const) {
      it(`a ${kind} token with any one byte changed is rejected`, async () => {
        const w = await world(alg);
        const verify = verifier(w);
        const token = w.tokens[kind];
        await verify(kind, token); // the original is valid
        await fc.assert(
          fc.asyncProperty(
            fc.nat(token.length - 1),
            fc.integer({ min: 0, max: 255 }),
            async (i, byte) => {
              fc.pre(token.charCodeAt(i) !== byte);
              const changed = token.slice(0, i) + String.fromCharCode(byte) + token.slice(i + 1);
              await assert.rejects(verify(kind, changed), (e) => e instanceof DeviceSessionError);
            },
          ),
          { numRuns: RUNS[alg] },
        );
      });
    }
  });
}
