/**
 * The session half of the machine: config, session create and refresh with device proofs
 * (SPEC §6.1–§6.3, §9.4–§9.8), single flight, backoff, session end and key loss.
 *
 * @module
 */
import { proofToken, secureToken } from "../token/claims.ts";
import { compact, signingInput } from "../token/jws.ts";
import {
  isConfigResponse,
  isCreateSessionResponse,
  isRefreshResponse,
  nonce,
} from "../wire/guards.ts";
import type { ConfigResponse } from "../wire/device.ts";
import { dropSessionTokenIfIdle, retagPending } from "./tags.ts";
import type { Effect, MachineState } from "./types.ts";
import {
  emit,
  errorBody,
  jtiFrom,
  learnOffset,
  localMs,
  newId,
  retryTime,
  serviceSeconds,
  tokenIat,
  uniform,
} from "./util.ts";

type Fx = Effect[];

/** Sends `GET /v1/device/config`. */
export function startConfig(s: MachineState, now: number, fx: Fx): void {
  const id = newId(s, "cfg");
  const url = `${s.options.serverPath}v1/device/config?client_id=${
    encodeURIComponent(s.options.clientId)
  }`;
  s.pending[id] = { purpose: "config", sentAt: now };
  s.auth.configInflight = true;
  fx.push({
    type: "send",
    id,
    request: { method: "GET", url, headers: {}, body: null, purpose: "config" },
  });
}

/** Asks for a device proof for create (no session) or refresh (a session). */
export function startAuth(s: MachineState, now: number, random: Uint8Array, fx: Fx): void {
  const key = s.key!;
  const refresh = s.session !== null;
  const path = refresh ? `v1/device/sessions/${s.session!.id}/refresh` : "v1/device/sessions";
  const { header, claims } = proofToken({
    alg: key.alg,
    jwk: key.jwk,
    htm: "POST",
    htu: s.options.serverPath + path,
    iat: serviceSeconds(s, now),
    jti: jtiFrom(random),
    nonce: s.nonce!,
  });
  const id = newId(s, refresh ? "sr" : "sc");
  const input = signingInput(header, claims);
  s.pending[id] = { purpose: refresh ? "sign_refresh" : "sign_create", sentAt: now };
  s.signInputs[id] = { input, url: s.options.serverPath + path };
  s.auth.inflight = id;
  s.auth.lastAttemptAt = now;
  fx.push({ type: "sign", id, input });
}

/** A proof was signed: send the create or refresh request carrying it. */
export function onProofSigned(s: MachineState, id: string, sig: Uint8Array, now: number, fx: Fx) {
  const pending = s.pending[id]!;
  const { input, url } = s.signInputs[id]!;
  delete s.pending[id];
  delete s.signInputs[id];
  const proof = compact(input, sig);
  const create = pending.purpose === "sign_create";
  const reqId = newId(s, create ? "create" : "refresh");
  const body = create ? JSON.stringify(createBody(s)) : "{}";
  s.pending[reqId] = { purpose: create ? "create" : "refresh", sentAt: now };
  s.auth.inflight = reqId;
  fx.push({
    type: "send",
    id: reqId,
    request: {
      method: "POST",
      url,
      headers: { "content-type": "application/json", "ds-proof": proof },
      body,
      purpose: create ? "create" : "refresh",
    },
  });
}

function createBody(s: MachineState) {
  return {
    client_id: s.options.clientId,
    ...(s.deviceId !== null ? { device_id: s.deviceId } : {}),
    ...(s.user !== null ? { user_id: s.user } : {}),
    key_assurance: s.key!.assurance,
    key_event: s.keyEvent,
    ...(s.attributes !== undefined ? { attributes: s.attributes } : {}),
  };
}

/** Records a failure of config/create/refresh and schedules the retry (SPEC §9.5). */
export function authFailed(
  s: MachineState,
  now: number,
  random: Uint8Array,
  fx: Fx,
  code: string,
  message: string,
  retryAfterS?: number,
): void {
  s.auth.retryAt = retryTime(s, ++s.auth.failures, now, random, 20, retryAfterS);
  // Bounded by the retry itself (which caps a Retry-After at 300 s).
  s.auth.notBefore = Math.min(s.auth.retryAt, now + (retryAfterS ?? 0) * 1000);
  emit(fx, { type: "error", code: asCode(code), message });
}

function asCode(code: string) {
  return (/^ERR_[A-Z_]+$/.test(code) ? code : "ERR_SERVICE") as "ERR_SERVICE";
}

/** An answer to a request of the machine, with what the handler knows about it. */
export interface AuthAnswer {
  status: number;
  body: unknown;
  retryAfter?: number | undefined;
  sentAt: number;
  now: number;
  random: Uint8Array;
}

