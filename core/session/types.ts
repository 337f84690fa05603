/**
 * Inputs, effects and state of the client state machine (SPEC §9). Everything here is data:
 * a driver turns effects into I/O and I/O results back into inputs.
 *
 * @module
 */
import type { ErrorCode } from "../errors/catalog.ts";
import type { FlushConfig, SenderState } from "../telemetry/sender.ts";
import type { QueueSnapshot, QueueState } from "../telemetry/queue.ts";
import type { Alg, FlatAttributes, KeyAssurance } from "../wire/primitives.ts";
import type { DevicePublicJwk } from "../wire/tokens.ts";
import type { ActionAttributes, EventType } from "../wire/telemetry.ts";
import type { KeyEvent } from "../wire/device.ts";

/** The machine's states (SPEC §9.1). */
export type Phase =
  | "idle"
  | "starting"
  | "registering"
  | "active"
  | "expired"
  | "closing"
  | "closed"
  | "disabled";

/** The device key as the core knows it: public half and how it is held. */
export interface DeviceKeyInfo {
  readonly alg: Alg;
  readonly jwk: DevicePublicJwk;
  /** RFC 7638 thumbprint, computed by the adapter. */
  readonly jkt: string;
  readonly assurance: KeyAssurance;
}

/** An opaque handle for a caller waiting for an answer. */
export type WaiterId = number;

/** Every input carries the local time `now` (ms) and 32 fresh random bytes. */
interface Base {
  readonly now: number;
  readonly random: Uint8Array;
}

/** What the machine is told. */
export type Input =
  | Base & {
    readonly type: "init";
    /** Persisted device id and queue, as the driver found them in storage. */
    readonly deviceId: string | null;
    readonly queue: QueueSnapshot | null;
    /** The session persisted by an earlier run (a reload, another tab), resumed if still valid. */
    readonly session?: PersistedSession | null;
    readonly userId?: string;
    readonly attributes?: FlatAttributes;
  }
  | Base & { readonly type: "key_ready"; readonly key: DeviceKeyInfo; readonly event: KeyEvent }
  | Base & { readonly type: "key_failed"; readonly message: string }
  | Base & { readonly type: "signed"; readonly id: string; readonly signature: Uint8Array }
  | Base & { readonly type: "sign_failed"; readonly id: string; readonly message: string }
  | Base & {
    readonly type: "response";
    readonly id: string;
    readonly status: number;
    readonly body: unknown;
    /** `Retry-After` in seconds, when the service sent one. */
    readonly retryAfter?: number;
  }
  | Base & {
    readonly type: "transport_failed";
    readonly id: string;
    readonly code: "ERR_NETWORK" | "ERR_TIMEOUT";
  }
  | Base & { readonly type: "tick" }
  | Base & { readonly type: "get_token"; readonly waiter: WaiterId }
  | Base & {
    readonly type: "get_secure_token";
    readonly waiter: WaiterId;
    readonly actionType: string;
    readonly expirationSeconds?: number;
  }
  | Base & {
    readonly type: "track";
    readonly eventType: Exclude<EventType, "action" | "identify">;
    readonly data: Record<string, unknown>;
  }
  | Base & {
    readonly type: "trigger_action";
    readonly waiter: WaiterId;
    readonly actionType: string;
    readonly attributes?: ActionAttributes;
  }
  | Base & { readonly type: "set_user"; readonly waiter: WaiterId; readonly userId: string }
  | Base & { readonly type: "clear_user"; readonly waiter: WaiterId }
  | Base & { readonly type: "flush"; readonly waiter: WaiterId }
  | Base & { readonly type: "page_hide" }
  | Base & { readonly type: "activity" }
  | Base & { readonly type: "shutdown"; readonly waiter: WaiterId };

/** The kind of an input. */
export type InputType = Input["type"];

/** An HTTP request the driver must perform (SPEC §6). */
export interface Request {
  readonly method: "GET" | "POST";
  /** Absolute URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or `null` for GET. */
  readonly body: string | null;
  /** What the request is for (drivers may use it for logs and timeouts). */
  readonly purpose: "config" | "create" | "refresh" | "telemetry";
}

/** A value handed to a waiting caller. */
export type Resolution =
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "action"; readonly actionToken: string }
  | { readonly kind: "done"; readonly changed: boolean };

/** Observable events (`emit`), for logs, UIs and tests. */
export type Emitted =
  | { readonly type: "state"; readonly from: Phase; readonly to: Phase }
  | { readonly type: "session_started"; readonly sessionId: string; readonly deviceId: string }
  | { readonly type: "token_refreshed"; readonly sessionId: string; readonly expiresAt: number }
  | { readonly type: "session_ended"; readonly sessionId: string; readonly reason: string }
  | { readonly type: "user_cleared"; readonly reason: "session_ended" | "clear_user" | "service" }
  | { readonly type: "user_set"; readonly userId: string }
  | { readonly type: "key_lost"; readonly reason: string }
  | {
    readonly type: "acked";
    readonly sessionId: string;
    readonly seq: number;
    readonly count: number;
  }
  | {
    readonly type: "dropped";
    readonly sessionId: string;
    readonly count: number;
    readonly reason: string;
  }
  | { readonly type: "error"; readonly code: ErrorCode; readonly message: string };

