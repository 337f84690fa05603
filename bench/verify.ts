/**
 * Verification throughput, as ratios measured in one run (DESIGN §7): our session-token and
 * secure-token verification against raw signature verification (WebCrypto, node:crypto) and
 * JWT libraries (jose jwtVerify, fast-jwt without cache), for EdDSA and ES256.
 *
 * Run: `node --expose-gc --import tsx bench/verify.ts` · `deno run -A --v8-flags=--expose-gc
 * bench/verify.ts` · `bun bench/verify.ts` (without a `gc` to call, cases are not isolated)
 * Options: `--ms=40` per case and round, `--rounds=30` per run, `--runs=3`, `--json=<file>`,
 * `--alg=EdDSA|ES256` (default both).
 * Every ratio compares a case with its own backend's raw verify (or fast-jwt) within one round;
 * the report gives each ratio's median over the rounds, min/median/max over the runs.
 *
 * The secure-token cases use a replay store that accepts every id: they measure verification
 * (two signatures, one hash, the checks), not a store. A verifier decodes a session token's
 * payload once and shares it with the next presentation of that token (core/token/jws.ts), as a
 * session's requests present it again and again; the "new tokens" cases verify a different
 * token each time (more than that memory holds), so they show the cost of a first sight. Timings on a shared VM are noisy; read the
 * ratios, which compare cases measured side by side.
 */
import { jwtVerify } from "jose";
import type { Alg } from "../core/wire/mod.ts";
import type { PublicJwk } from "../core/token/mod.ts";
import { benchTokens, ISSUER } from "./verify-tokens.ts";
import type { VerifyCrypto } from "../adapters/crypto/types.ts";
import { webCrypto } from "../adapters/crypto/webcrypto.ts";
import type { ReplayStore } from "../adapters/replay/types.ts";
import { verifySecureSessionToken, verifySessionToken } from "../verify.ts";

const arg = (name: string, fallback: number): number => {
  const hit = (globalThis as { process?: { argv: string[] } }).process?.argv
    .find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
};
const MS = arg("ms", 40);
const ROUNDS = arg("rounds", 30);
const runtime = "Deno" in globalThis
  ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
  : "Bun" in globalThis
  ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
  : `node ${(globalThis as unknown as { process: { version: string } }).process.version}`;

type Case = { name: string; run: () => unknown };

// A full collection before each case (where the runtime exposes one: Bun, or `--expose-gc`, which
// bench/run.mjs passes to Node and Deno). Without it the garbage a case leaves behind (jose's, the
// new tokens') is collected during whichever case runs next and billed to it: on Bun the session
// ÷ raw WebCrypto ratio then swung between 0.81 and 0.98 from one run to the next, against
// 0.98–1.01 with it. Each case still pays for the garbage it makes while it runs.
const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
const gc = bun !== undefined ? () => bun.gc(true) : (globalThis as { gc?: () => void }).gc;
const collect: () => void = gc ?? (() => {});