/** Takes `x` as the latest nonce if it has the §6.1 form (a hostile answer cannot bloat proofs). */
export function takeNonce(s: MachineState, x: unknown): boolean {
  if (!nonce(x)) return false;
  s.nonce = x as string;
  return true;
}

/** Handles the answer to config, create or refresh. */
export function onAuthResponse(
  s: MachineState,
  purpose: "config" | "create" | "refresh",
  r: AuthAnswer,
  fx: Fx,
): void {
  learnOffset(s, (r.body as { time?: unknown } | null)?.time, r.sentAt, r.now);
  takeNonce(s, (r.body as { nonce?: unknown } | null)?.nonce);
  if (purpose === "config") {
    s.auth.configInflight = false;
    if (r.status === 200 && isConfigResponse(r.body)) {
      const c = r.body as ConfigResponse;
      s.config = { tokenLifetimeS: c.token_lifetime_s, secureMaxS: c.secure_token_max_s };
      s.auth.failures = 0;
      s.auth.retryAt = 0;
    } else failure(s, r, fx);
    return;
  }
  s.auth.inflight = null;
  if (s.auth.stale) { // answered for a session or key that is gone: only its nonce counts
    s.auth.stale = false;
    return;
  }
  const ok = purpose === "create" ? r.status === 201 : r.status === 200;
  if (ok && (purpose === "create" ? isCreateSessionResponse : isRefreshResponse)(r.body)) {
    return tokenReceived(s, purpose, r.body as TokenAnswer, r.now, r.random, fx);
  }
  const { code, details } = errorBody(r.body);
  if (code === "ERR_NONCE_INVALID" && takeNonce(s, details.nonce)) {
    // A fresh nonce: retry at once, but count it so a loop backs off.
    s.auth.failures++;
    s.auth.retryAt = s.auth.failures > 2 ? r.now + 1000 : r.now;
    return;
  }
  if (purpose === "refresh" && (code === "ERR_SESSION_ENDED" || code === "ERR_SESSION_UNKNOWN")) {
    return endSession(s, code, fx);
  }
  if (code === "ERR_KEY_MISMATCH") return keyLost(s, "service reported ERR_KEY_MISMATCH", fx);
  failure(s, r, fx);
}

/** An answer that is neither the expected one nor a known error: back off (SPEC §9.5). */
function failure(s: MachineState, r: AuthAnswer, fx: Fx): void {
  const { code } = errorBody(r.body);
  const message = `service answered ${r.status}${code ? ` ${code}` : ""}`;
  authFailed(s, r.now, r.random, fx, code || "ERR_SERVICE", message, r.retryAfter);
}

interface TokenAnswer {
  session_id?: string;
  device_id?: string;
  session_token: string;
  token_expires_at: number;
  session_expires_at: number;
  idle_timeout_s?: number;
  user_id: string | null;
}

function tokenReceived(
  s: MachineState,
  purpose: "create" | "refresh",
  a: TokenAnswer,
  now: number,
  random: Uint8Array,
  fx: Fx,
): void {
  s.auth.failures = 0;
  s.auth.retryAt = 0;
  const iat = tokenIat(a.session_token) ?? serviceSeconds(s, now);
  if (purpose === "create") {
    s.session = {
      id: a.session_id!,
      token: a.session_token,
      tokenIat: iat,
      tokenExp: a.token_expires_at,
      expiresAt: a.session_expires_at,
      idleTimeoutS: a.idle_timeout_s!,
      refreshDueAt: 0,
    };
    s.keyEvent = "none";
    // Idle time counts from the session's start: an old activity must not end a new session.
    s.lastActivity = Math.max(s.lastActivity, now);
    if (s.deviceId !== a.device_id) {
      s.deviceId = a.device_id!;
      fx.push({ type: "persist", key: "device", value: { deviceId: a.device_id! } });
    }
    retagPending(s, a.session_id!);
    emit(fx, { type: "session_started", sessionId: a.session_id!, deviceId: a.device_id! });
  } else {
    s.session!.token = a.session_token;
    s.session!.tokenIat = iat;
    s.session!.tokenExp = a.token_expires_at;
  }
  s.tokens[s.session!.id] = a.session_token;
  adoptUser(s, s.session!.id, a.user_id);
  const life = Math.max(1, s.session!.tokenExp - iat);
  const jitter = (uniform(random, 16) * 2 - 1) * s.options.refreshJitter * life;
  s.session!.refreshDueAt = Math.floor(localMs(s, iat + s.options.refreshAt * life + jitter));
  emit(fx, { type: "token_refreshed", sessionId: s.session!.id, expiresAt: s.session!.tokenExp });
  persistSession(s, fx);
}

/**
 * A user the service echoed for session `sid` (SPEC §9.10): adopted without an event, unless it
 * is `null` or an `identify` of the session is still queued (the echo then predates it).
 */
