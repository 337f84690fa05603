/**
 * Deliberately broken SDK machines for the suite's self-test: each wraps the real `step` and
 * breaks one rule, and `test/conformance` asserts the suite fails exactly the checks each one
 * names. Selected in the reference driver with `--mutant <name>`.
 *
 * @module
 */
import { nextDeadline, step } from "../../core/session/mod.ts";
import type { MachineState, SessionEffect, SessionInput } from "../../core/session/mod.ts";
import { parseJws, signingInput } from "../../core/token/jws.ts";
import { EDGE_SDK_MUTANTS } from "./sdk-edges.ts";
import { ANSWER_SDK_MUTANTS } from "./sdk-answers.ts";

/** A replacement for the machine's `step`. */
export type StepFn = typeof step;

const payloadOf = (token: string): Record<string, unknown> => parseJws(token).payload;

// Hands the first session token out again forever after, long after it expired (SPEC §9.4).
const firstToken = new WeakMap<object, string>();
const expiredToken: StepFn = (s, i) => {
  const r = step(s, i);
  const effects = r.effects.map((e): SessionEffect => {
    if (e.type !== "resolve" || e.value.kind !== "token" || "tok" in payloadOf(e.value.token)) {
      return e;
    }
    if (!firstToken.has(s)) firstToken.set(s, e.value.token);
    return { ...e, value: { kind: "token", token: firstToken.get(s)! } };
  });
  return { ...r, effects };
};

// Sends every refresh twice at once (SPEC §9.4 single flight).
const doubleRefresh: StepFn = (s, i) => {
  const r = step(s, i);
  const extra: SessionEffect[] = [];
  for (const e of r.effects) {
    if (e.type === "send" && e.request.purpose === "refresh") extra.push({ ...e, id: `${e.id}d` });
  }
  return { ...r, effects: [...r.effects, ...extra] };
};

// After a failed batch, silently forgets its first event: neither delivered nor counted (§8.4).
const uncountedDrop: StepFn = (s, i: SessionInput) => {
  const failed = (i.type === "transport_failed" || (i.type === "response" && i.status >= 500)) &&
    s.pending[i.id]?.purpose === "telemetry";
  const r = step(s, i);
  if (failed && s.queue.events.length > 0) {
    const [ev] = s.queue.events.splice(0, 1);
    s.queue.bytes -= ev!.bytes;
    s.queue.evictable[ev!.priority - 1]!--;
  }
  return r;
};

// Retries a failed create/refresh after 200 ms whatever the failure count (no backoff, §9.5).
const noBackoff: StepFn = (s: MachineState, i) => {
  const r = step(s, i);
  if (s.auth.failures > 0 && s.auth.retryAt > i.now + 200) {
    s.auth.retryAt = i.now + 200;
    return { ...r, deadline: nextDeadline(s, i.now) };
  }
  return r;
};

// Mints every secure session token with the same jti (SPEC §5.4: 128 fresh random bits).
const FIXED_JTI = "AAAAAAAAAAAAAAAAAAAAAA";
const reusedJti: StepFn = (s, i) => {
  const r = step(s, i);
  const effects = r.effects.map((e): SessionEffect => {
    if (e.type !== "sign") return e;
    const p = parseJws(`${e.input}.AA`);
    if (p.header.typ !== "ds-secure+jwt") return e;
    const input = signingInput(p.header, { ...p.payload, jti: FIXED_JTI });
    const pending = s.signInputs[e.id];
    if (pending !== undefined) s.signInputs[e.id] = { ...pending, input };
    return { ...e, input };
  });
  return { ...r, effects };
};

/** A broken machine: what it breaks, the checks the suite must fail for it (exactly). */
export interface SdkMutant {
  readonly description: string;
  readonly fails: readonly string[];
  readonly step: StepFn;
}

/**
 * The broken machines, by name.
 *
 * @example
 * ```ts
 * import { createSdkDriver } from "../drivers/sdk-handler.ts";
 * createSdkDriver({ mutant: "double-refresh" }); // SDK_MUTANTS["double-refresh"].fails
 * ```
 */
export const SDK_MUTANTS: Readonly<Record<string, SdkMutant>> = {
  "expired-token": {
    description: "hands out an expired session token",
    fails: [
      "sdk.token.not-expired",
    ],
    step: expiredToken,
  },
  "double-refresh": {
    description: "refreshes twice at once",
    fails: [
      "sdk.refresh.single-flight",
      "sdk.trace.refresh",
      "sdk.trace.single-flight",
      "sdk.trace.lifetime",
      "sdk.trace.key-loss",
      "sdk.trace.persistence",
      "sdk.trace.regression",
      "sdk.trace.user",
    ],
    step: doubleRefresh,
  },
  "uncounted-drop": {
    description: "drops events after a failed batch without counting them",
    fails: [
      "sdk.backoff.telemetry",
      "sdk.backoff.telemetry-retry-after",
      "sdk.telemetry.no-loss",
      "sdk.telemetry.eviction",
      "sdk.trace.telemetry",
      "sdk.trace.actions",
      "sdk.trace.user",
    ],
    step: uncountedDrop,
  },
  "no-backoff": {
    description: "retries a failed create or refresh after 200 ms, whatever the failure count",
    fails: [
      "sdk.backoff.bounds",
      "sdk.backoff.jitter",
      "sdk.backoff.retry-after",
      "sdk.backoff.retry-after-cap",
      "sdk.keys.store-failure",
      "sdk.lifecycle.create-invalid",
      "sdk.nonce.missing",
      "sdk.trace.backoff",
      "sdk.trace.single-flight",
      "sdk.trace.nonce",
      "sdk.trace.regression",
    ],
    step: noBackoff,
  },
  "reused-jti": {
    description: "mints every secure session token with the same jti",
    fails: [
      "sdk.secure.fresh-jti",
      "sdk.trace.secure-token",
      "sdk.trace.clock",
    ],
    step: reusedJti,
  },
  ...EDGE_SDK_MUTANTS,
  ...ANSWER_SDK_MUTANTS,
};
