/**
 * Implementation-neutral form of state-machine traces (SPEC §9; `vectors/session/traces.json`):
 * inputs as JSON (bytes as hex), effects normalized so two correct implementations compare
 * equal — JWS strings decoded to header, payload and signature (member order is free), JSON
 * bodies parsed, error messages dropped (codes only).
 *
 * @module
 */
import { parseJws } from "../core/token/jws.ts";
import type { SessionEffect, SessionInput } from "../core/mod.ts";

/**
 * Bytes as lower-case hex.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([1, 255])); // "01ff"
 * ```
 */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/**
 * Hex to bytes (throws on odd length or a non-hex digit).
 *
 * @example
 * ```ts
 * fromHex("01ff"); // Uint8Array [1, 255]
 * ```
 */
export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || /[^0-9a-f]/i.test(h)) throw new Error(`not hex: ${h.slice(0, 16)}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A JSON-safe input: `random` and `signature` as hex. */
export type TraceInput = Record<string, unknown> & { type: string; now: number; random: string };

/**
 * Serializes an input for a vector.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * const random = new Uint8Array(32);
 * encodeInput({ type: "tick", now, random }); // { type: "tick", now, random: "96a0…" }
 * ```
 */
export function encodeInput(i: SessionInput): TraceInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i)) out[k] = v instanceof Uint8Array ? toHex(v) : v;
  return out as TraceInput;
}

/**
 * Rebuilds an input from a vector.
 *
 * @example
 * ```ts
 * import { createMachine, step } from "../core/session/machine.ts";
 * import type { TraceVector } from "./vectors.ts";
 * declare const vector: TraceVector;
 * const state = createMachine({ clientId: "demo", serverPath: "https://risk.example.com/" });
 * step(state, decodeInput(vector.steps[0].input));
 * ```
 */
export function decodeInput(t: TraceInput): SessionInput {
  const out: Record<string, unknown> = { ...t, random: fromHex(t.random) };
  if (typeof t.signature === "string") out.signature = fromHex(t.signature);
  return out as unknown as SessionInput;
}

/** A decoded JWS: header, payload and signature hex. */
export interface DecodedJws {
  jws: { header: unknown; payload: unknown; signature: string };
}

function jws(token: string): DecodedJws {
  const p = parseJws(token);
  return { jws: { header: p.header, payload: p.payload, signature: toHex(p.signature) } };
}

function signingInputParts(input: string): { header: unknown; payload: unknown } {
  // A signing input is a JWS without its signature; reuse the strict parser.
  const p = parseJws(`${input}.AA`);
  return { header: p.header, payload: p.payload };
}

function request(
  r: {
    method: string;
    url: string;
    headers: Readonly<Record<string, string>>;
    body: string | null;
    purpose: string;
  },
) {
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = k === "ds-proof" ? jws(v) : v;
  return {
    method: r.method,
    url: r.url,
    purpose: r.purpose,
    headers,
    body: r.body === null ? null : JSON.parse(r.body),
  };
}

/**
 * Normalizes one effect for comparison.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { StepResult } from "../core/session/machine.ts";
 * import type { TraceVector } from "./vectors.ts";
 * declare const result: StepResult;
 * declare const vector: TraceVector;
 * assert.deepEqual(result.effects.map(normalizeEffect), vector.steps[0].effects);
 * ```
 */
export function normalizeEffect(e: SessionEffect): Record<string, unknown> {
  switch (e.type) {
    case "sign":
      return { type: e.type, id: e.id, ...signingInputParts(e.input) };
    case "send":
      return { type: e.type, id: e.id, request: request(e.request) };
    case "beacon":
      return { type: e.type, request: request(e.request) };
    case "resolve":
      return {
        type: e.type,
        waiter: e.waiter,
        value: e.value.kind === "token" ? { kind: "token", token: jws(e.value.token) } : e.value,
      };
    case "reject":
      return { type: e.type, waiter: e.waiter, code: e.code };
    default:
      return JSON.parse(JSON.stringify(e));
  }
}

/** One recorded step of a trace. */
export interface TraceStep {
  input: TraceInput;
  phase: string;
  effects: Record<string, unknown>[];
  deadline: number | null;
}

