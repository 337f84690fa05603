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

/** Bytes as lower-case hex. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

/** Hex to bytes (throws on odd length or a non-hex digit). */
export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || /[^0-9a-f]/i.test(h)) throw new Error(`not hex: ${h.slice(0, 16)}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** A JSON-safe input: `random` and `signature` as hex. */
export type TraceInput = Record<string, unknown> & { type: string; now: number; random: string };

/** Serializes an input for a vector. */
export function encodeInput(i: SessionInput): TraceInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(i)) out[k] = v instanceof Uint8Array ? toHex(v) : v;
  return out as TraceInput;
}

/** Rebuilds an input from a vector. */
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

/** Normalizes one effect for comparison. */
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
