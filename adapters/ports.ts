/**
 * The ports the sans-I/O core is driven through. Each runtime adapter (browser, Node, Bun,
 * Deno, a custom embedded runtime) binds these; the driver never reaches for a global.
 *
 * @module
 */
import type { DeviceKeyInfo, Request } from "../core/session/types.ts";

/** Local time in milliseconds (monotonic enough for timers; the core learns service time). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Cryptographically secure randomness. */
export interface Random {
  /** `n` fresh random bytes. */
  bytes(n: number): Uint8Array;
}

/** Timers at absolute local times. */
export interface Scheduler {
  /** Calls `fn` once the clock reaches `at` (ms). Returns a handle for {@link clear}. */
  set(at: number, fn: () => void): unknown;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clear(handle: unknown): void;
}

/** A device key pair the driver can sign with; the private half never leaves it. */
export interface Signer {
  /** Public half, algorithm, thumbprint and assurance. */
  readonly info: DeviceKeyInfo;
  /** Raw signature over the ASCII signing input (64 bytes; ES256 as r||s). */
  sign(input: string): Promise<Uint8Array>;
}

/** Holds the device key (SPEC §3.2, §3.4). */
export interface KeyStore {
  /** The stored key, or `null` when there is none. Throws `ERR_KEY_STORE` when unusable. */
  load(): Promise<Signer | null>;
  /** Creates, stores and returns a new key, replacing any previous one. */
  generate(): Promise<Signer>;
}

/** An HTTP answer as the core needs it. */
export interface TransportResponse {
  readonly status: number;
  /** Parsed JSON body, or `null` when the body was empty or not JSON. */
  readonly body: unknown;
  /** `Retry-After` in seconds, when present. */
  readonly retryAfter?: number;
}

/** Moves requests to the service. */
export interface Transport {
  /** Performs a request. Rejects (any error) on a network failure. */
  send(request: Request, options: { signal: AbortSignal }): Promise<TransportResponse>;
  /** Best-effort delivery that outlives the page (sendBeacon / keepalive). */
  beacon(request: Request): boolean;
}

/** Small persistent key-value storage (device id, telemetry queue). */
export interface Storage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** Everything the driver needs. */
export interface Ports {
  readonly clock: Clock;
  readonly random: Random;
  readonly scheduler: Scheduler;
  readonly keys: KeyStore;
  readonly transport: Transport;
  readonly storage: Storage;
}
