/**
 * The SDK target's focused checks (the trace vectors add one check per trace group, see
 * traces.ts). Each is judged on a scenario run by `World` against the driver's machine.
 *
 * @module
 */
import { defineChecks } from "../core/check.ts";

// deno-fmt-ignore
/**
 * Every focused SDK check: id → level, SPEC section, what must hold.
 *
 * @example
 * ```ts
 * import type { Runner } from "../core/run.ts";
 * declare const run: Runner;
 * await run.check(SDK_CHECKS["sdk.refresh.timing"], (t) => t.ok(true, "…"));
 * ```
 */
export const SDK_CHECKS = defineChecks({
  "sdk.options.bounds": ["SHOULD", "§9.13", "options outside the bounds of §9.13 are refused with ERR_INVALID_INPUT"],
  "sdk.lifecycle.config": ["MUST", "§6.1, §9.1", "init fetches the config of the client id"],
  "sdk.lifecycle.proof": ["MUST", "§5.2, §6.2", "the create is signed as a device proof: typ, jwk, htm, htu, nonce, iat in service time"],
  "sdk.lifecycle.create-body": ["MUST", "§6.2", "the create carries the proof and a valid CreateSessionRequest body"],
  "sdk.lifecycle.active": ["MUST", "§9.1, §9.4", "after the create answer the phase is active and a token request gets the session token"],
  "sdk.lifecycle.disabled": ["MUST", "§9.12", "enabled: false sends nothing and rejects token requests with ERR_DISABLED"],
  "sdk.lifecycle.shutdown": ["MUST", "§9.11", "shutdown flushes the queue and closes; later requests fail with ERR_CLOSED"],
  "sdk.lifecycle.shutdown-waits": ["MUST", "§8.4, §9.11", "shutdown resolves only once its final batch is answered (within shutdown_flush_ms), also a batch that only reports drops"],
  "sdk.refresh.timing": ["MUST", "§9.4", "the refresh is sent at 0.8 of the token lifetime ± 0.05 (bounded jitter)"],
  "sdk.refresh.jitter": ["SHOULD", "§9.4", "the refresh time varies between sessions (the jitter is drawn)"],
  "sdk.refresh.proof": ["MUST", "§5.2, §6.3", "the refresh carries a proof for its own URL, signed by the session's key, with the latest nonce"],
  "sdk.refresh.single-flight": ["MUST", "§9.4", "at most one create or refresh is in flight, whatever callers do"],
  "sdk.token.not-expired": ["MUST", "§9.4, §14", "no session token is handed out within 5 s of its exp (service time)"],
  "sdk.token.timeout": ["MUST", "§9.4, §9.5", "a token request that cannot be served is rejected with ERR_TIMEOUT at token_wait_ms"],
  "sdk.backoff.bounds": ["MUST", "§9.5", "create retries wait max(250, U(0, min(cap, base·2^(n−1)))) ms"],
  "sdk.backoff.jitter": ["SHOULD", "§9.5", "backoff delays are drawn (full jitter), not fixed"],
  "sdk.backoff.retry-after": ["MUST", "§9.5", "Retry-After raises the next delay to at least its value"],
  "sdk.backoff.retry-after-cap": ["MUST", "§9.5", "Retry-After at the 300 s cap delays the retry that long; above it, the cap and no more"],
  "sdk.backoff.telemetry-retry-after": ["MUST", "§8.5, §9.5", "a batch answered 503 with Retry-After is not resent before it"],
  "sdk.backoff.telemetry": ["MUST", "§8.5, §9.5", "failed batches are retried after a backoff within the bounds"],
  "sdk.nonce.retry": ["MUST", "§5.2, §6.1", "a create answered ERR_NONCE_INVALID is retried with the nonce of its details"],
  "sdk.lifetime.ended": ["MUST", "§9.6", "a refresh answered ERR_SESSION_ENDED starts a new session"],
  "sdk.keys.mismatch": ["MUST", "§9.8", "ERR_KEY_MISMATCH: a new key, and a create signed by it with key_event lost"],
  "sdk.telemetry.batch": ["MUST", "§8.3", "every batch is a valid TelemetryBatch of its session, 1–100 events in increasing seq"],
  "sdk.telemetry.seq": ["MUST", "§8.1", "seq starts at 1 in a session and increases by one per enqueued event"],
  "sdk.telemetry.flush-count": ["MUST", "§8.7", "flush_count queued events start a flush at once"],
  "sdk.telemetry.flush-on-token": ["MUST", "§8.7", "a session or secure token request flushes queued events at once"],
  "sdk.telemetry.flush-interval": ["MUST", "§8.7", "a queued event is flushed once it is flush_interval_ms old"],
  "sdk.telemetry.one-in-flight": ["MUST", "§8.5", "at most one batch is in flight"],
  "sdk.telemetry.ack-mismatch": ["MUST", "§8.5", "a batch answered with another acked_seq stays queued and is sent again"],
  "sdk.telemetry.ack-above": ["MUST", "§8.5", "a batch answered with an acked_seq above its largest seq stays queued and is sent again"],
  "sdk.telemetry.acked-not-resent": ["MUST", "§8.5", "acknowledged events are never sent again"],
  "sdk.telemetry.stable-resend": ["MUST", "§8.1, §8.5", "a resent event is identical (seq, time_ms, type, data)"],
  "sdk.telemetry.no-loss": ["MUST", "§8.4, §8.5", "under faults every event is stored or counted in dropped, never silently lost"],
  "sdk.telemetry.eviction": ["MUST", "§8.4", "a full queue evicts lowest priority, oldest first, and counts each drop by priority"],
  "sdk.telemetry.permanent-reject": ["MUST", "§8.5", "a batch answered 422 is discarded, counted as dropped and never resent"],
  "sdk.telemetry.permanent-statuses": ["MUST", "§8.5", "a batch answered 400, 401, 413 or 422 is discarded, counted as dropped and never resent; an action waiting for one of its events is rejected with ERR_SERVICE at once"],
  "sdk.telemetry.flush-now": ["MUST", "§8.7", "flush() with no batch in flight and no backoff running sends at once, also right after an acknowledged batch"],
  "sdk.lifecycle.create-invalid": ["MUST", "§6.2, §9.5", "a 201 whose body is no create answer is a failed create: retried after a backoff; the token comes from a valid answer"],
  "sdk.nonce.missing": ["MUST", "§5.2, §9.5", "ERR_NONCE_INVALID without a fresh nonce is an ordinary failure: the retry waits for the backoff and carries an issued nonce"],
  "sdk.nonce.latest": ["MUST", "§5.2, §6.4", "a nonce (up to 128 characters) in a telemetry answer is the one the next proof carries"],
  "sdk.keys.store-failure": ["MUST", "§9.2, §9.8", "after the key store fails, the device asks for a key again after a backoff, then serves tokens"],
  "sdk.lifetime.idle": ["MUST", "§9.6", "with no activity the session ends at idle_timeout_s, not before; a refresh in flight then is ignored and the new session serves tokens"],
  "sdk.telemetry.beacon": ["MUST", "§8.7", "page hide beacons a valid batch of at most 61440 bytes; its events stay queued until acked"],
  "sdk.telemetry.beacon-budget": ["MUST", "§8.7", "with more queued than fits, the beacon is at most 61440 UTF-8 bytes: higher priority first, then older, as many as fit, in seq order"],
  "sdk.actions.token": ["MUST", "§8.6, §8.7", "trigger_action flushes an action event at once and resolves with its action token"],
  "sdk.actions.session-end": ["MUST", "§8.6, §9.6", "an action whose batch is in flight when its session ends resolves with its action token when that batch is answered"],
  "sdk.actions.before-session": ["MUST", "§8.1, §8.6", "an action triggered before the session exists, with events discarded meanwhile, takes the session's seq and resolves with its action token"],
  "sdk.user.identify": ["MUST", "§9.10", "set/clear user enqueue identify events; the same user again is a no-op"],
  "sdk.user.adopt": ["MUST", "§9.10", "a user_id echoed by the service is adopted at once, with events still queued: setting that user is then a no-op"],
  "sdk.clock.offset": ["MUST", "§9.7", "proofs, secure tokens and events are stamped in service time"],
  "sdk.secure.claims": ["MUST", "§5.4", "a secure token: device key header, tok, act, iat in service time, exp = iat + 300, jti, ver"],
  "sdk.secure.compact": ["MUST", "§4.8, §5.4", "the secure token handed out is the signing input with the signature"],
  "sdk.secure.expiry": ["MUST", "§5.4", "expirationSeconds sets exp − iat"],
  "sdk.secure.no-round-trip": ["MUST", "§5.4", "a secure token is minted with no request to the service"],
  "sdk.secure.fresh-jti": ["MUST", "§1.4, §5.4", "every secure token has a new jti"],
  "sdk.secure.invalid-input": ["MUST", "§1.5, §5.4", "an invalid action type or expiry is rejected with ERR_INVALID_INPUT and nothing is signed"],
  "sdk.secure.inner-fresh": ["MUST", "§5.4", "the inner session token is unexpired at the secure token's iat"],
});