/**
 * Header and payload of a JWS signing input (`b64(header).b64(payload)`), as a `sign` effect
 * carries it.
 *
 * @example
 * ```ts
 * declare const effect: { type: "sign"; input: string };
 * const { payload } = decodeSigningInput(effect.input);
 * (payload as { htu: string }).htu; // "https://risk.example.com/v1/device/sessions"
 * ```
 */
export function decodeSigningInput(input: string): { header: unknown; payload: unknown } {
  return signingInputParts(input);
}

const ID_INPUTS = new Set(["signed", "sign_failed", "response", "transport_failed"]);

/**
 * The bijection between a vector's request and signature ids and an implementation's (SPEC
 * §9.14: ids are opaque; a checker maps them by order of first appearance). Bind each step's
 * effects, then translate the next inputs with {@link IdMap.input}.
 *
 * @example
 * ```ts
 * import type { StepResult } from "../core/session/machine.ts";
 * import type { TraceVector } from "./vectors.ts";
 * declare const expected: TraceVector["steps"][number];
 * declare function stepImplementation(input: unknown): Promise<StepResult>;
 * const ids = new IdMap();
 * const mine = await stepImplementation(ids.input(expected.input));
 * ids.bind(expected.effects, mine.effects); // effects at the same index pair their ids
 * const problem = firstDifference(expected.effects, ids.rename(mine.effects));
 * ```
 */
export class IdMap {
  readonly #toImpl = new Map<string, string>();
  readonly #toVector = new Map<string, string>();

  /** Pairs the ids of effects at the same index, where neither side is bound yet. */
  bind(expected: readonly Record<string, unknown>[], actual: readonly Record<string, unknown>[]) {
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const v = expected[i]!.id, a = actual[i]!.id;
      if (typeof v !== "string" || typeof a !== "string") continue;
      if (expected[i]!.type !== actual[i]!.type) continue;
      if (!this.#toImpl.has(v) && !this.#toVector.has(a)) {
        this.#toImpl.set(v, a);
        this.#toVector.set(a, v);
      }
    }
  }

  /** The implementation's effects with their ids written as the vector's. */
  rename(actual: readonly Record<string, unknown>[]): Record<string, unknown>[] {
    return actual.map((e) =>
      typeof e.id === "string" && this.#toVector.has(e.id)
        ? { ...e, id: this.#toVector.get(e.id) }
        : e
    );
  }

  /** A vector input with its `id` (if any) written as the implementation's. */
  input(i: TraceInput): TraceInput {
    if (!ID_INPUTS.has(i.type) || typeof i.id !== "string") return i;
    const mapped = this.#toImpl.get(i.id);
    return mapped === undefined ? i : { ...i, id: mapped };
  }
}

/**
 * The first place two JSON values differ, as `path: expected X, got Y`, or `null` when equal
 * (object member order is free).
 *
 * @example
 * ```ts
 * firstDifference({ a: [1, 2] }, { a: [1, 3] }); // "a[1]: expected 2, got 3"
 * ```
 */
export function firstDifference(expected: unknown, actual: unknown, path = ""): string | null {
  const at = path === "" ? "value" : path;
  const show = (x: unknown) => {
    const s = JSON.stringify(x) ?? String(x);
    return s.length > 120 ? `${s.slice(0, 120)}…` : s;
  };
  if (Object.is(expected, actual)) return null;
  const isObj = (x: unknown) => typeof x === "object" && x !== null;
  if (!isObj(expected) || !isObj(actual) || Array.isArray(expected) !== Array.isArray(actual)) {
    return `${at}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    for (let i = 0; i < Math.max(expected.length, a.length); i++) {
      if (i >= expected.length) return `${path}[${i}]: unexpected ${show(a[i])}`;
      if (i >= a.length) return `${path}[${i}]: missing ${show(expected[i])}`;
      const d = firstDifference(expected[i], a[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const e = expected as Record<string, unknown>, a = actual as Record<string, unknown>;
  for (const k of Object.keys(e)) {
    const p = path === "" ? k : `${path}.${k}`;
    if (!Object.hasOwn(a, k)) return `${p}: missing (expected ${show(e[k])})`;
    const d = firstDifference(e[k], a[k], p);
    if (d !== null) return d;
  }
  for (const k of Object.keys(a)) {
    if (!Object.hasOwn(e, k)) {
      return `${path === "" ? k : `${path}.${k}`}: unexpected ${show(a[k])}`;
    }
  }
  return null;
}
