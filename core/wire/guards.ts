/**
 * Hand-written checks of what the SDK receives and is given: the service's answers (config,
 * create, refresh, telemetry ack), action types, user ids and the SDK's options. They accept
 * exactly what the valibot schemas of this folder accept (a property test holds them to it), so
 * a device can validate without carrying valibot; the service and the verifier keep the schemas.
 *
 * @module
 */

/**
 * A check of one value.
 *
 * @example
 * ```ts
 * const check: Guard = (x) => typeof x === "string";
 * ```
 */
export type Guard = (x: unknown) => boolean;

type Obj = Record<string, unknown>;

/** A non-null object. */
export const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null;
// The combinators and primitives that `claim-guards.ts` shares are exported; none is public API.
/** A string matching `re`. */
export const str = (re: RegExp): Guard => (x) => typeof x === "string" && re.test(x);
/** A string of `min`..`max` UTF-16 code units. */
export const len = (min: number, max: number): Guard => (x) =>
  typeof x === "string" && x.length >= min && x.length <= max;
/** An integer in `min`..`max`. */
export const int = (min: number, max = Number.MAX_SAFE_INTEGER): Guard => (x) =>
  Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
const num = (min: number, max: number): Guard => (x) =>
  typeof x === "number" && x >= min && x <= max;
const bool: Guard = (x) => typeof x === "boolean";
const opt = (g: Guard): Guard => (x) => x === undefined || g(x);
/** `null` or a value passing `g`. */
export const nullable = (g: Guard): Guard => (x) => x === null || g(x);
/** One of `values` (SameValueZero). */
export const oneOf = (...values: unknown[]): Guard => (x) => values.includes(x);

/**
 * The first member of `shape` that `x` fails (`""` when `x` is no object), or `null`. Members
 * are read as a valibot object reads them (`in`, so absent and `undefined` are alike).
 *
 * @example
 * ```ts
 * firstBad({ a: isUserId }, { a: "" }); // "a"
 * ```
 */
export function firstBad(shape: Readonly<Record<string, Guard>>, x: unknown): string | null {
  if (!isObject(x)) return "";
  for (const k in shape) if (!shape[k]!(k in x ? x[k] : undefined)) return k;
  return null;
}
/** An object whose members pass `shape` (other members are ignored). */
export const obj = (shape: Record<string, Guard>): Guard => (x) => firstBad(shape, x) === null;

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const B64 = /^[A-Za-z0-9_-]{1,128}$/;

/** An action type (SPEC §1.5). */
export const isActionType: Guard = str(/^[a-z][a-z0-9_]{0,63}$/);
/** A user id (SPEC §1.6). */
export const isUserId: Guard = (x) => len(1, 256)(x) && !CONTROL.test(x as string);
/** An identifier (SPEC §1.4). */
export const id: Guard = str(B64);
/** A client id (SPEC §1.7). */
export const clientId: Guard = str(/^[A-Za-z0-9._-]{1,128}$/);
/** Integer seconds since the epoch, before year 10000 (SPEC §1.1). */
export const epochS: Guard = int(0, 253402300799);
const posInt = int(1);
const count = int(0);
/** An opaque proof nonce (SPEC §6.0). */
export const nonce: Guard = str(/^[A-Za-z0-9._~+/=-]{1,128}$/);
/** A compact JWS of at most 8192 characters (SPEC §4.2). */
export const jws: Guard = (x) =>
  len(5, 8192)(x) && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(x as string);
// A loop, not `every`: `every` skips the holes of a sparse array, the schemas do not.
const array = (g: Guard, min = 0): Guard => (x) => {
  if (!Array.isArray(x) || x.length < min) return false;
  for (let i = 0; i < x.length; i++) if (!g(x[i])) return false;
  return true;
};

/** `GET /v1/device/config` answer (SPEC §6.1). */
export const isConfigResponse: Guard = obj({
  ver: oneOf(1),
  client_id: clientId,
  time: epochS,
  nonce,
  issuer: len(1, 2048),
  algorithms: array(oneOf("EdDSA", "ES256"), 1),
  token_lifetime_s: int(60, 3600),
  secure_token_max_s: int(1, 3600),
  session_absolute_s: posInt,
  session_idle_s: posInt,
  telemetry: obj({ max_batch_events: posInt, max_batch_bytes: posInt, max_event_bytes: posInt }),
});

const tokenAnswer = {
  session_token: jws,
  token_expires_at: epochS,
  session_expires_at: epochS,
  user_id: nullable(isUserId),
  time: epochS,
  nonce,
};
/** `POST /v1/device/sessions/{id}/refresh` answer (SPEC §6.3). */
export const isRefreshResponse: Guard = obj(tokenAnswer);
/** `POST /v1/device/sessions` answer (SPEC §6.2). */
export const isCreateSessionResponse: Guard = obj({
  session_id: id,
  device_id: id,
  ...tokenAnswer,
  idle_timeout_s: posInt,
});

/** `POST /v1/device/telemetry` answer (SPEC §6.4). */
export const isTelemetryAck: Guard = obj({
  acked_seq: count,
  high_seq: count,
  actions: array(obj({ seq: posInt, action_id: id, action_token: jws })),
  user_id: nullable(isUserId),
  time: int(0, Infinity),
});

/** A string `new URL` accepts (as valibot's `url()` checks). */
export const validUrl: Guard = (x) => {
  try {
    return typeof x === "string" && (new URL(x), true);
  } catch {
    return false;
  }
};

/** Machine options with the bounds of SPEC §9.13 (`MachineOptionsSchema`). */
export const MACHINE_OPTIONS: Readonly<Record<string, Guard>> = {
  clientId,
  serverPath: validUrl,
  enableSessionToken: opt(bool),
  enabled: opt(bool),
  refreshAt: opt(num(0.5, 0.95)),
  refreshJitter: opt(num(0, 0.1)),
  tokenWaitMs: opt(int(100, 60000)),
  actionWaitMs: opt(int(100, 60000)),
  backoffBaseMs: opt(int(100, 10000)),
  backoffCapMs: opt(int(1000, 300000)),
  shutdownFlushMs: opt(int(0, 10000)),
  flushCount: opt(int(1, 100)),
  flushBytes: opt(int(1024, 61440)),
  flushIntervalMs: opt(int(100, 60000)),
  maxQueueEvents: opt(int(10, 100000)),
  maxQueueBytes: opt(int(4096, 16777216)),
};

/** `init` options: the machine's plus `userId` and `requestTimeoutMs` (`InitOptionsSchema`). */
export const INIT_OPTIONS: Readonly<Record<string, Guard>> = {
  ...MACHINE_OPTIONS,
  userId: opt(isUserId),
  requestTimeoutMs: opt(int(100, 120000)),
};
