/**
 * Generates the token vectors (Wycheproof-style envelope, DESIGN §6):
 *   vectors/tokens/verify.json       verification of every token kind, valid and hostile
 *   vectors/tokens/thumbprints.json  RFC 7638 thumbprint known answers
 *   vectors/tokens/keys.json         the fixed test keys (created on the first run only)
 * from fixed keys and times, checking every expectation against our verifier (WebCrypto and
 * node:crypto) as it writes: a vector never records what the implementation does not do.
 *
 * Run: `node --import tsx tools/vectors/gen-tokens.ts`.
 */
import { writeFileSync } from "node:fs";
import { TOKEN_TYP, type TokenKind } from "../../core/wire/mod.ts";
import { nodeCrypto } from "../../adapters/crypto/node.ts";
import { webCrypto } from "../../adapters/crypto/webcrypto.ts";
import { mismatch, runTokenVector, type TokenVector } from "../../test/verify/vector-runner.ts";
import { loadFixtures } from "./token-fixtures.ts";
import { type Case, defaultOptions } from "./token-kinds.ts";
import { serviceCases } from "./token-cases-service.ts";
import { actionAccessCases } from "./token-cases-action-access.ts";
import { secureCases } from "./token-cases-device.ts";
import { proofCases } from "./token-cases-proof.ts";
import { weakKeyCases } from "./token-cases-weak-keys.ts";
import { encodingCases, typSwapCases } from "./token-cases-encoding.ts";
import { textCases } from "./token-cases-text.ts";
import { jsonEdgeCases } from "./token-cases-json-edges.ts";
import { thumbprintTests } from "./token-thumbprints.ts";

const SPEC: Record<TokenKind, string> = {
  proof: "SPEC §5.2",
  session: "SPEC §5.3",
  secure: "SPEC §5.4",
  action: "SPEC §5.5",
  access: "SPEC §5.6",
};

const NOTES: Record<string, string> = {
  Valid: "a token the verifier must accept (and, where `expected` is given, with that result)",
  AlgNone: "alg none (RFC 8725 §2.1): never accepted",
  AlgConfusion:
    "an alg outside the allow-list, a MAC keyed with a public key, or an alg that does not match the key",
  TypConfusion:
    "a typ other than the kind's exact value, including tokens of another kind (SPEC §4.4)",
  Crit: "a crit header member of any value (SPEC §4.4)",
  KeySelection: "kid/jku/x5u/jwk tricks: keys only ever come from the configured JWKS (SPEC §3.7)",
  Rotation: "tokens signed by the previous key while it is, or is no longer, published (SPEC §3.6)",
  Tampered: "header, payload or signature changed after signing, or re-signed with another key",
  Claims: "a required claim missing, of the wrong type or format, or ver other than 1 (SPEC §4.6)",
  IssuerAudience: "iss or aud other than expected, byte for byte",
  Time: "lifetime, not-yet-valid and expiry checks with tolerance (SPEC §4.7, §5.2 step 6)",
  Encoding: "non-canonical base64url, segments, UTF-8 and JSON shape (SPEC §1.3, §4.3)",
  Duplicate: "duplicate JSON member names at any depth (SPEC §4.3)",
  Oversize: "the 8192-byte cap, counted in bytes before decoding (SPEC §4.2)",
  Jwk: "the jwk header of device-signed tokens (SPEC §4.5)",
  WeakKey:
    "an Ed25519 jwk that is a small-order point, x = 0 with the sign bit set, or a non-canonical y ≥ p, signed with no private key (SPEC §4.5)",
  Binding: "the device key does not match the session's cnf.jkt or registered key",
  InnerToken: "the session token inside a secure token fails §5.3 (the cause is its code)",
  Nested: "a token of one kind where another is expected, or nested inside another",
  Action: "action binding, compared byte for byte; case and look-alike games are not action types",
  Replay:
    "single use: `consumed` lists jtis an earlier accepted presentation to this verifier consumed",
  Target: "proof htm/htu against the request (SPEC §5.2.1)",
  Nonce: "proof nonce: `nonces` lists the ones the service issued and still accepts",
};

async function main(): Promise<void> {
  const f = await loadFixtures();
  const cases: Case[] = [
    ...serviceCases(f),
    ...actionAccessCases(f),
    ...secureCases(f),
    ...proofCases(f),
    ...weakKeyCases(f),
    ...encodingCases(f),
    ...textCases(f),
    ...jsonEdgeCases(f),
    ...typSwapCases(f),
  ];
  let tcId = 0;
  const groups = [];
  for (const kind of ["session", "secure", "proof", "action", "access"] as const) {
    const tests: TokenVector[] = [];
    for (const c of cases.filter((x) => x.kind === kind)) {
      for (const flag of c.flags) if (!NOTES[flag]) throw new Error(`flag ${flag} has no note`);
      const t = {
        tcId: ++tcId,
        comment: c.comment,
        flags: c.flags,
        token: c.token,
        ...defaultOptions(f, kind),
        ...c.options,
        result: c.expect === "valid" ? "valid" : "invalid",
        ...(c.expect === "valid" ? {} : { code: c.expect }),
        ...(c.cause ? { cause: c.cause } : {}),
        ...(c.expected ? { expected: c.expected } : {}),
      } as TokenVector;
      for (const crypto of [webCrypto, nodeCrypto]) {
        const why = mismatch(t, await runTokenVector(kind, t, crypto));
        if (why !== null) throw new Error(`${kind} tcId ${t.tcId} "${t.comment}": ${why}`);
      }
      tests.push(t);
    }
    groups.push({
      type: "TokenVerificationTest",
      kind,
      typ: TOKEN_TYP[kind],
      spec: SPEC[kind],
      tests,
    });
  }
  const file = {
    algorithm: "device-session token verification",
    specVersion: 1,
    generator: "tools/vectors/gen-tokens.ts",
    numberOfTests: tcId,
    header: [
      "Tokens of every kind of SPEC v1, valid and hostile. Verify `token` as the group's kind with",
      "the options the test carries (now, issuer, audience, jwks, action, algorithms, …; an absent",
      "option takes the SPEC default: both algorithms, tolerance 30 s, secure max lifetime 3600 s).",
      "A valid token must be accepted; an invalid one rejected with `code` (the first failing step",
      "of SPEC §5) and, for ERR_INNER_TOKEN_INVALID, `cause`. Keys: vectors/tokens/keys.json.",
    ],
    notes: NOTES,
    testGroups: groups,
  };
  const out = new URL("../../vectors/tokens/verify.json", import.meta.url);
  writeFileSync(out, JSON.stringify(file, null, 2) + "\n");
  console.log(`vectors/tokens/verify.json: ${tcId} tests in ${groups.length} groups`);

  const kat = await thumbprintTests(f);
  writeFileSync(
    new URL("../../vectors/tokens/thumbprints.json", import.meta.url),
    JSON.stringify(kat, null, 2) + "\n",
  );
  console.log(`vectors/tokens/thumbprints.json: ${kat.numberOfTests} tests`);
}

await main();