async function measure(run: () => unknown, ms: number): Promise<number> {
  collect();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await run();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

const FRESH_TOKENS = 16384;
const acceptAll: ReplayStore = { consume: () => Promise.resolve(true) };

async function casesFor(
  alg: Alg,
  node: { crypto: VerifyCrypto; raw: () => unknown } | null,
): Promise<Case[]> {
  // Tokens never seen before, one per call: far more of them than the verifier's payload memory
  // holds or remembers having seen.
  const { service, session, secure, fresh } = await benchTokens(alg, FRESH_TOKENS);
  let next = 0;
  const freshToken = (): string => fresh[next = (next + 1) % FRESH_TOKENS]!;
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
  // The JavaScript around the signature, in units of the one JSON.parse any verifier does: ours
  // with a crypto whose verify answers true at once, against JSON.parse of the same payload.
  // Both are all JavaScript, so the ratio moves little with load (the "× raw" ones do).
  const payloadText = atob(p.replace(/-/g, "+").replace(/_/g, "/"));
  const noopOpts = { ...opts, crypto: { ...webCrypto, verify: () => true } };
  const cases: Case[] = [
    { name: "JSON.parse of the payload", run: () => JSON.parse(payloadText) },
    {
      name: "ours: session token (no-op verify)",
      run: () => verifySessionToken(session, noopOpts),
    },
    {
      name: "ours: new session tokens (no-op verify)",
      run: () => verifySessionToken(freshToken(), noopOpts),
    },
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
    // The ceiling of any verifier that reads the token: the raw verify plus nothing but one
    // JSON.parse of the payload. On a small VM the JavaScript between two verifies costs far
    // more than it does alone (caches), so this bounds what "× raw" can reach.
    cases.push({
      name: "raw node:crypto verify + JSON.parse",
      run: alg === "EdDSA" ? () => (JSON.parse(payloadText), verify(null, data, pub, sig)) : () => (
        JSON.parse(payloadText),
          verify("sha256", data, { key: pub, dsaEncoding: "ieee-p1363" }, sig)
      ),
    });
    // One options object per verifier, as an application holds it.
    const nodeOpts = { ...opts, crypto: node.crypto };
    const nodeSecureOpts = { ...secureOpts, crypto: node.crypto };
    cases.push({
      name: "ours: session token (node:crypto)",
      run: () => verifySessionToken(session, nodeOpts),
    });
    cases.push({
      name: "ours: new session tokens (node:crypto)",
      run: () => verifySessionToken(freshToken(), nodeOpts),
    });
    cases.push({
      name: "ours: secure token (node:crypto)",
      run: () => verifySecureSessionToken(secure, nodeSecureOpts),
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

/** The ratios the budgets name: each of ours against the raw verify of its own backend. */
const RATIOS: [label: string, ours: string, base: string, budget: number][] = [
  // Context, no budget: what one JSON.parse between verifies costs, and fast-jwt against raw.
  [
    "ceiling: raw+JSON.parse / raw",
    "raw node:crypto verify + JSON.parse",
    "raw node:crypto verify",
    NaN,
  ],
  ["fast-jwt / raw (node:crypto)", "fast-jwt verify (no cache)", "raw node:crypto verify", NaN],
  // Time, not speed: how many JSON.parse of the payload our JavaScript costs (lower is better).
  [
    "session JS time / JSON.parse time",
    "JSON.parse of the payload",
    "ours: session token (no-op verify)",
    NaN,
  ],
  [
    "new tokens: session JS time / JSON.parse",
    "JSON.parse of the payload",
    "ours: new session tokens (no-op verify)",
    NaN,
  ],
  [
    "new tokens: session / raw (node:crypto)",
    "ours: new session tokens (node:crypto)",
    "raw node:crypto verify",
    NaN,
  ],
  [
    "session / raw (node:crypto)",
    "ours: session token (node:crypto)",
    "raw node:crypto verify",
    0.95,
  ],
  ["session / fast-jwt", "ours: session token (node:crypto)", "fast-jwt verify (no cache)", 1.0],
  [
    "secure / raw (node:crypto)",
    "ours: secure token (node:crypto)",
    "raw node:crypto verify",
    0.45,
  ],
  ["session / raw (WebCrypto)", "ours: session token (WebCrypto)", "raw WebCrypto verify", 0.95],
  ["secure / raw (WebCrypto)", "ours: secure token (WebCrypto)", "raw WebCrypto verify", 0.45],
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * One run: `ROUNDS` short rounds in which every case runs `MS` ms, in alternating order (so
 * neither side of a ratio always runs first); each ratio is taken within a round, then the
 * median over the rounds — load that drifts during a run cancels out of a round's ratio.
 */
async function oneRun(cases: Case[]): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...cases].reverse() : cases;
    for (const c of order) samples.get(c.name)!.push(await measure(c.run, MS));
  }
  const out = new Map<string, number>();
  for (const [label, ours, base] of RATIOS) {
    const a = samples.get(ours), b = samples.get(base);
    if (a && b) out.set(label, median(a.map((x, r) => x / b[r]!)));
  }
  for (const [name, xs] of samples) out.set(`ops/s ${name}`, median(xs));
  return out;
}

/** A ratio's spread over runs. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/**
 * Runs every case `runs` times and returns, per algorithm, each ratio's min/median/max over the
 * runs (plus the median ops/s of every case).
 */
export async function benchVerify(
  runs: number,
): Promise<Record<string, Record<string, Spread & { budget?: number }>>> {
  let node: { crypto: VerifyCrypto; raw: () => unknown } | null = null;
  try {
    const { nodeCrypto } = await import("../adapters/crypto/node.ts");
    node = { crypto: nodeCrypto, raw: () => 0 };
  } catch { /* no node:crypto */ }
  const report: Record<string, Record<string, Spread & { budget?: number }>> = {};
  const only = (globalThis as { process?: { argv: string[] } }).process?.argv
    .find((a) => a.startsWith("--alg="))?.slice(6);
  for (const alg of ["EdDSA", "ES256"] as const) {
    if (only !== undefined && only !== alg) continue;
    const cases = await casesFor(alg, node);
    for (const c of cases) await measure(c.run, 100); // warm-up
    const perRun: Map<string, number>[] = [];
    for (let i = 0; i < runs; i++) perRun.push(await oneRun(cases));
    const rows: Record<string, Spread & { budget?: number }> = {};
    for (const key of perRun[0]!.keys()) {
      const xs = perRun.map((m) => m.get(key)!);
      const budget = RATIOS.find((r) => r[0] === key && !Number.isNaN(r[3]))?.[3];
      rows[key] = {
        min: Math.min(...xs),
        median: median(xs),
        max: Math.max(...xs),
        ...(budget !== undefined ? { budget } : {}),
      };
    }
    report[alg] = rows;
  }
  return report;
}

async function main(): Promise<void> {
  const runs = arg("runs", 3);
  console.log(
    `bench/verify on ${runtime}: ${runs} runs × ${ROUNDS} alternating rounds × ${MS} ms per case`,
  );
  // Figures taken without a collection before each case do not compare with those taken with one.
  if (gc === undefined) console.log("(no gc() to call: cases are not isolated; pass --expose-gc)");
  const report = await benchVerify(runs);
  for (const [alg, rows] of Object.entries(report)) {
    console.log(`\n${alg}`);
    console.log(
      `${"ratio".padEnd(44)}${"min".padStart(9)}${"median".padStart(9)}${
        "max".padStart(9)
      }  budget`,
    );
    for (const [k, r] of Object.entries(rows)) {
      const f = (x: number) =>
        (k.startsWith("ops/s") ? Math.round(x).toString() : x.toFixed(3)).padStart(9);
      console.log(
        `${k.padEnd(44)}${f(r.min)}${f(r.median)}${f(r.max)}  ${
          r.budget === undefined ? "" : `≥ ${r.budget} ${r.median >= r.budget ? "ok" : "BELOW"}`
        }`,
      );
    }
  }
  const out = (globalThis as { process?: { argv: string[] } }).process?.argv
    .find((a) => a.startsWith("--json="))?.slice(7);
  if (out) {
    const { writeFile } = await import("node:fs/promises");
    // `ratios`/`budgets`, flat, are what `npm run bench` (bench/run.mjs) reads.
    const ratios: Record<string, number> = {};
    const budgets: Record<string, number> = {};
    for (const [alg, rows] of Object.entries(report)) {
      for (const [k, r] of Object.entries(rows)) {
        if (k.startsWith("ops/s")) continue;
        ratios[`${alg} ${k}`] = r.median;
        if (r.budget !== undefined) budgets[`${alg} ${k}`] = r.budget;
      }
    }
    // The session rows against node:crypto can reach no further than raw + one JSON.parse.
    const ceilings: Record<string, string> = {};
    for (const alg of Object.keys(report)) {
      const ceiling = `${alg} ceiling: raw+JSON.parse / raw`;
      if (ceiling in ratios) ceilings[`${alg} session / raw (node:crypto)`] = ceiling;
    }
    await writeFile(
      out,
      JSON.stringify(
        { runtime, runs, rounds: ROUNDS, ms: MS, report, ratios, budgets, ceilings },
        null,
        2,
      ),
    );
  }
}

// Run when executed (not when `bench/all.ts` imports it): Deno and Bun set import.meta.main.
const executed = (import.meta as { main?: boolean }).main ??
  (globalThis as { process?: { argv: string[] } }).process?.argv[1]?.endsWith("verify.ts");
if (executed) await main();
