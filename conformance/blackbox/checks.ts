/**
 * The black-box SDK profile's checks (target `sdk-api`, ids `api.…`): judged on what reaches the
 * scripted service over HTTP and what the public API hands out.
 *
 * @module
 */
import { defineChecks } from "../core/check.ts";

// deno-fmt-ignore
/**
 * Every check of the black-box profile: id → level, SPEC section, what must hold.
 *
 * @example
 * ```ts
 * API_CHECKS["api.token.fresh"].spec; // "§9.4"
 * ```
 */
export const API_CHECKS = defineChecks({
  "api.lifecycle.config": ["MUST", "§6.1, §9.1", "init fetches the config of its client id"],
  "api.lifecycle.create": ["MUST", "§6.2", "the create body is a valid create request of the client"],
  "api.lifecycle.shutdown": ["MUST", "§9.11", "shutdown delivers what was queued; later calls reject with ERR_CLOSED"],
  "api.proof.valid": ["MUST", "§5.2, §6.2, §6.3", "every create and refresh proof verifies: signature, jwk, htm/htu, iat in service time, an issued nonce, the session's key"],
  "api.proof.jti": ["MUST", "§1.4, §5.2", "every proof has a new jti"],
  "api.proof.nonce-retry": ["MUST", "§5.2, §6.1", "a proof answered ERR_NONCE_INVALID is retried with the nonce of that answer"],
  "api.token.fresh": ["MUST", "§9.4", "every session token handed out was issued for the session and has at least 5 s left (2 s slack)"],
  "api.refresh.ahead": ["MUST", "§9.4", "with no app calls the token is refreshed at 0.8 ± 0.05 of its lifetime from its iat (slack −1/+3 s)"],
  "api.refresh.single-flight": ["MUST", "§9.4", "at most one create or refresh is in flight, whatever callers do"],
  "api.backoff.retry-after": ["MUST", "§9.5", "a create answered 503 with Retry-After is not retried before it"],
  "api.backoff.floor": ["MUST", "§9.5", "a failed create (no caller waiting) or batch is retried no sooner than 250 ms after"],
  "api.secure.claims": ["MUST", "§5.4", "a secure token verifies: bound to the device key and the session, the requested act, exp − iat = 300 by default"],
  "api.secure.max": ["MUST", "§5.4, §6.1", "expirationSeconds up to the advertised secure_token_max_s (600) is honoured; above it is ERR_INVALID_INPUT"],
  "api.secure.jti": ["MUST", "§1.4, §5.4", "every secure token has a new jti"],
  "api.secure.invalid-input": ["MUST", "§1.5, §5.4", "an invalid action type is rejected with ERR_INVALID_INPUT"],
  "api.telemetry.batch": ["MUST", "§8.3", "every batch is a valid batch of its session: 1–100 events in increasing seq, at most 61440 bytes"],
  "api.telemetry.seq": ["MUST", "§8.1", "seq starts at 1 in a session and a seq always names the same event"],
  "api.telemetry.one-in-flight": ["MUST", "§8.5", "at most one batch is in flight"],
  "api.telemetry.acked": ["MUST", "§8.5", "events of an acknowledged batch are never sent again"],
  "api.telemetry.resend": ["MUST", "§8.5", "events of a batch that failed (503, dropped connection, lost answer) are sent again"],
  "api.telemetry.retry-after": ["MUST", "§9.5", "a batch answered 503 with Retry-After is not retried before it"],
  "api.telemetry.permanent": ["MUST", "§8.5", "a batch answered 413 is never resent and its events are counted as dropped"],
  "api.telemetry.no-loss": ["MUST", "§8.4, §8.5", "every action event is stored by the service or counted in dropped.total"],
  "api.telemetry.overflow": ["MUST", "§8.4", "a queue that overflows while a batch is in flight stays within max_queue_events and counts the evictions"],
  "api.actions.token": ["MUST", "§8.6", "triggerActionEvent resolves with the action token the service answered for its event"],
  "api.user.identify": ["MUST", "§9.10", "setting and clearing the user send identify events (user_id, previous_user_id); repeats send nothing"],
  "api.user.init": ["MUST", "§6.2, §9.10", "the init option userId is the session's user from its create (user_id), with no identify event"],
  "api.restart.queue": ["MUST", "§8.8, §9.11", "events left unacknowledged at shutdown are delivered, in their session and seq, by the next instance on the same storage; a caller waiting at shutdown gets ERR_CLOSED"],
  "api.restart.resume": ["MUST", "§9.15", "an instance started on the storage of a live session resumes it (no create; its tokens are that session's)"],
  "api.restart.key-lost": ["MUST", "§9.8", "with the stored device key gone, the next instance creates a session with a new key, key_event lost and the stored device_id"],
  "api.restart.corrupt": ["MUST", "§8.8, §9.15", "stored records the SDK never wrote are discarded: the instance starts, creates a session and works"],
  "api.clock.offset": ["MUST", "§9.7", "proofs, secure tokens and events are stamped in service time (the service runs 1000 s ahead)"],
});
