/**
 * Two checkouts' services side by side, without sockets: `service.fetch` of this checkout and of
 * `--base` called back to back on prepared requests, each checkout in its own process
 * (bench/server/side.ts says why), case by case in short interleaved rounds (the order flips
 * every round; one side runs at a time). Only the service's own work is timed, so a
 * change of a few µs per request shows where a socket A/B (bench/server/ab.ts) drowns it in
 * the loopback's cost and the host's noise. Prints, per case, each side's median CPU µs per
 * request and the median per-round ratio base/this (above 1: this checkout costs less).
 *
 *   node --import tsx bench/server/inproc-ab.ts --base=/tmp/main-checkout --rounds=8
 *   deno run -A bench/server/inproc-ab.ts --base=… · bun bench/server/inproc-ab.ts --base=…
 *
 * On Node the requests are light stand-ins for the Node adapter's lazy request (method, url,
 * headers, a buffered body) with its `LIGHT` flag, as bench/server/inproc-profile.ts makes them;
 * on Deno and Bun they are real `Request`s; either made before each timed round.
 *
 * Options: `--cases=a;b`, `--n=10000` (requests per round and side), `--rounds=8`.
 *
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import { arg, runtime } from "./common.ts";
import { median } from "./loadgen-client.ts";
import { startSide } from "./side.ts";

const ROOT = resolve(arg("base", ""));
const N = Number(arg("n", "10000"));
const ROUNDS = Number(arg("rounds", "8"));
const CASES = arg("cases", "telemetry, 20 events;trigger (session token)").split(";");

if (ROOT === resolve("")) throw new Error("--base=<another checkout> is required");
const sides = { base: startSide(ROOT, "inproc"), this: startSide(resolve("."), "inproc") };
await Promise.all([sides.base.ready, sides.this.ready]);
const round = async (who: "base" | "this", name: string) =>
  (await sides[who].ask({ cmd: "run", case: name, n: N })).cpuUs!;

const results = new Map<string, number[]>();
// Warm up both sides (JIT) before timing.
for (const name of CASES) for (const who of ["base", "this"] as const) await round(who, name);
for (let r = 0; r < ROUNDS; r++) {
  for (const name of CASES) {
    const order = r % 2 ? (["this", "base"] as const) : (["base", "this"] as const);
    for (const who of order) {
      const key = `${who}|${name}`;
      results.set(key, [...(results.get(key) ?? []), await round(who, name)]);
    }
  }
}
console.log(`# ${runtime}, in process: this checkout vs ${ROOT} (${ROUNDS} rounds of ${N})\n`);
// Interference from other work on the host only adds CPU time: the least of the rounds is the
// steadiest figure on a busy host, the median ratio the fairest on a quiet one.
console.log(
  "| case | CPU µs/req base · this, median | least | CPU base / this, median of rounds | of least |",
);
console.log("|---|---:|---:|---:|---:|");
for (const name of CASES) {
  const b = results.get(`base|${name}`)!;
  const t = results.get(`this|${name}`)!;
  const ratio = median(t.map((x, i) => b[i]! / x));
  const [bMin, tMin] = [Math.min(...b), Math.min(...t)];
  console.log(
    `| ${name} | ${median(b).toFixed(1)} · ${median(t).toFixed(1)} | ${bMin.toFixed(1)} · ${
      tMin.toFixed(1)
    } | ${ratio.toFixed(2)} | ${(bMin / tMin).toFixed(2)} |`,
  );
}
sides.base.stop();
sides.this.stop();
process.exit(0);
