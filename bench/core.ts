/**
 * Core benchmark (SPEC §9, §8.4): state-machine steps per second and telemetry enqueue cost per
 * event, as ratios to a baseline measured in the same run (`JSON.stringify` of the same event
 * data, which enqueue must do anyway). Runs on Node (`node --import tsx bench/core.ts`), Deno
 * (`deno run -A bench/core.ts`) and Bun (`bun bench/core.ts`). Not a test: no assertions.
 */
import { createMachine, step } from "../core/mod.ts";
import type { MachineState, SessionInput } from "../core/mod.ts";
import { emptyQueue, enqueue } from "../core/telemetry/queue.ts";

const random = new Uint8Array(32).fill(7);
const data = { kind: "pointer", moves: 14, dx: 212, dy: -40, ms: 480 };

function measure(name: string, fn: (i: number) => void, rounds = 5, ms = 300): number {
  for (let i = 0; i < 20_000; i++) fn(i); // warm up the JIT
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < 1000; i++) fn(n + i);
      n += 1000;
      elapsed = performance.now() - start;
    }
    rates.push(n / (elapsed / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  console.log(
    `${name.padEnd(44)} ${fmt(median).padStart(12)} ops/s ${
      (1e9 / median).toFixed(0).padStart(7)
    } ns/op`,
  );
  return median;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** A machine with an active session, driven to it with canned answers. */
function activeMachine(): MachineState {
  const s = createMachine({
    clientId: "demo",
    serverPath: "http://bench.test/",
    enableSessionToken: true,
    maxQueueEvents: 100000,
    maxQueueBytes: 16777216,
    flushCount: 100,
    flushIntervalMs: 60000,
  });
  const now = 1_767_225_600_000;
  const go = (i: Record<string, unknown>) => step(s, { now, random, ...i } as SessionInput);
  go({ type: "init", deviceId: null, queue: null });
  go({
    type: "key_ready",
    event: "created",
    key: {
      alg: "EdDSA",
      jwk: { kty: "OKP", crv: "Ed25519", x: "A".repeat(43) },
      jkt: "B".repeat(43),
      assurance: "ephemeral",
    },
  });
  const cfg = Object.keys(s.pending)[0]!;
  go({
    type: "response",
    id: cfg,
    status: 200,
    body: {
      ver: 1,
      client_id: "demo",
      time: now / 1000,
      nonce: "n",
      issuer: "x",
      algorithms: ["EdDSA"],
      token_lifetime_s: 900,
      secure_token_max_s: 3600,
      session_absolute_s: 86400,
      session_idle_s: 1800,
      telemetry: { max_batch_events: 100, max_batch_bytes: 61440, max_event_bytes: 4096 },
    },
  });
  const sign = Object.keys(s.pending)[0]!;
  go({ type: "signed", id: sign, signature: new Uint8Array(64) });
  const create = Object.keys(s.pending)[0]!;
  const token = "eyJhbGciOiJFZERTQSJ9.eyJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyNjUwMH0.AAAA";
  go({
    type: "response",
    id: create,
    status: 201,
    body: {
      session_id: "s_bench",
      device_id: "d_bench",
      session_token: token,
      token_expires_at: now / 1000 + 900,
      session_expires_at: now / 1000 + 86400,
      idle_timeout_s: 1800,
      user_id: null,
      time: now / 1000,
      nonce: "n",
    },
  });
  if (s.phase !== "active") throw new Error(`bench setup ended in ${s.phase}`);
  return s;
}

console.log(`device-session core bench — ${runtime()}`);
const baseline = measure("baseline: JSON.stringify(event data)", () => void JSON.stringify(data));

const q = emptyQueue();
const limits = { maxEvents: 1000, maxBytes: 262144 };
let t = 1_767_225_600_000;
const dataJson = JSON.stringify(data);
const enq = measure("telemetry enqueue (full queue: evict + count)", () => {
  enqueue(q, limits, { sid: "s", type: "interaction", timeMs: t, at: t++, dataJson });
});
const q2 = emptyQueue();
const enqJson = measure("telemetry enqueue incl. JSON.stringify", () => {
  enqueue(q2, limits, {
    sid: "s",
    type: "interaction",
    timeMs: t,
    at: t++,
    dataJson: JSON.stringify(data),
  });
});

const s1 = activeMachine();
const now = 1_767_225_600_000;
const tick = { type: "tick", now: now + 1000, random } as SessionInput;
const steps = measure("step(tick) on an active session", () => void step(s1, tick));

const s2 = activeMachine();
let n = 0;
const track = measure("step(track) → enqueue + rules", () => {
  step(
    s2,
    { type: "track", eventType: "interaction", data, now: now + 1000, random } as SessionInput,
  );
  if (++n % 50_000 === 0) s2.queue = emptyQueue(); // keep the bench's queue small
});

const s3 = activeMachine();
let w = 0;
const token = measure("step(get_token) → resolve", () => {
  step(s3, { type: "get_token", waiter: w++, now: now + 1000, random } as SessionInput);
});

console.log("\nratios to the baseline (higher is faster):");
const ratios: Record<string, number> = {};
for (
  const [name, v] of [
    ["enqueue", enq],
    ["enqueue+json", enqJson],
    ["step(tick)", steps],
    ["step(track)", track],
    ["step(get_token)", token],
  ] as const
) {
  console.log(`  ${name.padEnd(16)} ${(v / baseline).toFixed(2)}× baseline`);
  ratios[`${name} / JSON.stringify`] = v / baseline;
}

// `--json=<file>`: the ratios for `npm run bench` (bench/run.mjs).
const jsonOut = (globalThis as { process?: { argv: string[] } }).process?.argv
  .find((a) => a.startsWith("--json="))?.slice(7);
if (jsonOut) {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(jsonOut, JSON.stringify({ runtime: runtime(), ratios }, null, 2));
}

function runtime(): string {
  const g = globalThis as {
    Deno?: { version: { deno: string } };
    Bun?: { version: string };
    process?: { version: string };
  };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${g.process?.version}`;
}
