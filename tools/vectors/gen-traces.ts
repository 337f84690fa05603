/**
 * Generates `vectors/session/traces.json`: state-machine traces (inputs → phase, effects,
 * deadline) from fixed seeds. Each scenario's `expect` must hold, or generation fails.
 *
 * Run: `node --import tsx tools/vectors/gen-traces.ts`.
 */
import { writeFileSync } from "node:fs";
import { simulate } from "./trace-sim.ts";
import { SCENARIOS } from "./trace-scenarios.ts";

let tcId = 0;
const tests = SCENARIOS.map((sc) => {
  const { options, steps } = simulate(sc);
  const problem = sc.expect(steps);
  if (problem !== null) throw new Error(`scenario "${sc.comment}": ${problem}`);
  return { tcId: ++tcId, comment: sc.comment, flags: sc.flags, result: "valid", options, steps };
});

const file = {
  algorithm: "device-session client state machine traces",
  specVersion: 1,
  generator: "tools/vectors/gen-traces.ts",
  numberOfTests: tcId,
  header: [
    "Each test feeds `steps[i].input` to a fresh machine created with `options` and expects the",
    "machine's phase, effects (normalized: JWS decoded, JSON bodies parsed, rejection messages",
    "dropped) and next deadline after each step. Request, sign and waiter ids are opaque: map",
    "them by order of first appearance. See SPEC §9 and conformance/trace.ts.",
  ],
  notes: {
    Lifecycle: "init, key, config, create",
    Disabled: "enabled: false",
    Tokens: "token requests",
    Backoff: "retries with full jitter (SPEC §9.5)",
    Refresh: "refresh ahead of expiry (SPEC §9.4)",
    SingleFlight: "one refresh for concurrent callers",
    SecureToken: "device-minted tokens (SPEC §5.4)",
    Actions: "action events and tokens (SPEC §8.6)",
    User: "user association (SPEC §9.10)",
    Lifetime: "absolute and idle lifetime (SPEC §9.6)",
    KeyLoss: "device key lost (SPEC §9.8)",
    Nonce: "proof nonces (SPEC §6.1)",
    Telemetry: "batching and acks (SPEC §8)",
    Drops: "drop accounting (SPEC §8.4)",
    PageHide: "beacon on page hide (SPEC §8.7)",
    Shutdown: "shutdown (SPEC §9.11)",
    Clock: "clock offset (SPEC §9.7)",
    Offline: "service unreachable",
    Persistence: "restored queue (SPEC §8.8)",
    Regression: "a counterexample the property tests once found, kept as a vector",
  },
  testGroups: [{ type: "SessionTraceTest", tests }],
};
writeFileSync(
  new URL("../../vectors/session/traces.json", import.meta.url),
  JSON.stringify(file, null, 2) + "\n",
);
const stepCount = tests.reduce((n, t) => n + t.steps.length, 0);
console.log(`vectors/session/traces.json: ${tcId} traces, ${stepCount} steps`);
