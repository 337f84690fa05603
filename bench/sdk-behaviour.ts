/**
 * Measures the SDK's flush and refresh behaviour against the real service, in virtual time (so
 * the figures are exact and the run takes seconds): when batches leave, how big they are, how
 * fast an action gets its token, where refreshes fall within the token lifetime.
 *
 * Run: `node --import tsx bench/sdk-behaviour.ts` (also `deno run -A`, `bun`).
 */
import { init, MemoryKeyStore, telemetrySink } from "../mod.ts";
import type { Transport } from "../mod.ts";
import { MemoryStorage, SeededRandom, VirtualTime } from "../adapters/testing/mod.ts";
import { createService } from "../adapters/server/app.ts";

const time = new VirtualTime(Date.now());
const base = "http://ds.bench";
const service = await createService({
  publicUrl: base,
  clients: [{ id: "demo", secret: "bench-secret-0123456789", allowedOrigins: ["*"] }],
  limits: { tokenLifetimeS: 600 },
  log: null,
  rateLimits: false,
  now: () => time.now(),
});
const batches: { at: number; events: number; bytes: number }[] = [];
const refreshes: number[] = [];
const transport: Transport = {
  async send(req) {
    if (req.purpose === "telemetry") {
      batches.push({
        at: time.now(),
        events: JSON.parse(req.body!).events.length,
        bytes: req.body!.length,
      });
    }
    if (req.purpose === "refresh") refreshes.push(time.now());
    const res = await service.fetch(
      new Request(req.url, { method: req.method, headers: req.headers, body: req.body }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  },
  beacon: () => true,
};
const ds = init({ clientId: "demo", serverPath: `${base}/`, enableSessionToken: true }, {
  clock: time,
  scheduler: time,
  random: new SeededRandom(9),
  keys: new MemoryKeyStore(),
  transport,
  storage: new MemoryStorage(),
});

async function settle<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = time.now();
  let done = false, value: T | undefined;
  p.then((v) => {
    done = true;
    value = v;
  });
  while (!done) {
    await time.advance(1);
    await new Promise((r) => setTimeout(r, 0)); // let WebCrypto finish on the real event loop
  }
  return { value: value as T, ms: time.now() - start };
}

const first = await settle(ds.getSessionToken());
console.log(`session token after init: ${first.ms} ms of virtual time (config, proof, create)`);
const iat = JSON.parse(atob(first.value.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).iat *
  1000;

batches.length = 0;
const t0 = time.now();
telemetrySink(ds).track("interaction", { kind: "click" });
while (batches.length === 0) await time.advance(10);
console.log(
  `one interaction alone is sent after ${batches[0]!.at - t0} ms (flush interval 5000 ms)`,
);

await settle(ds.flush());
batches.length = 0;
for (let i = 0; i < 45; i++) telemetrySink(ds).track("interaction", { kind: "click", i });
await settle(ds.flush());
console.log(
  `a burst of 45 events leaves as batches of ${
    batches.map((b) => b.events).join(" + ")
  } (flush at 20)`,
);

const action = await settle(ds.triggerActionEvent("login"));
console.log(`triggerActionEvent → action token in ${action.ms} ms (action events flush at once)`);

const refreshed: number[] = [];
ds.on((e) => e.type === "token_refreshed" && refreshed.push(time.now()));
const issued = [iat];
ds.on((e) => e.type === "token_refreshed" && issued.push(e.expiresAt * 1000 - 600_000));
for (let t = 0; refreshed.length < 8; t++) {
  if (t % 60 === 0) telemetrySink(ds).activity(); // a user is present: the session does not idle out
  await time.advance(1000);
  await new Promise((r) => setTimeout(r, 0));
}
// When each token's refresh started: its first refresh request (a signature earlier; virtual
// time moves in 1 s steps while WebCrypto runs on the real event loop, so completion times
// would add the step size per async hop).
const points = issued.slice(0, 8).map((iatMs) =>
  (refreshes.find((r) => r > iatMs + 5000)! - iatMs) / 600_000
);
const fmt = (x: number) => x.toFixed(3);
console.log(`refreshes at ${points.map(fmt).join(", ")} of the 600 s lifetime (rule: 0.80 ± 0.05)`);
console.log(
  `min ${fmt(Math.min(...points))}, max ${
    fmt(Math.max(...points))
  }; ${refreshes.length} refresh requests for ${refreshed.length} refreshes (a nonce older than 300 s costs one retry)`,
);
// `--json=<file>`: ratios for `npm run bench` (bench/run.mjs).
const jsonOut = (globalThis as { process?: { argv: string[] } }).process?.argv
  .find((a) => a.startsWith("--json="))?.slice(7);
if (jsonOut) {
  const sorted = [...points].sort((a, b) => a - b);
  const { writeFile } = await import("node:fs/promises");
  await writeFile(
    jsonOut,
    JSON.stringify({
      ratios: {
        "refresh point / token lifetime (median of 8; rule 0.80 ± 0.05)":
          (sorted[3]! + sorted[4]!) / 2,
        "refresh requests / refreshes": refreshes.length / refreshed.length,
      },
    }),
  );
}
await ds.shutdown();
await service.close(100);