/** What the machine asks for. */
export type Effect =
  | { readonly type: "load_key" }
  | { readonly type: "generate_key"; readonly reason: "missing" | "lost" }
  | { readonly type: "sign"; readonly id: string; readonly input: string }
  | { readonly type: "send"; readonly id: string; readonly request: Request }
  | { readonly type: "beacon"; readonly request: Request }
  | { readonly type: "persist"; readonly key: "device"; readonly value: { deviceId: string } }
  | { readonly type: "persist"; readonly key: "queue"; readonly value: QueueSnapshot }
  | { readonly type: "persist"; readonly key: "session"; readonly value: PersistedSession | null }
  | { readonly type: "resolve"; readonly waiter: WaiterId; readonly value: Resolution }
  | {
    readonly type: "reject";
    readonly waiter: WaiterId;
    readonly code: ErrorCode;
    readonly message: string;
  }
  | { readonly type: "emit"; readonly event: Emitted };

/** Resolved options (SPEC §9.13 defaults applied). */
export interface MachineOptions {
  readonly clientId: string;
  /** Base URL ending in `/`. */
  readonly serverPath: string;
  readonly enableSessionToken: boolean;
  readonly enabled: boolean;
  readonly refreshAt: number;
  readonly refreshJitter: number;
  readonly tokenWaitMs: number;
  readonly actionWaitMs: number;
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  readonly shutdownFlushMs: number;
  readonly tokenMarginS: number;
  readonly flush: FlushConfig;
}

/** The session as persisted between runs (SPEC §9.15). Times are service seconds. */
export interface PersistedSession {
  readonly v: 1;
  readonly id: string;
  readonly token: string;
  readonly tokenIat: number;
  readonly tokenExp: number;
  readonly expiresAt: number;
  readonly idleTimeoutS: number;
  readonly user: string | null;
  /** Thumbprint of the key the session is bound to: a different key cannot resume it. */
  readonly jkt: string;
  readonly offsetMs: number;
}

/** The current device session. */
export interface SessionInfo {
  readonly id: string;
  token: string;
  tokenIat: number;
  tokenExp: number;
  /** Absolute end, service seconds. */
  readonly expiresAt: number;
  readonly idleTimeoutS: number;
  /** Local time the refresh is due (ms). */
  refreshDueAt: number;
}

/** A caller waiting for a token, an action token or a flush. */
export interface Waiter {
  readonly id: WaiterId;
  readonly kind: "token" | "secure" | "action" | "flush" | "shutdown";
  readonly deadline: number;
  readonly actionType?: string;
  readonly expirationSeconds?: number;
  /** For `secure`: the sign request id once signing started. */
  signId?: string;
  /** For `action`: the event it waits on. */
  sid?: string;
  seq?: number;
}

/** An outstanding request, for clock offset and matching responses. */
export interface Pending {
  readonly purpose: Request["purpose"] | "sign_create" | "sign_refresh" | "sign_secure";
  readonly sentAt: number;
}

/** The whole machine state. Mutated in place by `step` and returned. */
export interface MachineState {
  phase: Phase;
  readonly options: MachineOptions;
  key: DeviceKeyInfo | null;
  /** A load_key or generate_key effect is outstanding. */
  keyInflight: boolean;
  keyEvent: KeyEvent;
  deviceId: string | null;
  nonce: string | null;
  config: { tokenLifetimeS: number; secureMaxS: number } | null;
  session: SessionInfo | null;
  /** Last token per session that still has queued events (telemetry auth, SPEC §8.5). */
  tokens: Record<string, string>;
  user: string | null;
  attributes: FlatAttributes | undefined;
  offsetMs: number;
  lastActivity: number;
  /** Session create/refresh: at most one in flight (single flight). */
  auth: {
    inflight: string | null;
    failures: number;
    retryAt: number;
    /** Local time before which a `Retry-After` forbids any attempt, even a caller's (§9.5). */
    notBefore: number;
    configInflight: boolean;
    /** Local time the last create/refresh attempt started. */
    lastAttemptAt: number;
    /** The request in flight belongs to a session or key that is gone: ignore its answer. */
    stale: boolean;
  };
  pending: Record<string, Pending>;
  /** Signing inputs awaiting a signature, by sign id (and the URL a proof is for). */
  signInputs: Record<string, { input: string; url: string }>;
  waiters: Waiter[];
  queue: QueueState;
  sender: SenderState;
  /** A persisted session waiting for the key to be loaded, to be resumed if it matches. */
  resume: PersistedSession | null;
  /** Coalesced queue persistence: a change is waiting, and when the last snapshot was taken. */
  persist: { dirty: boolean; lastAt: number };
  nextId: number;
  closeDeadline: number;
}
