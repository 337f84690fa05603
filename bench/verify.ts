/**
 * Verification throughput, as ratios measured in one run (DESIGN §7): our session-token and
 * secure-token verification against raw signature verification (WebCrypto, node:crypto) and
 * JWT libraries (jose jwtVerify, fast-jwt without cache), for EdDSA and ES256.
 *
 * Run: `node --import tsx bench/verify.ts` · `deno run -A bench/verify.ts` · `bun bench/verify.ts`
 * Options: `--ms=300` per measurement, `--rounds=5` (cases are interleaved; the median counts).
 *
 * The secure-token cases use a replay store that accepts every id: they measure verification
 * (two signatures, one hash, the checks), not a store. Timings on a shared VM are noisy; read the
 * ratios, which compare cases measured side by side.
 */
import { jwtVerify } from "jose";
import type { Alg } from "../core/wire/mod.ts";
import type { PublicJwk } from "../core/token/mod.ts";
import { deviceSigner, generateDeviceKey } from "../adapters/crypto/keys.ts";
import { mintSecureSessionToken, mintSessionToken } from "../adapters/crypto/mint.ts";
import type { VerifyCrypto } from "../adapters/crypto/types.ts";
import { webCrypto } from "../adapters/crypto/webcrypto.ts";
import { generateServiceKey } from "../adapters/keys/service-key.ts";
import type { ReplayStore } from "../adapters/replay/types.ts";
import { verifySecureSessionToken, verifySessionToken } from "../verify.ts";

const arg = (name: string, fallback: number): number => {
  const hit = (globalThis as { process?: { argv: string[] } }).process?.argv
    .find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
};
const MS = arg("ms", 150);
const ROUNDS = arg("rounds", 10);
const runtime = "Deno" in globalThis
  ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
  : "Bun" in globalThis
  ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `node ${(globalThis as unknown as { process: { version: string } }).process.version}`;

type Case = { name: string; run: () => unknown };

async function measure(run: () => unknown, ms: number): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await run();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const ISSUER = "https://risk.example.com";
const acceptAll: ReplayStore = { consume: () => Promise.resolve(true) };

async function casesFor(
  alg: Alg,
  node: { crypto: VerifyCrypto; raw: () => unknown } | null,
): Promise<Case[]> {
  const service = await generateServiceKey({ alg, extractable: true });
  const device = await generateDeviceKey({ alg });
  const now = Math.floor(Date.now() / 1000);
  const session = await mintSessionToken(service.signer, {
    issuer: ISSUER,
    clientId: "demo",
    sessionId: "s_bench",
    deviceId: "d_bench",
    jkt: device.jkt,
    iat: now,
    lifetime: 3600,
  });
  const secure = await mintSecureSessionToken(deviceSigner(device), {
    sessionToken: session,
    action: "login",
    iat: now,
    expirationSeconds: 3600,
  });
  const jwks = { keys: [service.jwk] };
  const opts = { issuer: ISSUER, audience: "demo", jwks };
  const secureOpts = { ...opts, action: "login", replayStore: acceptAll };
  const [h, p, s] = session.split(".") as [string, string, string];
  const data = new TextEncoder().encode(`${h}.${p}`);
  const sig = Uint8Array.from(
    atob(s.replace(/-/g, "+").replace(/_/g, "/")),
    (c) => c.charCodeAt(0),
  );
  const key = (await webCrypto.importKey(service.jwk as PublicJwk, alg))!;
  const params = alg === "EdDSA" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
  const cases: Case[] = [
    { name: "raw WebCrypto verify", run: () => crypto.subtle.verify(params, key, sig, data) },
    {
      name: "jose jwtVerify",
      run: () => jwtVerify(session, key, { algorithms: [alg], issuer: ISSUER, audience: "demo" }),
    },
    { name: "ours: session token (WebCrypto)", run: () => verifySessionToken(session, opts) },
    {
      name: "ours: secure token (WebCrypto)",
      run: () => verifySecureSessionToken(secure, secureOpts),
    },
  ];
  if (node !== null) {
    const { createPublicKey, verify } = await import("node:crypto");
    const pub = createPublicKey({ key: { ...service.jwk } as never, format: "jwk" });
    cases.push({
      name: "raw node:crypto verify",
      run: alg === "EdDSA"
        ? () => verify(null, data, pub, sig)
        : () => verify("sha256", data, { key: pub, dsaEncoding: "ieee-p1363" }, sig),
    });
    cases.push({
      name: "ours: session token (node:crypto)",
      run: () => verifySessionToken(session, { ...opts, crypto: node.crypto }),
    });
    cases.push({
      name: "ours: secure token (node:crypto)",
      run: () => verifySecureSessionToken(secure, { ...secureOpts, crypto: node.crypto }),
    });
    try {
      const { createVerifier } = await import("fast-jwt");
      const pem = pub.export({ format: "pem", type: "spki" }) as string;
      const fj = createVerifier({
        key: pem,
        algorithms: [alg],
        cache: false,
        allowedIss: ISSUER,
        allowedAud: "demo",
      });
      fj(session);
      cases.push({ name: "fast-jwt verify (no cache)", run: () => fj(session) });
    } catch (e) {
      console.log(`(fast-jwt unavailable here: ${String(e).slice(0, 80)})`);
    }
  }
  for (const c of cases) await c.run(); // every case must succeed before it is timed
  return cases;
}

