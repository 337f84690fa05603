/**
 * Two checkouts' verifiers side by side in one process: this checkout's and `--base`'s (e.g. a
 * `git worktree` of main), each case in short interleaved rounds (the order flips every round),
 * medians of per-round ratios. On a shared, noisy machine that is the fairest before/after.
 *
 *   git worktree add /tmp/base main && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   node --expose-gc --import tsx bench/verify-ab.ts --base=/tmp/base [--alg=ES256] [--rounds=15] [--ms=40]
 *   deno run -A --v8-flags=--expose-gc bench/verify-ab.ts --base=/tmp/base · bun bench/verify-ab.ts --base=/tmp/base
 *
 * Prints, for each side: our JavaScript around the signature in JSON.parse units (a session
 * token verified again and again with a no-op signature check, answered at once or as a promise,
 * and one never seen before),
 * session and secure tokens against raw node:crypto verify of the same signature, and session
 * tokens verified with WebCrypto against raw WebCrypto verify.
 *
 * The two sides are not perfectly symmetric: on Bun under load, an A/A run (a checkout against
 * a copy of itself) has shown "this" up to 1.19× slower than "base" on the same-token row. Run an
 * A/A first and read an A/B's differences against its spread.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPublicKey, verify } from "node:crypto";
import { benchTokens, ISSUER } from "./verify-tokens.ts";

const argv = (globalThis as unknown as { process: { argv: string[] } }).process.argv;
const arg = (name: string, fallback: string): string =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const BASE = arg("base", "");
const ROUNDS = Number(arg("rounds", "15"));
const MS = Number(arg("ms", "40"));
const ALG = arg("alg", "EdDSA") as "EdDSA" | "ES256";
const FRESH = 16384; // never-seen tokens: far more than a verifier remembers
if (BASE === "") throw new Error("--base=<another checkout> is required");

type Verify = (token: string, options: object) => Promise<unknown>;
interface Side {
  verifySessionToken: Verify;
  verifySecureSessionToken: Verify;
  nodeCrypto: object;
  webCrypto: object;
}
async function side(root: string): Promise<Side> {
  const v = await import(`${root}/verify.ts`);
  const { nodeCrypto } = await import(`${root}/adapters/crypto/node.ts`);
  const { webCrypto } = await import(`${root}/adapters/crypto/webcrypto.ts`);
  return { ...v, nodeCrypto, webCrypto };
}
const here = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const sides = { base: await side(BASE), this: await side(here) };

const { service, session, secure, fresh } = await benchTokens(ALG, FRESH);
let next = 0;

const [h, p, s] = session.split(".") as [string, string, string];
const payloadText = Buffer.from(p, "base64url").toString();
const data = Buffer.from(`${h}.${p}`), sig = Buffer.from(s, "base64url");
const pub = createPublicKey({ key: { ...service.jwk } as never, format: "jwk" });
const raw = ALG === "EdDSA"
  ? () => verify(null, data, pub, sig)
  : () => verify("sha256", data, { key: pub, dsaEncoding: "ieee-p1363" }, sig);

const webKey = await crypto.subtle.importKey(
  "jwk",
  { ...service.jwk } as JsonWebKey,
  ALG === "EdDSA" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" },
  false,
  ["verify"],
);
const webParams = ALG === "EdDSA" ? { name: "Ed25519" } : { name: "ECDSA", hash: "SHA-256" };
const rawWeb = () => crypto.subtle.verify(webParams, webKey, sig, data);

const cases: Record<string, () => unknown> = {
  json: () => JSON.parse(payloadText),
  raw,
  "raw web": rawWeb,
};
for (const [name, S] of Object.entries(sides)) {
  const o = { issuer: ISSUER, audience: "demo", jwks: { keys: [service.jwk] } };
  const noop = { ...o, crypto: { ...S.webCrypto, verify: () => true } };
  const later = { ...o, crypto: { ...S.webCrypto, verify: () => Promise.resolve(true) } };
  const node = { ...o, crypto: S.nodeCrypto };
  const sec = { ...node, action: "login", replayStore: { consume: () => Promise.resolve(true) } };
  cases[`${name} noop`] = () => S.verifySessionToken(session, noop);
  cases[`${name} noop async`] = () => S.verifySessionToken(session, later);
  cases[`${name} noop new`] = () => S.verifySessionToken(fresh[next = (next + 1) % FRESH]!, noop);
  const web = { ...o, crypto: S.webCrypto };
  cases[`${name} session`] = () => S.verifySessionToken(session, node);
  cases[`${name} session web`] = () => S.verifySessionToken(session, web);
  cases[`${name} secure`] = () => S.verifySecureSessionToken(secure, sec);
}

// A full collection before each case, as in bench/verify.ts: a case's leftover garbage is not
// billed to the next (Bun, or `--expose-gc` on Node; `--v8-flags=--expose-gc` on Deno).
const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
const gc = bun !== undefined ? () => bun.gc(true) : (globalThis as { gc?: () => void }).gc;
const collect: () => void = gc ?? (() => {});
if (gc === undefined) console.log("(no gc() to call: cases are not isolated; pass --expose-gc)");

async function measure(f: () => unknown, ms: number): Promise<number> {
  collect();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await f();
    n++;
  }
  return ((performance.now() - t0) * 1000) / n; // µs per call
}
for (const f of Object.values(cases)) await measure(f, 200); // every case runs, then warm-up
const times: Record<string, number[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  const names = Object.keys(cases);
  if (r % 2) names.reverse();
  for (const n of names) (times[n] ??= []).push(await measure(cases[n]!, MS));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ratio = (a: string, b: string) => median(times[a]!.map((x, i) => x / times[b]![i]!));
console.log(`verify A/B, ${ALG}: ${ROUNDS} rounds × ${MS} ms; base = ${BASE}`);
console.log(`${"".padEnd(38)}${"base".padStart(8)}${"this".padStart(8)}`);
const row = (label: string, f: (side: string) => number) =>
  console.log(
    `${label.padEnd(38)}${f("base").toFixed(3).padStart(8)}${f("this").toFixed(3).padStart(8)}`,
  );
row("JS time / JSON.parse (same token)", (x) => ratio(`${x} noop`, "json"));
row("JS time / JSON.parse (async verify)", (x) => ratio(`${x} noop async`, "json"));
row("JS time / JSON.parse (new tokens)", (x) => ratio(`${x} noop new`, "json"));
row("session / raw node:crypto", (x) => 1 / ratio(`${x} session`, "raw"));
row("secure / raw node:crypto", (x) => 1 / ratio(`${x} secure`, "raw"));
row("session / raw WebCrypto", (x) => 1 / ratio(`${x} session web`, "raw web"));
console.log(
  `this/base time, same token: ${ratio("this noop", "base noop").toFixed(3)}; ` +
    `new tokens: ${ratio("this noop new", "base noop new").toFixed(3)}; ` +
    `WebCrypto: ${ratio("this session web", "base session web").toFixed(3)}`,
);
