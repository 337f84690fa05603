/**
 * Small pure helpers of the machine: randomness drawn from an input's bytes, backoff, service
 * time, request ids.
 *
 * @module
 */
import { errorOf } from "../errors/error.ts";
import { ALPHABET, encodeBase64Url } from "../token/base64url.ts";
import { isObject } from "../wire/guards.ts";
import type { ErrorCode } from "../errors/catalog.ts";
import type { Effect, Emitted, Input, MachineState, Phase, Resolution, WaiterId } from "./types.ts";

/** Bytes each input must carry: 16 for a jti, 4 each for jitter, auth and telemetry backoff. */
export const RANDOM_BYTES = 32;

/** Throws `ERR_INVALID_INPUT` unless the input carries a finite `now` and enough random bytes. */
export function checkInput(input: Input): void {
  if (!Number.isFinite(input.now)) throw errorOf("ERR_INVALID_INPUT", "now must be finite");
  if (!(input.random instanceof Uint8Array) || input.random.length < RANDOM_BYTES) {
    throw errorOf("ERR_INVALID_INPUT", `random must hold ${RANDOM_BYTES} bytes`);
  }
}

/** A uniform number in [0, 1) from 4 bytes at `offset`. */
export function uniform(random: Uint8Array, offset: 16 | 20 | 24 | 28): number {
  const n = ((random[offset]! << 24) >>> 0) + (random[offset + 1]! << 16) +
    (random[offset + 2]! << 8) + random[offset + 3]!;
  return n / 4294967296;
}

/**
 * A 22-character jti from the input's first 16 bytes. `k` distinguishes several jtis minted in
 * one step (it perturbs the last byte), keeping 120 random bits each.
 */
export function jtiFrom(random: Uint8Array, k = 0): string {
  const b = random.slice(0, 16);
  b[15] = (b[15]! + k) & 255;
  return encodeBase64Url(b);
}

/**
 * Backoff after the n-th consecutive failure (SPEC §9.5): full jitter over
 * `min(cap, base·2^(n−1))`, at least 250 ms, raised to `Retry-After` (capped at 300 s).
 */
export function backoffDelay(
  o: { n: number; u: number; baseMs: number; capMs: number; retryAfterS?: number | undefined },
): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.min(o.n - 1, 30));
  let d = Math.max(250, Math.floor(o.u * ceiling));
  if (o.retryAfterS !== undefined && o.retryAfterS > 0) {
    d = Math.max(d, Math.min(o.retryAfterS, 300) * 1000);
  }
  return d;
}

/** When to retry after the `n`-th failure: `backoffDelay` with the options' base and cap. */
export function retryTime(
  s: MachineState,
  n: number,
  now: number,
  random: Uint8Array,
  offset: 20 | 24,
  retryAfterS: number | undefined,
): number {
  const { backoffBaseMs: baseMs, backoffCapMs: capMs } = s.options;
  return now + backoffDelay({ n, u: uniform(random, offset), baseMs, capMs, retryAfterS });
}

/**
 * Why `exp` is no secure-token expiry the service allows (SPEC §5.4: 1..`secure_token_max_s`,
 * 3600 while no config is known), or `null`.
 */
export function expiryProblem(s: MachineState, exp: number): string | null {
  const max = s.config?.secureMaxS ?? 3600;
  return Number.isInteger(exp) && exp >= 1 && exp <= max
    ? null
    : `expirationSeconds must be an integer 1..${max}`;
}

/** Service time in whole seconds (SPEC §9.7). */
export function serviceSeconds(s: MachineState, now: number): number {
  return Math.floor((now + s.offsetMs) / 1000);
}

/** Local ms corresponding to a service time in seconds. */
export function localMs(s: MachineState, serviceS: number): number {
  return serviceS * 1000 - s.offsetMs;
}

/** Learns the clock offset from a response's `time` (SPEC §9.7). */
export function learnOffset(s: MachineState, time: unknown, sentAt: number, now: number): void {
  if (typeof time === "number" && Number.isFinite(time) && time > 0) {
    s.offsetMs = Math.round(time * 1000 - (sentAt + now) / 2);
  }
}

/** A fresh request id. */
export function newId(s: MachineState, prefix: string): string {
  return `${prefix}${s.nextId++}`;
}

/** Emits a `state` event when the phase changes. */
export function setPhase(s: MachineState, to: Phase, fx: Effect[]): void {
  if (s.phase === to) return;
  emit(fx, { type: "state", from: s.phase, to });
  s.phase = to;
}

/** Pushes an `emit` effect. */
export const emit = (fx: Effect[], event: Emitted): number => fx.push({ type: "emit", event });

/** Pushes a `resolve` effect: the caller `waiter` gets `value`. */
export const resolve = (fx: Effect[], waiter: WaiterId, value: Resolution): number =>
  fx.push({ type: "resolve", waiter, value });

/** Pushes a `reject` effect: the caller `waiter` gets an error. */
export const reject = (fx: Effect[], waiter: WaiterId, code: ErrorCode, message: string): number =>
  fx.push({ type: "reject", waiter, code, message });

/** Whether the current token may be handed out now (SPEC §9.4: `exp − margin`). */
export function tokenUsable(s: MachineState, now: number): boolean {
  return s.session !== null &&
    serviceSeconds(s, now) < s.session.tokenExp - s.options.tokenMarginS;
}

/** Reads `code` and `details` from an error body, if it is one. */
export function errorBody(body: unknown): { code: string; details: Record<string, unknown> } {
  const b = body as { code?: unknown; details?: unknown } | null;
  return typeof b?.code === "string"
    ? { code: b.code, details: isObject(b.details) ? b.details : {} }
    : { code: "", details: {} };
}

/**
 * `iat` of a session token, read without verification (the device trusts its own channel), or
 * `null`. As strict as `decodeBase64Url` + `decodeUtf8` + `JSON.parse` (a test holds it to
 * them): canonical base64url, and well-formed UTF-8, which `decodeURIComponent` checks as
 * strictly as a fatal `TextDecoder` (overlong forms and surrogates throw). Written this way so
 * the device SDK carries no decoder.
 */
export function tokenIat(token: string): number | null {
  let bits = 0, acc = 0, pct = "";
  for (const ch of token.split(".")[1] ?? "") {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0x1fff;
    bits += 6;
    if (bits >= 8) pct += `%${(256 + ((acc >> (bits -= 8)) & 255)).toString(16).slice(1)}`;
  }
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) return null; // length ≡ 1 (mod 4), stray bits
  try {
    const json = JSON.parse(decodeURIComponent(pct)) as { iat?: unknown };
    return typeof json.iat === "number" ? json.iat : null;
  } catch {
    return null;
  }
}