async function main(): Promise<void> {
  let node: { crypto: VerifyCrypto; raw: () => unknown } | null = null;
  try {
    const { nodeCrypto } = await import("../adapters/crypto/node.ts");
    node = { crypto: nodeCrypto, raw: () => 0 };
  } catch { /* no node:crypto */ }
  console.log(
    `bench/verify on ${runtime}: ${ROUNDS} interleaved rounds of ${MS} ms per case, median ops/s`,
  );
  for (const alg of ["EdDSA", "ES256"] as const) {
    const cases = await casesFor(alg, node);
    for (const c of cases) await measure(c.run, Math.min(MS, 200)); // warm-up
    const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of cases) samples.get(c.name)!.push(await measure(c.run, MS));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ops = new Map([...samples].map(([k, v]) => [k, median(v)]));
    // Ratios per round (cases of one round ran side by side), then their median: robust to a
    // host whose load drifts during the run.
    const ratio = (num: (r: number) => number, den: (r: number) => number) =>
      median(Array.from({ length: ROUNDS }, (_, r) => num(r) / den(r)));
    const at = (name: string) => (r: number) => samples.get(name)?.[r] ?? 0;
    const bestOf = (prefix: string) => (r: number) =>
      Math.max(
        ...cases.filter((c) => c.name.startsWith(prefix)).map((c) => samples.get(c.name)![r]!),
      );
    const rawBest = bestOf("raw ");
    console.log(`\n${alg}`);
    console.log(`${"case".padEnd(36)}${"ops/s".padStart(10)}${"× fastest raw".padStart(16)}`);
    for (const c of cases) {
      console.log(
        `${c.name.padEnd(36)}${Math.round(ops.get(c.name)!).toString().padStart(10)}${
          ratio(at(c.name), rawBest).toFixed(2).padStart(16)
        }`,
      );
    }
    const hasFj = samples.has("fast-jwt verify (no cache)");
    console.log(
      `budget: session token ${
        ratio(bestOf("ours: session"), rawBest).toFixed(2)
      }× fastest raw (≥ 0.90)` +
        (hasFj
          ? `, ${
            ratio(bestOf("ours: session"), at("fast-jwt verify (no cache)")).toFixed(2)
          }× fast-jwt (≥ 1.00)`
          : "") +
        `; secure token ${ratio(bestOf("ours: secure"), rawBest).toFixed(2)}× (≥ 0.45)`,
    );
  }
}

await main();
