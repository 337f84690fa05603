/**
 * What the black-box profile's service records and is configured with: one {@link Exchange} per
 * HTTP request, the sessions it holds, and the faults a scenario scripts.
 *
 * @module
 */

/** The device endpoints of SPEC §6 (`other` is anything else). */
export type Endpoint = "config" | "create" | "refresh" | "telemetry";

/**
 * A scripted fault for one request: `503`/`413` answered instead (with `Retry-After` when
 * `retryAfterS` is set), `drop` closes the connection unanswered, `lost-answer` processes the
 * request and then closes the connection (so the device resends what was stored: a duplicate),
 * `delay` answers normally after `ms`, `nonce` answers a valid proof `ERR_NONCE_INVALID` with a
 * fresh nonce (the nonce expired).
 */
export interface Fault {
  readonly kind: "503" | "413" | "drop" | "lost-answer" | "delay" | "nonce";
  readonly retryAfterS?: number;
  readonly ms?: number;
}

/** Options of the scripted service. */
export interface ServiceOptions {
  readonly clientId: string;
  /** Service clock minus the real one, s (default 1000: the device must learn the offset). */
  readonly skewS?: number;
  /** Session token lifetime, s (default 60, the smallest SPEC §5.3 allows). */
  readonly tokenLifetimeS?: number;
  /** How far in the past each session token's `iat` lies, s (default 0). */
  readonly backdateS?: number;
  /** Advertised `secure_token_max_s` (default 3600). */
  readonly secureMaxS?: number;
}

/** One HTTP exchange as the service saw it. Times are ms since the service started. */
export interface Exchange {
  readonly endpoint: Endpoint | "other";
  /** When the request had arrived (whole body read). */
  readonly t0: number;
  /** Service time (s) at arrival. */
  readonly serviceS: number;
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** Body size in bytes, its text, and the parsed JSON (`null` if not JSON). */
  readonly bytes: number;
  readonly text: string;
  readonly body: unknown;
  /** The `DS-Proof` header. */
  readonly proof: string | undefined;
  /** The proof's decoded claims, when it parses. */
  proofClaims?: Record<string, unknown>;
  /** The SPEC §5.2 code the proof failed with, if it did. */
  proofError?: string;
  fault?: Fault;
  /** When the answer was written out or the connection dropped. */
  t1?: number;
  /** Whether an answer reached the device (false: dropped). */
  answered?: boolean;
  status?: number;
  response?: Record<string, unknown>;
}

/** A session the service holds. */
export interface StoredSession {
  readonly id: string;
  readonly deviceId: string;
  readonly jkt: string;
  user: string | null;
  /** Stored events by seq (their JSON, to compare resends). */
  readonly events: Map<number, string>;
  /** The largest `dropped.total` seen. */
  dropped: number;
  readonly actions: Map<number, { action_id: string; action_token: string }>;
  /** Every session token issued for it, in order. */
  readonly tokens: string[];
}
