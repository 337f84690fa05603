/**
 * What the SDK suite's world is configured with and records: scenario options, the answers it
 * scripts, and the requests, signatures, waiters and steps of a run.
 *
 * @module
 */
import type { SessionEffect, SessionRequest } from "../../core/session/mod.ts";
import { encodeBase64Url } from "../../core/token/base64url.ts";
import type { FakeServiceOptions } from "../../adapters/testing/fake-service.ts";
import type { TransportResponse } from "../../adapters/ports.ts";

/**
 * Local start time of every scenario (ms), as in the trace vectors (2026-01-01T00:00:00Z).
 *
 * @example
 * ```ts
 * import type { World } from "./sim.ts";
 * declare const w: World;
 * w.at(2_000, { type: "get_token" }); // at T0 + 2 s
 * ```
 */
export const T0 = 1_767_225_600_000;
/**
 * The service base URL the machine is configured with.
 *
 * @example
 * ```ts
 * `${BASE}v1/device/sessions`; // the create URL
 * ```
 */
export const BASE = "http://service.test/";

/** How the world answers one request. */
export type Answer =
  | "ok"
  | "fail_before"
  | "fail_after"
  | "hang"
  | { status: number; body: unknown; retryAfter?: number }
  | { map: (res: TransportResponse) => TransportResponse };

/** A scenario's world. */
export interface WorldOptions {
  readonly seed: number;
  /** Machine options over `{ clientId: "demo", serverPath: BASE, enableSessionToken: true }`. */
  readonly options?: Record<string, unknown>;
  readonly service?: Partial<FakeServiceOptions>;
  /** Members of the `init` input (e.g. `attributes`). */
  readonly init?: Record<string, unknown>;
  /** How request n (0-based, every purpose) is answered at `t` ms after T0 (default "ok"). */
  readonly answer?: (req: SessionRequest, n: number, t: number) => Answer;
  /** Milliseconds until a request is answered (default 20), or per request. */
  readonly latency?: number | ((req: SessionRequest) => number);
  /** How many key store operations (`load_key`, `generate_key`) fail first (default 0). */
  readonly keyFailures?: number;
  /** How many signatures of secure tokens fail first (`sign_failed`, default 0). */
  readonly secureSignFailures?: number;
  /** Service clock minus local clock (ms). */
  readonly skewMs?: number;
}

/** A request the machine sent, and how it ended. */
export interface SentRecord {
  readonly id: string;
  readonly t: number;
  readonly request: SessionRequest;
  ended?: { t: number; status: number | null; body?: unknown };
}

/** A signature the machine asked for. */
export interface SignRecord {
  readonly id: string;
  readonly t: number;
  readonly input: string;
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  signature?: Uint8Array;
}

/** An app call waiting for an answer. */
export interface WaiterRecord {
  readonly id: number;
  readonly type: string;
  readonly t: number;
  answer?: { t: number; value?: Record<string, unknown>; code?: string };
}

/** One step: the input given, what the machine answered. */
export interface StepRecord {
  readonly t: number;
  readonly input: Record<string, unknown>;
  readonly phase: string;
  readonly effects: SessionEffect[];
}

/**
 * The fake device key `n` (the world signs with fixed bytes; FakeService checks no signature).
 *
 * @example
 * ```ts
 * fakeKey(1).jwk; // { kty: "OKP", crv: "Ed25519", x: "AQEB…" }
 * ```
 */
export function fakeKey(n: number): Record<string, unknown> {
  return {
    alg: "EdDSA",
    jwk: { kty: "OKP", crv: "Ed25519", x: encodeBase64Url(new Uint8Array(32).fill(n)) },
    jkt: encodeBase64Url(new Uint8Array(32).fill(100 + n)),
    assurance: "persistent-nonextractable",
  };
}