export function adoptUser(s: MachineState, sid: string, userId: string | null): void {
  if (s.session?.id !== sid || userId === null || userId === s.user) return;
  if (s.queue.events.some((e) => e.sid === sid && e.type === "identify")) return;
  s.user = userId;
}

/** Persists the current session (or its absence) so a reload or another tab resumes it. */
export function persistSession(s: MachineState, fx: Fx): void {
  const ses = s.session;
  fx.push({
    type: "persist",
    key: "session",
    value: ses === null || s.key === null ? null : {
      v: 1,
      id: ses.id,
      token: ses.token,
      tokenIat: ses.tokenIat,
      tokenExp: ses.tokenExp,
      expiresAt: ses.expiresAt,
      idleTimeoutS: ses.idleTimeoutS,
      user: s.user,
      jkt: s.key.jkt,
      offsetMs: s.offsetMs,
    },
  });
}

/**
 * Resumes a persisted session once the key is known (SPEC §9.15): only with the same key and
 * before the session's absolute end; the token is refreshed as usual if it is stale.
 */
export function resumeSession(s: MachineState, now: number): void {
  const r = s.resume;
  s.resume = null;
  if (r === null || s.key === null || r.jkt !== s.key.jkt || s.session !== null) return;
  s.offsetMs = r.offsetMs;
  if (serviceSeconds(s, now) >= r.expiresAt) return;
  const life = Math.max(1, r.tokenExp - r.tokenIat);
  s.session = {
    id: r.id,
    token: r.token,
    tokenIat: r.tokenIat,
    tokenExp: r.tokenExp,
    expiresAt: r.expiresAt,
    idleTimeoutS: r.idleTimeoutS,
    refreshDueAt: Math.floor(localMs(s, r.tokenIat + s.options.refreshAt * life)),
  };
  s.tokens[r.id] = r.token;
  s.user = r.user;
  s.lastActivity = now;
  retagPending(s, r.id); // events tracked before the key was loaded belong to it
}

/** Ends the current session (SPEC §9.6): user cleared, events kept, a new session next. */
export function endSession(s: MachineState, reason: string, fx: Fx): void {
  const old = s.session;
  if (old === null) return;
  s.session = null;
  abandonAuth(s);
  dropSessionTokenIfIdle(s, old.id);
  emit(fx, { type: "session_ended", sessionId: old.id, reason });
  if (s.user !== null) {
    s.user = null;
    emit(fx, { type: "user_cleared", reason: "session_ended" });
  }
  persistSession(s, fx);
}

/**
 * Forgets the create/refresh in progress. A request already on the network stays the one in
 * flight (single flight, SPEC §9.4) but its answer will be ignored; a signature still being
 * computed is simply discarded when it arrives.
 */
function abandonAuth(s: MachineState): void {
  const id = s.auth.inflight;
  if (id === null) return;
  const purpose = s.pending[id]?.purpose;
  if (purpose === "create" || purpose === "refresh") {
    s.auth.stale = true;
    return;
  }
  delete s.pending[id];
  delete s.signInputs[id];
  s.auth.inflight = null;
}

/** The device key is gone or rejected (SPEC §9.8): new key, new session, user cleared. */
export function keyLost(s: MachineState, reason: string, fx: Fx): void {
  endSession(s, "key_lost", fx);
  s.key = null;
  s.keyEvent = "lost";
  abandonAuth(s);
  s.keyInflight = true;
  // Secure tokens being signed with the lost key are minted again with the new one.
  for (const w of s.waiters) if (w.kind === "secure") delete w.signId;
  emit(fx, { type: "key_lost", reason });
  fx.push({ type: "generate_key", reason: "lost" });
}

/** Signs a secure session token for a waiter (SPEC §5.4); `k` separates jtis in one step. */
export function startSecureMint(
  s: MachineState,
  w: { id: number; actionType?: string; expirationSeconds?: number; signId?: string },
  now: number,
  random: Uint8Array,
  k: number,
  fx: Fx,
): void {
  const key = s.key!;
  const { header, claims } = secureToken({
    alg: key.alg,
    jwk: key.jwk,
    tok: s.session!.token,
    act: w.actionType!,
    iat: serviceSeconds(s, now),
    expirationSeconds: w.expirationSeconds ?? 300,
    jti: jtiFrom(random, k),
  });
  const id = newId(s, "ss");
  const input = signingInput(header, claims);
  s.pending[id] = { purpose: "sign_secure", sentAt: now };
  s.signInputs[id] = { input, url: "" };
  w.signId = id;
  fx.push({ type: "sign", id, input });
}

/** Completes a secure token: the signature arrived. */
export function secureSigned(s: MachineState, id: string, sig: Uint8Array): string {
  const { input } = s.signInputs[id]!;
  delete s.signInputs[id];
  delete s.pending[id];
  return compact(input, sig);
}
